// The path one allocator call took through glibc, as stopping places: stepping into a statement
// that calls malloc (free, calloc, ...) runs it once with the narration on, keeps each call's
// `why` lines and trace, and lays them out as a read-only listing, one line per function entry
// and per decision, with the stack of glibc frames and their locals at each line. Step in, next
// and step out then walk that listing before the scenario's next statement. Knows nothing of DAP.
import type { TraceEntry, TraceLocals } from '../machine/glibc/types';
import type { Val } from '../machine/interp/arith';
import type { RunEvent } from '../machine/interp/events';
import type { Frame } from '../machine/interp/frame';
import type { Scenario } from '../machine/scenario';
import { RETURNS_CHUNK } from '../lang/builtins';

export interface RecordedCall {
  fn: string;
  args: Val[];
  ret: Val | null;
  line: number;                 // the scenario line of the statement
  why: string[];
  trace: TraceEntry[];
  frames: Frame[];              // the scenario's frames during the call, innermost last
  finished: boolean;            // false: a check aborted (or a fault ended) the call
  by?: string;
}

export interface PathFrame { fn: string; line: number; locals: [string, string][] }
export interface PathStop {
  line: number;                 // 1-based, in the listing
  depth: number;                // glibc frames on the stack
  frames: PathFrame[];          // innermost first
  call: number;                 // index into `calls`
}
export interface PathListing { lines: string[]; stops: PathStop[]; calls: RecordedCall[] }

// Values that glibc keeps as counts and indices read best in decimal; sizes and addresses in hex.
const DECIMAL = new Set(['idx', 'tc_idx', 'iters', 'n', 'nmemb', 'param_number', 'value', 'block']);

export function formatLocal(name: string, v: number | bigint | string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && (DECIMAL.has(name) || v < 0)) return String(v);
  return '0x' + BigInt.asUintN(64, BigInt(v)).toString(16);
}

// The names of each entry point's parameters in glibc, for a call the trace does not open.
const PARAMS: Record<string, string[]> = {
  malloc: ['bytes'], free: ['mem'], calloc: ['n', 'elem_size'], realloc: ['oldmem', 'bytes'],
  reallocarray: ['ptr', 'nmemb', 'size'], memalign: ['alignment', 'bytes'], aligned_alloc: ['alignment', 'bytes'],
  valloc: ['bytes'], pvalloc: ['bytes'], posix_memalign: ['memptr', 'alignment', 'size'],
  malloc_usable_size: ['mem'], malloc_trim: ['s'], mallopt: ['param_number', 'value'],
};

const INDENT = '    ';
const hex = (v: Val): string => '0x' + BigInt.asUintN(64, BigInt(v)).toString(16);
function returnLine(c: RecordedCall): string {
  if (c.ret === null) return 'return;';
  if (!RETURNS_CHUNK.has(c.fn)) return `return ${String(c.ret)};`;
  return c.ret === 0 || c.ret === 0n ? 'return 0x0;   /* NULL */' : `return ${hex(c.ret)};`;
}

export function buildListing(calls: RecordedCall[], where: string): PathListing {
  const lines: string[] = [
    `// glibc 2.36's malloc.c, as it ran for ${where}: one line per function entered and per decision.`,
    '// Recorded while the call ran; the Heap and Process views show the state after it returned.',
  ];
  const stops: PathStop[] = [];
  calls.forEach((c, ci) => {
    interface Open { fn: string; enterLine: number; locals: Map<string, string> }
    const stack: Open[] = [];
    const stop = (line: number): void => {
      const frames: PathFrame[] = [];
      for (let k = stack.length - 1; k >= 0; k--) {
        frames.push({ fn: stack[k].fn, line: k === stack.length - 1 ? line : stack[k + 1].enterLine, locals: [...stack[k].locals] });
      }
      stops.push({ line, depth: stack.length, frames, call: ci });
    };
    const emit = (text: string, depth: number): number => { lines.push(INDENT.repeat(depth) + text); return lines.length; };
    const merge = (into: Map<string, string>, l: TraceLocals | undefined): void => {
      if (l) for (const [k, v] of Object.entries(l)) into.set(k, formatLocal(k, v));
    };
    const enter = (fn: string, args: TraceLocals): void => {
      const locals = new Map<string, string>();
      merge(locals, args);
      const text = `${fn} (${[...locals].map(([k, v]) => `${k}=${v}`).join(', ')})`;
      stack.push({ fn, enterLine: emit(text, stack.length), locals });
      stop(stack[stack.length - 1].enterLine);
    };
    let w = 0;
    const flush = (upTo: number): void => { for (; w < upTo && w < c.why.length; w++) stop(emit(c.why[w], Math.max(stack.length, 1))); };
    const returned = (): void => stop(emit(returnLine(c), 1));

    lines.push('');
    if (c.by) lines.push(`// ${c.fn}, called by the C library itself (${c.by}), at line ${c.line}`);
    const first = c.trace[0];
    if (!first || first.event !== 'enter') {
      // a call whose entry the trace does not mark: its frame comes from the call itself
      const names = PARAMS[c.fn] ?? [];
      enter(c.fn, Object.fromEntries(c.args.map((a, i) => [names[i] ?? `arg${i}`, a])));
    }
    for (const t of c.trace) {
      if (t.why !== undefined) flush(t.why);
      switch (t.event) {
        case 'enter': enter(t.fn, t.locals ?? {}); break;
        case 'locals': if (stack.length) merge(stack[stack.length - 1].locals, t.locals); break;
        case 'leave':
          if (stack.length === 1 && c.finished) returned();
          stack.pop();
          break;
      }
    }
    flush(c.why.length);
    if (stack.length && c.finished) { while (stack.length > 1) stack.pop(); returned(); }
  });
  return { lines, stops, calls };
}

