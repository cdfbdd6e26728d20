// Data breakpoints: stop after a statement that changed watched bytes, with the old and the new
// value. The watched bytes are compared at every statement and after every allocator call,
// and only while data breakpoints exist, so the run loop's fast path stays as it was. Reads go
// through the inspector. The comparison after each allocator call tells glibc's writes (a free
// linking the chunk into a bin) from the program's own (the assignment of malloc's result).
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { RunEvent } from '../machine/interp/events';
import type { Frame, Ins } from '../machine/interp/frame';
import type { Scenario } from '../machine/scenario';
import { ConditionCache, parseHitCondition, passGate, type Gate } from './conditions';
import { ExprError, formatValue, InspectorMemory } from './frame-expr';
import { dataIdOf, describeTarget, resolveTarget, targetOfId, type WatchTarget } from './data-targets';
import { hex } from './values';
import type { VariableStore } from './variables';

export const DATA_BREAKPOINT_MODES: DebugProtocol.BreakpointMode[] = [
  { mode: 'write', label: 'Any write', description: 'Stop when the program or glibc (inside malloc, free, ...) changes the bytes.', appliesTo: ['data'] },
  { mode: 'program', label: 'Program writes', description: "Stop only when the scenario's own code changes the bytes; glibc's writes are followed silently.", appliesTo: ['data'] },
];

type Bytes = Uint8Array | null;     // null: not mapped (or the register's frame is gone)
interface Change { by: string; old: Bytes }
interface Watch extends Gate { id: number; target: WatchTarget; programOnly: boolean; condition?: string; last: Bytes; changes: Change[] }

export interface DataStop { ids: number[]; description: string; text: string }

export class DataBreakpoints {
  private watches: Watch[] = [];
  private readonly known = new Map<string, WatchTarget>();
  private readonly conditions = new ConditionCache();

  get size(): number { return this.watches.length; }

  info(sc: Scenario | null, store: VariableStore, args: DebugProtocol.DataBreakpointInfoArguments): DebugProtocol.DataBreakpointInfoResponse['body'] {
    if (!sc) return { dataId: null, description: 'no program is running' };
    try {
      const t = resolveTarget(sc, store, args);
      const id = dataIdOf(t);
      this.known.set(id, t);
      return { dataId: id, description: describeTarget(t), accessTypes: ['write'], canPersist: false };
    } catch (e) {
      if (e instanceof ExprError) return { dataId: null, description: e.message };
      throw e;
    }
  }

  set(sc: Scenario | null, specs: DebugProtocol.DataBreakpoint[], newId: () => number): DebugProtocol.Breakpoint[] {
    this.watches = [];
    this.conditions.clear();
    return specs.map((spec) => {
      const id = newId();
      const target = this.known.get(spec.dataId) ?? targetOfId(spec.dataId);
      if (!target) return { id, verified: false, message: `unknown data breakpoint '${spec.dataId}'` };
      if (spec.accessType && spec.accessType !== 'write') return { id, verified: false, message: 'only writes can be watched: a read leaves no trace in emulated memory' };
      let hit;
      try { hit = spec.hitCondition?.trim() ? parseHitCondition(spec.hitCondition) : undefined; } catch (e) { return { id, verified: false, message: (e as Error).message }; }
      const programOnly = (spec as { mode?: string }).mode === 'program';
      const w: Watch = { id, target, programOnly, hits: 0, hit, condition: spec.condition?.trim() || undefined, last: null, changes: [] };
      if (sc) w.last = read(sc, target);
      this.watches.push(w);
      return { id, verified: true, description: describeTarget(target) };
    });
  }

  // The values as they are now become the ones later statements are compared with (after a
  // stop, a step back, or a write by the debugger itself).
  resync(sc: Scenario): void {
    for (const w of this.watches) { w.last = read(sc, w.target); w.changes = []; }
  }

