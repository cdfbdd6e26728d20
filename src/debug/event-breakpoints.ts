// Function breakpoints. A name can be
// - a built-in (malloc, free, mmap, printf, ...): stop before a statement that calls it;
// - a function of the scenario: stop at its first statement;
// - an event inside glibc or the kernel (EVENT_BREAKPOINTS): stop after the statement during
//   which it happened, at the next statement, with the event and its chunk in the stop's text.
// A system call name also matches the calls glibc makes itself (sysmalloc's brk and mmap,
// free's munmap, systrim's brk, malloc_trim's madvise), and `sbrk` matches glibc's brk calls,
// which it makes through __sbrk (MORECORE).
import type { DebugProtocol } from '@vscode/debugprotocol';
import { BUILTINS } from '../lang/index';
import type { RunEvent } from '../machine/interp/events';
import type { Frame, Ins } from '../machine/interp/frame';
import type { Scenario } from '../machine/scenario';
import { ConditionCache, parseHitCondition, passGate, type Gate } from './conditions';
import { hex } from './values';

// The glibc trace's `event` for each allocator name (glibc/*.ts push them when `explain` is on).
const TRACE_EVENT: Record<string, string> = {
  sysmalloc: 'sysmalloc', malloc_consolidate: 'malloc_consolidate', systrim: 'systrim',
  tcache_put: 'tcache_put', tcache_get: 'tcache_get',
  unsorted_bin: 'unsorted', smallbin: 'smallbin', largebin: 'largebin', fastbin: 'fastbin',
};

export const EVENT_BREAKPOINTS: Record<string, string> = {
  sysmalloc: 'top cannot serve a request: glibc grows the heap (brk) or gives the chunk its own mmap',
  malloc_consolidate: 'fast chunks are merged with free neighbours and moved to the unsorted bin',
  systrim: 'top is above M_TRIM_THRESHOLD: glibc returns memory to the kernel with a negative sbrk',
  tcache_put: 'a chunk enters a tcache bin',
  tcache_get: 'a chunk leaves a tcache bin',
  unsorted_bin: 'a chunk enters the unsorted bin (free, malloc_consolidate, a split remainder)',
  smallbin: 'a chunk is sorted from the unsorted bin into a small bin',
  largebin: 'a chunk is sorted from the unsorted bin into a large bin',
  fastbin: 'a chunk enters a fastbin',
  page_fault: 'the kernel handles a page fault (first touch of a page, or a swap-in)',
  oom: 'the OOM killer ends the process',
};

const SYSCALLS = new Set(['brk', 'mmap', 'munmap', 'mremap', 'mprotect', 'madvise']);
const ALIASES: Record<string, string> = { unsorted: 'unsorted_bin', small_bin: 'smallbin', large_bin: 'largebin', fast_bin: 'fastbin', oom_kill: 'oom' };

type Kind = 'builtin' | 'function' | 'event';
interface FnBp extends Gate { id: number; name: string; kind: Kind; condition?: string }

// One happening that matched an event breakpoint, in words.
export interface EventHit { bp: FnBp; what: string }

export interface FnStop { ids: number[]; description: string; text: string; error?: string }

export class FunctionBreakpoints {
  private bps: FnBp[] = [];
  private builtins = new Map<string, FnBp[]>();
  private entries = new Map<Ins, FnBp[]>();
  private events = new Map<string, FnBp[]>();
  private pending: EventHit[] = [];
  private readonly conditions = new ConditionCache();

  get size(): number { return this.bps.length; }
  get wantsAllocatorTrace(): boolean { return [...this.events.keys()].some((k) => k in TRACE_EVENT); }

  set(sc: Scenario | null, specs: DebugProtocol.FunctionBreakpoint[], newId: () => number): DebugProtocol.Breakpoint[] {
    this.bps = []; this.builtins.clear(); this.entries.clear(); this.events.clear(); this.pending = []; this.conditions.clear();
    return specs.map((spec) => {
      const id = newId();
      const raw = spec.name.trim().replace(/\(\)$/, '');
      const name = ALIASES[raw] ?? raw;
      let hit;
      try { hit = spec.hitCondition?.trim() ? parseHitCondition(spec.hitCondition) : undefined; } catch (e) { return { id, verified: false, message: (e as Error).message }; }
      const add = (kind: Kind, into: Map<string, FnBp[]> | null): FnBp => {
        const bp: FnBp = { id, name, kind, hits: 0, hit, condition: spec.condition?.trim() || undefined };
        this.bps.push(bp);
        if (into) into.set(name, [...(into.get(name) ?? []), bp]);
        return bp;
      };
      const userFunc = sc ? [...sc.interp.funcs.values()].find((cf) => cf.func.name === name && cf.func.name !== '_start') : undefined;
      if (name in BUILTINS) {
        const bp = add('builtin', this.builtins);
        const sys = name === 'sbrk' ? 'brk' : name;
        if (SYSCALLS.has(sys)) this.events.set(sys, [...(this.events.get(sys) ?? []), bp]);
        return { id, verified: true };
      }
      if (name in EVENT_BREAKPOINTS) {
        add('event', this.events);
        return { id, verified: true, message: EVENT_BREAKPOINTS[name] };
      }
      if (userFunc) {
        const first = userFunc.code.find((i) => i.step);
        const bp = add('function', null);
        if (first) this.entries.set(first, [...(this.entries.get(first) ?? []), bp]);
        return { id, verified: true };
      }
      return { id, verified: false, message: `'${raw}' is not a built-in, a function of this program or an allocator/kernel event (${Object.keys(EVENT_BREAKPOINTS).join(', ')})` };
    });
  }

