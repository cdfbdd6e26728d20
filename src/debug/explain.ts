// The custom request `heapstep/explain`: an allocator call's `why` narration as prose with
// references into the views (explain-prose.ts). The calls come from a history the session
// keeps of the run (each call with the system calls and page faults glibc caused during it),
// so a line that ran long ago is explained as it ran, without replaying anything.
import type { SyscallEvent } from '../machine/events';
import type { RunEvent } from '../machine/interp/events';
import { peekU64 } from '../machine/memory/peek';
import type { Scenario } from '../machine/scenario';
import type { ExplainedCall, ExplainRef, ExplainRequestArgs, ExplainResponse } from '../protocol/explain';
import { callText, explainProse, resultText, type CallRecord } from './explain-prose';
import type { GeneratedSources } from './generated-source';
import { isGlibcFrame } from './glibc-frames';
import { buildListing, type PathListing, type RecordedCall } from './glibc-path';
import type { HeapStepRuntime } from './runtime';
import { ALLOCATOR_ENTRIES } from '../lang/builtins';

// Calls kept in order; older ones only as each line's latest few. Short, because every record
// kept long outlives the young generation and a long run's churn then costs full collections.
const KEEP = 250;
const KEEP_PER_LINE = 8;
const MAX_FAULTS = 8;
const GONE_FRAME = 1 << 21;   // glibc-frames.ts: a scenario frame that returned since the call
const ALLOCATOR_CALL = new RegExp(String.raw`\b(?:${[...ALLOCATOR_ENTRIES].join('|')})\s*\(`);

let serial = 0;
const NONE: never[] = [];   // shared and never written: the empty list of a record

// The allocator calls of one run, as they happened: replays after a step back are not seen
// (the runtime mutes them), and a call seen again at a step already recorded replaces what
// followed it (the future was rewritten).
class CallHistory {
  readonly id = ++serial;
  private calls: CallRecord[] = [];
  private older = new Map<number, CallRecord[]>();
  // what glibc did inside the statement so far, before its call event arrives; nothing is
  // allocated for the (common) statement that made no system call and took no fault
  private pStep = -1;
  private pSyscalls: SyscallEvent[] = NONE;
  private pFaults: number[] = NONE;
  private pFaultCount = 0;

  event(e: RunEvent, sc: Scenario): void {
    switch (e.event) {
      case 'syscall':
        if (e.by && e.by !== 'program') {
          this.at(e.step ?? -1);
          if (this.pSyscalls === NONE) this.pSyscalls = [];
          this.pSyscalls.push({ event: 'syscall', name: e.name, args: e.args, ret: e.ret, errno: e.errno, by: e.by });
        }
        return;
      case 'fault':
        // a statement may touch millions of pages: the prose names the first few and counts them
        this.at(e.step ?? -1);
        if (this.pFaults === NONE) this.pFaults = [];
        if (this.pFaults.length < MAX_FAULTS) this.pFaults.push(e.page);
        this.pFaultCount++;
        return;
      case 'call':
        this.at(e.step);
        this.push({ fn: e.fn, args: e.args, ret: e.ret, step: e.step, line: e.line, why: e.why, by: e.by, finished: true, syscalls: this.pSyscalls, faults: this.pFaults, faultCount: this.pFaultCount });
        // the next call of the same statement starts afresh
        this.pSyscalls = NONE; this.pFaults = NONE; this.pFaultCount = 0;
        return;
      case 'signal':
        // one of glibc's checks aborted a call: its narration ends with the check
        if (e.signame === 'SIGABRT' && e.check) {
          this.at(e.step);
          this.push({ fn: e.entry ?? e.check, args: [], ret: null, step: e.step, line: e.line, why: sc.glibc.why.slice(), finished: false, syscalls: this.pSyscalls, faults: this.pFaults, faultCount: this.pFaultCount });
        }
        return;
    }
  }

  // events of a new statement: forget what the last one did
  private at(step: number): void {
    if (this.pStep === step) return;
    this.pStep = step;
    this.pSyscalls = NONE; this.pFaults = NONE; this.pFaultCount = 0;
  }

  private push(r: CallRecord): void {
    const cs = this.calls;
    while (cs.length && cs[cs.length - 1].step > r.step) cs.pop();
    for (let j = cs.length - 1; j >= 0 && cs[j].step === r.step; j--) {
      if (same(cs[j], r)) { cs.length = j; break; }
    }
    cs.push(r);
    if (cs.length > KEEP) {
      for (const g of cs.splice(0, KEEP / 5)) {
        const l = this.older.get(g.line) ?? [];
        l.push(g);
        if (l.length > KEEP_PER_LINE) l.shift();
        this.older.set(g.line, l);
      }
    }
  }