export type PathMove = 'in' | 'over' | 'out' | 'back';

// The runtime's side: records the allocator calls of one step into a statement, then holds
// the listing and the position in it until the user steps past its end or runs on.
export class GlibcPath {
  private recording: { sc: Scenario; calls: RecordedCall[]; seen: unknown; explain: boolean; frames: boolean; where: string } | null = null;
  private listing: PathListing | null = null;
  private pos = 0;
  // a new number for each listing, so that views can tell one recorded path from the next
  version = 0;

  // The next step is a step into a statement: keep what its allocator calls do.
  arm(sc: Scenario | null, file: string): void {
    this.leave();
    if (!sc) return;
    const f = sc.interp.frame;
    const line = f ? f.code[Math.min(f.pc, f.code.length - 1)].loc.line : sc.interp.loc.line;
    const where = `line ${line} of ${file.split(/[\\/]/).pop()} (step ${sc.interp.steps + 1})`;
    this.recording = { sc, calls: [], seen: sc.glibc.trace, explain: sc.glibc.explain, frames: sc.glibc.traceFrames, where };
    sc.glibc.explain = true;
    sc.glibc.traceFrames = true;
  }

  record(e: RunEvent): void {
    const r = this.recording;
    if (!r) return;
    const g = r.sc.glibc;
    if (e.event === 'call') {
      r.seen = g.trace;
      r.calls.push({ fn: e.fn, args: e.args, ret: e.ret, line: e.line, why: e.why, trace: g.trace.slice(), frames: r.sc.interp.frames.slice(), finished: true, by: e.by });
    } else if ((e.event === 'signal' || e.event === 'error') && g.trace !== r.seen && g.trace.length > 0) {
      // the call did not return: its trace ends where the check fired
      const first = g.trace[0];
      const args = first.event === 'enter' ? Object.values(first.locals ?? {}).filter((v): v is number | bigint => typeof v !== 'string') : [];
      r.calls.push({ fn: first.fn, args, ret: null, line: e.line ?? r.sc.interp.loc.line, why: g.why.slice(), trace: g.trace.slice(), frames: r.sc.interp.frames.slice(), finished: false });
      r.seen = g.trace;
    }
  }

  // The recording ends at the stop after its step (read lazily, at the next question).
  private settle(): void {
    const r = this.recording;
    if (!r) return;
    this.recording = null;
    this.restore(r);
    if (!r.calls.length) return;
    this.listing = buildListing(r.calls, r.where);
    if (!this.listing.stops.length) { this.listing = null; return; }
    this.version++;
    // a call that aborted is shown where its check fired
    this.pos = r.calls[r.calls.length - 1].finished ? 0 : this.listing.stops.length - 1;
  }

  get active(): boolean { this.settle(); return this.listing !== null; }
  get current(): { listing: PathListing; stop: PathStop; call: RecordedCall } | null {
    this.settle();
    const l = this.listing;
    if (!l) return null;
    const stop = l.stops[this.pos];
    return { listing: l, stop, call: l.calls[stop.call] };
  }

  // Moves along the listing; false when the move leaves it (the path is then gone).
  move(how: PathMove): boolean {
    this.settle();
    const l = this.listing;
    if (!l) return false;
    const d = l.stops[this.pos].depth;
    let j = -1;
    if (how === 'back') j = this.pos - 1;
    else {
      for (let k = this.pos + 1; k < l.stops.length; k++) {
        const dk = l.stops[k].depth;
        if (how === 'in' || (how === 'over' && dk <= d) || (how === 'out' && dk < d)) { j = k; break; }
      }
    }
    if (j < 0) { this.leave(); return false; }
    this.pos = j;
    return true;
  }

  private restore(r: NonNullable<GlibcPath['recording']>): void {
    r.sc.glibc.explain = r.explain;
    r.sc.glibc.traceFrames = r.frames;
  }

  leave(): void {
    if (this.recording) { this.restore(this.recording); this.recording = null; }
    this.listing = null;
    this.pos = 0;
  }
}