  // Records what the statement being executed did; tested at the next statement.
  onEvent(e: RunEvent, trace: readonly { fn: string; event: string; chunk?: number; size?: number; bin?: string }[]): void {
    if (this.events.size === 0) return;
    const hit = (name: string, what: string): void => { for (const bp of this.events.get(name) ?? []) this.pending.push({ bp, what }); };
    switch (e.event) {
      case 'call':
        for (const t of trace) {
          for (const [name, ev] of Object.entries(TRACE_EVENT)) {
            if (t.event !== ev || !this.events.has(name)) continue;
            hit(name, describeTrace(name, t, e.fn));
          }
        }
        break;
      case 'fault':
        hit('page_fault', `page_fault: ${e.kind} fault at ${hex(e.addr)} (${e.write ? 'write' : 'read'}), page ${hex(e.page)}`);
        break;
      case 'reclaim':
        if (e.action === 'oom_kill') hit('oom', `oom: ${e.detail ?? 'the OOM killer ends the process'}`);
        break;
      case 'syscall':
        if (e.by && e.by !== 'program') hit(e.name, `${e.name}(${e.args.map((a) => (typeof a === 'number' && a > 4096 ? hex(a) : String(a))).join(', ')}) = ${typeof e.ret === 'number' && e.ret > 4096 ? hex(e.ret) : e.ret}, called by glibc's ${e.by}`);
        break;
    }
  }

  clearPending(): void { this.pending = []; }
  get hasPending(): boolean { return this.pending.length > 0; }

  // At a statement: the events of the statement before it, then built-ins this one calls and
  // the function it starts. Each breakpoint's condition and hit count decide for it alone.
  check(sc: Scenario, ins: Ins, f: Frame, replay: boolean): FnStop | null {
    const entry = this.entries.size ? this.entries.get(ins) : undefined;
    if (this.pending.length === 0 && !entry && !(ins.calls && this.builtins.size)) return null;
    const found: EventHit[] = this.pending;
    this.pending = [];
    if (ins.calls) for (const c of ins.calls) for (const bp of this.builtins.get(c) ?? []) found.push({ bp, what: `${c}: the statement at line ${ins.loc.line} calls ${c}()` });
    if (entry) for (const bp of entry) found.push({ bp, what: `${bp.name}: entering ${bp.name}()` });
    if (found.length === 0) return null;
    return this.decide(sc, found, f, ins.loc.line, replay);
  }

  // The run ended during a statement (the OOM killer): its events stop there, if any matched.
  checkFinal(sc: Scenario, f: Frame | undefined, line: number): FnStop | null {
    const found = this.pending.filter((h) => h.bp.name === 'oom');
    this.pending = [];
    if (!found.length || !f) return null;
    return this.decide(sc, found, f, line, false);
  }

  private decide(sc: Scenario, found: EventHit[], f: Frame, line: number, replay: boolean): FnStop | null {
    const stopping: EventHit[] = [];
    let error: string | undefined;
    const seen = new Set<FnBp>();
    for (const h of found) {
      // a hit count counts statements, not the several events one statement may cause
      if (seen.has(h.bp)) { if (stopping.some((s) => s.bp === h.bp)) stopping.push(h); continue; }
      seen.add(h.bp);
      const cond = h.bp.condition ? this.conditions.get(sc, h.bp.condition, f.func, line) : null;
      const r = passGate(h.bp, cond, f, replay);
      if (r.error) error = `condition '${h.bp.condition}' of the ${h.bp.name} breakpoint could not be evaluated: ${r.error}`;
      if (r.stop) stopping.push(h);
    }
    if (!stopping.length) return null;
    const first = stopping[0];
    const lines = stopping.map((h) => h.what);
    return {
      ids: [...new Set(stopping.map((h) => h.bp.id))],
      description: first.bp.kind === 'event' || stopping.length > 1 ? `Paused on ${first.what.split(':')[0]}` : `Paused on function breakpoint ${first.bp.name}`,
      text: (error ? error + '\n' : '') + lines.join('\n'),
      error,
    };
  }
}

function describeTrace(name: string, t: { fn: string; chunk?: number; size?: number; bin?: string }, call: string): string {
  const parts: string[] = [];
  if (t.chunk !== undefined) parts.push(`chunk ${hex(t.chunk)}`);
  if (t.bin) parts.push(`${name === 'tcache_get' ? 'from' : 'into'} ${t.bin}`);
  // sysmalloc's size is the chunk it must find room for (nb), systrim's what it gave back
  if (t.size !== undefined) parts.push(name === 'systrim' ? `releases ${hex(t.size)} bytes` : `for a ${hex(t.size)}-byte chunk`);
  const where = t.fn === name ? `during ${call}()` : `in ${t.fn}, during ${call}()`;
  return `${name}: ${parts.length ? parts.join(' ') + ', ' : ''}${where}`;
}