  // The calls of the line's latest execution up to step `now`: the calls of its latest
  // statement there, with those of the statements right before it on the same line
  // (`free(a); free(b);`), but not an earlier turn of a loop.
  onLine(line: number, now: number): CallRecord[] {
    const all = [...(this.older.get(line) ?? []), ...this.calls.filter((c) => c.line === line)].filter((c) => c.step <= now);
    if (!all.length) return [];
    let k = all.length - 1;
    while (k > 0 && all[k].step - all[k - 1].step <= 1) k--;
    return all.slice(k);
  }

  // The calls of the latest statement before `now` that made any.
  latest(now: number): CallRecord[] {
    let last: CallRecord | undefined;
    for (let j = this.calls.length - 1; j >= 0; j--) if (this.calls[j].step <= now) { last = this.calls[j]; break; }
    if (!last) for (const l of this.older.values()) for (const c of l) if (c.step <= now && (!last || c.step > last.step)) last = c;
    if (!last) return [];
    const step = last.step;
    return [...this.calls, ...[...this.older.values()].flat()].filter((c) => c.step === step).sort((a, b) => a.step - b.step);
  }

  // the record of a call the glibc path recorded (same statement, same call)
  find(step: number, c: RecordedCall): CallRecord | undefined {
    return this.calls.find((r) => r.step === step && r.fn === c.fn && r.line === c.line && sameVals(r.args, c.args) && sameVal(r.ret, c.ret));
  }
}

const sameVal = (a: unknown, b: unknown): boolean => a === b || (a !== null && b !== null && String(a) === String(b));
const sameVals = (a: unknown[], b: unknown[]): boolean => a.length === b.length && a.every((v, i) => sameVal(v, b[i]));
const same = (a: CallRecord, b: CallRecord): boolean =>
  a.fn === b.fn && a.line === b.line && sameVals(a.args, b.args) && sameVal(a.ret, b.ret) && a.why.join('\n') === b.why.join('\n');

const histories = new WeakMap<Scenario, CallHistory>();
function historyOf(sc: Scenario): CallHistory {
  let h = histories.get(sc);
  if (!h) { h = new CallHistory(); histories.set(sc, h); }
  return h;
}

// The session hands every event of the live run here.
export function recordForExplain(rt: HeapStepRuntime, e: RunEvent): void {
  const sc = rt.scenario;
  if (sc) historyOf(sc).event(e, sc);
}

function checkArgs(args: unknown, lines: number): ExplainRequestArgs {
  if (args === undefined || args === null) return {};
  if (typeof args !== 'object' || Array.isArray(args)) throw new Error('heapstep/explain: the arguments must be an object ({ line?, frameId? })');
  const a = args as Record<string, unknown>;
  if (a.line !== undefined && (typeof a.line !== 'number' || !Number.isInteger(a.line) || a.line < 1 || a.line > lines)) {
    throw new Error(`heapstep/explain: "line" must be a line of the scenario (1 to ${lines})`);
  }
  if (a.frameId !== undefined && (typeof a.frameId !== 'number' || !Number.isInteger(a.frameId) || a.frameId < 0)) {
    throw new Error('heapstep/explain: "frameId" must be the id of a frame of the Call Stack');
  }
  return { line: a.line as number | undefined, frameId: a.frameId as number | undefined };
}

export function explainRequest(rt: HeapStepRuntime, sources: GeneratedSources, rawArgs: unknown): ExplainResponse {
  const sc = rt.scenario;
  if (!sc) throw new Error('heapstep/explain: no program is running');
  if (rt.busy) throw new Error('heapstep/explain: pause the program first');
  const it = sc.interp;
  const args = checkArgs(rawArgs, it.sourceLines.length);
  const now = it.steps;
  const h = historyOf(sc);
  const path = rt.glibcPath.current;
  const file = rt.path.split(/[\\/]/).pop() ?? rt.path;
  const answer = (line: number, calls: CallRecord[], note?: string, listing?: Listing): ExplainResponse =>
    ({ file, stopStep: now, line, note, calls: calls.map((c, k) => explainCall(sc, sources, h, c, k, listing)) });

  // on glibc's path (after a step into a call): that call, over the listing being walked
  if (args.line === undefined && path && (args.frameId === undefined || isGlibcFrame(args.frameId))) {
    const rec = h.find(now, path.call) ?? fromPath(path.call, now);
    const outer = path.stop.frames[path.stop.frames.length - 1]?.fn ?? path.call.fn;
    const name = `${outer} (glibc 2.36)`;
    const ref = sources.reference(`glibc-path-${rt.glibcPath.version}`, name, () => path.listing.lines.join('\n') + '\n');
    return answer(path.call.line, [rec], undefined, { listing: path.listing, call: path.stop.call, name, ref });
  }
  if (args.frameId !== undefined && isGlibcFrame(args.frameId)) throw new Error(`heapstep/explain: frame ${args.frameId} belongs to an earlier stop`);

  const line = args.line ?? frameLine(rt, args.frameId);
  const own = h.onLine(line, now);
  if (own.length) return answer(line, own);
  const latest = h.latest(now);
  if (!latest.length) return answer(line, [], 'No allocator call has run yet at this stop.');
  const src = it.sourceLines[line - 1] ?? '';
  const where = `line ${latest[0].line}`;
  const note = ALLOCATOR_CALL.test(src)
    ? `Line ${line} made no allocator call before this stop; this is the most recent one, on ${where}.`
    : `Line ${line} makes no allocator call; this is the most recent one before the stop, on ${where}.`;
  return answer(line, latest, note);
}