  onEvent(sc: Scenario, e: RunEvent): void {
    if (e.event !== 'call' || this.watches.length === 0) return;
    const by = `glibc's ${e.fn}()${e.by ? ` (for ${e.by})` : ''}`;
    for (const w of this.watches) {
      const now = read(sc, w.target);
      if (same(now, w.last)) continue;
      w.changes.push({ by, old: w.last });
      w.last = now;
    }
  }

  check(sc: Scenario, ins: Ins, f: Frame, replay: boolean): DataStop | null {
    const stops: { w: Watch; text: string }[] = [];
    const line = sc.interp.loc.line;     // the statement that just ran
    for (const w of this.watches) {
      const now = read(sc, w.target);
      if (!same(now, w.last)) { w.changes.push({ by: 'the program', old: w.last }); w.last = now; }
      const changes = w.changes;
      if (changes.length === 0) continue;
      w.changes = [];
      const counted = w.programOnly ? changes.filter((c) => c.by === 'the program') : changes;
      if (counted.length === 0) continue;
      // the first change's old value against the last value: what the statement did in all
      const old = changes[0].old;
      if (same(old, now)) continue;
      const cond = w.condition ? this.conditions.get(sc, w.condition, f.func, ins.loc.line) : null;
      const r = passGate(w, cond, f, replay);
      if (!r.stop) continue;
      const who = [...new Set(counted.map((c) => c.by))].join(' and ');
      const err = r.error ? ` (its condition '${w.condition}' could not be evaluated: ${r.error})` : '';
      stops.push({ w, text: `${w.target.label}: ${show(w.target, old)} → ${show(w.target, now)}, changed by ${who} at line ${line}${err}` });
    }
    if (!stops.length) return null;
    return { ids: stops.map((s) => s.w.id), description: `Paused on data breakpoint: ${stops[0].w.target.label} changed`, text: stops.map((s) => s.text).join('\n') };
  }
}

function read(sc: Scenario, t: WatchTarget): Bytes {
  if (t.kind === 'register') {
    const f = sc.interp.frames[t.depth];
    if (!f || f.base !== t.base || f.func !== t.func) return null;
    const size = t.type.k === 'int' || t.type.k === 'ptr' ? t.type.size : 8;
    const v = BigInt.asUintN(size * 8, BigInt(f.r[t.slot] ?? 0));
    const out = new Uint8Array(size);
    for (let i = 0; i < size; i++) out[i] = Number((v >> BigInt(8 * i)) & 0xffn);
    return out;
  }
  try { return new InspectorMemory(sc).readBytes(t.addr, t.size); } catch { return null; }
}

function same(a: Bytes, b: Bytes): boolean {
  if (a === null || b === null) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const le = (b: Uint8Array, from = 0, n = b.length): bigint => {
  let v = 0n;
  for (let i = from + n - 1; i >= from; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
};

// Old and new values the way the target reads: typed values as C shows them, a chunk header
// as its two fields, other words as hex numbers, longer ranges as bytes.
function show(t: WatchTarget, b: Bytes): string {
  if (b === null) return t.kind === 'register' ? '<out of scope>' : '<unmapped>';
  if (t.kind === 'memory' && t.header && b.length === 16) {
    const size = le(b, 8, 8);
    const flags = [size & 4n ? 'NON_MAIN_ARENA' : '', size & 2n ? 'IS_MMAPPED' : '', size & 1n ? 'PREV_INUSE' : ''].filter(Boolean).join('|');
    return `{prev_size ${hex(le(b, 0, 8))}, size ${hex(size)}${flags ? ` (${flags})` : ''}}`;
  }
  const type = t.type;
  if (type && (type.k === 'int' || type.k === 'ptr') && b.length === type.size) {
    const raw = le(b);
    return formatValue(type, type.k === 'int' && type.signed ? BigInt.asIntN(type.size * 8, raw) : raw);
  }
  if (b.length <= 8 && [1, 2, 4, 8].includes(b.length)) return hex(le(b));
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(' ');
}