// The line a frame of the Call Stack is at (stack.ts's numbering), or the stop's.
function frameLine(rt: HeapStepRuntime, frameId: number | undefined): number {
  const it = rt.scenario!.interp;
  const path = rt.glibcPath.current;
  const frames = path?.call.frames ?? it.frames;
  const innermost = path?.call.line ?? it.loc.line;
  if (frameId === undefined) return innermost;
  const i = frameId >= GONE_FRAME ? frameId - GONE_FRAME : frameId;
  if (i >= frames.length) throw new Error(`heapstep/explain: no frame ${frameId} at this stop`);
  return i === frames.length - 1 ? innermost : frames[i + 1].callLine || innermost;
}

function fromPath(c: RecordedCall, step: number): CallRecord {
  return { fn: c.fn, args: c.args, ret: c.ret, step, line: c.line, why: c.why, by: c.by, finished: c.finished, syscalls: [], faults: [] };
}

interface Listing { listing: PathListing; call: number; name: string; ref: number }

function explainCall(sc: Scenario, sources: GeneratedSources, h: CallHistory, c: CallRecord, k: number, given?: Listing): ExplainedCall {
  let listing = given;
  const ensure = (): Listing => {
    if (listing) return listing;
    const rc: RecordedCall = { fn: c.fn, args: c.args, ret: c.ret, line: c.line, why: c.why, trace: [], frames: [], finished: c.finished, by: c.by };
    const l = buildListing([rc], `line ${c.line} (step ${c.step})`);
    const name = `${c.fn} at line ${c.line} (glibc 2.36)`;
    const ref = sources.reference(`explain-${h.id}-${c.step}-${k}-${c.fn}`, name, () => l.lines.join('\n') + '\n');
    listing = { listing: l, call: 0, name, ref };
    return listing;
  };
  const whyLines = new Map<number, number>();
  const lineOfWhy = (w: number): number | undefined => {
    if (whyLines.size === 0) {
      const l = ensure();
      const first = l.listing.stops.find((s) => s.call === l.call)?.line ?? 1;
      let at = first - 1;
      c.why.forEach((text, i) => {
        for (let j = at; j < l.listing.lines.length; j++) {
          if (l.listing.lines[j].trim() === text.trim()) { whyLines.set(i, j + 1); at = j + 1; return; }
        }
      });
      if (!whyLines.size) whyLines.set(-1, first);
    }
    return whyLines.get(w) ?? whyLines.get(-1);
  };
  const paragraphs = explainProse(c, {
    source: (fn, why): ExplainRef => {
      const line = lineOfWhy(Math.max(0, why));
      const l = ensure();
      return { kind: 'source', glibcFunction: fn, name: l.name, sourceReference: l.ref, line };
    },
    chunk: (addr, size) => chunkRef(sc, addr, size),
    tcacheCount: Number(sc.glibc.state().mp.tcache_count ?? 7),
  });
  return {
    fn: c.fn, call: c.finished || c.args.length ? callText(c) : `${c.fn}(…)`, result: resultText(c), step: c.step, line: c.line,
    source: (sc.interp.sourceLines[c.line - 1] ?? '').trim(), by: c.by, finished: c.finished, why: c.why.slice(), paragraphs,
  };
}

const PRINTABLE = Array.from({ length: 256 }, (_, ch) => (ch >= 32 && ch < 127 ? String.fromCharCode(ch) : '.'));

// A chunk as it is now: its size (from the header when the narration gave none) and the first
// bytes of its user memory, read through the inspector (nothing is faulted in).
function chunkRef(sc: Scenario, addr: number, size: number | null): ExplainRef {
  let sz = size;
  if (sz === null) {
    const w = peekU64(sc.proc.inspect, addr + 8);
    sz = w === null ? 0 : Number(w & 0xfffffffffff8n);   // chunksize: the low 48 bits, flags cleared
    if (!Number.isSafeInteger(sz)) sz = 0;
  }
  const n = Math.min(16, Math.max(0, sz - 16));
  const bytes = n ? sc.proc.inspect.peekBytes(addr + 16, n) : null;
  const preview = bytes ? Array.from(bytes, (x) => PRINTABLE[x]).join('') : undefined;
  return preview !== undefined ? { kind: 'chunk', addr, size: sz, preview } : { kind: 'chunk', addr, size: sz };
}
