// scopes and variables: Locals, Globals, Heap (the allocator's state as glibc keeps it) and
// Process (the kernel's counters). Structs and arrays expand; every read is side-effect free.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { CType, VarDecl } from '../lang/ast';
import type { Frame } from '../machine/interp/frame';
import type { Scenario } from '../machine/scenario';
import type { HeapStepRuntime } from './runtime';
import { describe, hex, localsOf, peekScalar, typeName, varAddress } from './values';

type Handle =
  | { kind: 'locals'; frame: number }
  | { kind: 'globals' }
  | { kind: 'heap' }
  | { kind: 'process' }
  | { kind: 'memory'; type: CType; addr: number };

export class VariableStore {
  private handles: Handle[] = [];
  reset(): void { this.handles = []; }
  add(h: Handle): number { this.handles.push(h); return this.handles.length; }
  get(ref: number): Handle | undefined { return this.handles[ref - 1]; }
}

export function scopes(rt: HeapStepRuntime, store: VariableStore, frameId: number): DebugProtocol.Scope[] {
  return [
    { name: 'Locals', variablesReference: store.add({ kind: 'locals', frame: frameId }), expensive: false },
    { name: 'Globals', variablesReference: store.add({ kind: 'globals' }), expensive: false },
    { name: 'Heap', variablesReference: store.add({ kind: 'heap' }), expensive: false },
    { name: 'Process', variablesReference: store.add({ kind: 'process' }), expensive: false },
  ].filter(() => rt.scenario !== null);
}

const MAX_CHILDREN = 1000;

export function variables(rt: HeapStepRuntime, store: VariableStore, args: DebugProtocol.VariablesArguments): DebugProtocol.Variable[] {
  const sc = rt.scenario;
  const h = store.get(args.variablesReference);
  if (!sc || !h) return [];
  switch (h.kind) {
    case 'locals': {
      const f = sc.interp.frames[h.frame];
      if (!f) return [];
      const line = sc.interp.loc.line;
      return localsOf(f.func).filter((d) => d.loc.line <= line || f.func.params.includes(d)).map((d) => varOf(sc, store, d, f));
    }
    case 'globals':
      return sc.program.globals.map((d) => varOf(sc, store, d, undefined));
    case 'memory': return memberVars(sc, store, h.type, h.addr, args.start ?? 0, args.count ?? MAX_CHILDREN);
    case 'process': {
      const c = sc.proc.counters();
      const v = (name: string, value: string): DebugProtocol.Variable => ({ name, value, variablesReference: 0 });
      return [
        v('brk', hex(sc.proc.brkNow())), v('heap base', hex(sc.proc.layout.heapBase)),
        v('RSS', `${c.rss} bytes (${c.rss / 4096} pages)`), v('VSZ', `${c.vsz} bytes`),
        v('minflt', String(c.minflt)), v('majflt', String(c.majflt)), v('syscalls', String(c.syscalls)),
        v('TLB', `${c.tlbHits} hits, ${c.tlbMisses} misses`), v('free frames', `${c.freeFrames} of ${c.totalFrames}`),
      ];
    }
    case 'heap': {
      const s = sc.glibc.state();
      const base = sc.proc.layout.heapBase;
      const v = (name: string, value: string): DebugProtocol.Variable => ({ name, value, variablesReference: 0 });
      const out = [
        v('av->top', s.arena.top === null ? 'NULL' : `${hex(base + s.arena.top)} (size ${hex(s.top[1])})`),
        v('av->last_remainder', s.arena.last_remainder === null ? 'NULL' : hex(base + s.arena.last_remainder)),
        v('av->system_mem', hex(s.arena.system_mem)),
        v('mp_.mmap_threshold', hex(s.mp.mmap_threshold ?? 0)), v('mp_.trim_threshold', hex(s.mp.trim_threshold ?? 0)),
        v('mp_.n_mmaps', String(s.mp.n_mmaps ?? 0)),
      ];
      for (const [off, size] of s.heap.slice(0, MAX_CHILDREN)) {
        out.push(v(`chunk ${hex(base + off)}`, `size ${hex(size & ~7)} [${size & 4 ? 'A' : '-'}${size & 2 ? 'M' : '-'}${size & 1 ? 'P' : '-'}]`));
      }
      return out;
    }
  }
}

function varOf(sc: Scenario, store: VariableStore, d: VarDecl, f: Frame | undefined): DebugProtocol.Variable {
  const t = d.type;
  if (d.storage.kind === 'reg') {
    const raw = f?.r[d.storage.slot] ?? 0;
    return { name: d.name, type: typeName(t), value: describe(sc, t, BigInt(raw)), variablesReference: 0 };
  }
  const addr = varAddress(d, f);
  if (addr === null) return { name: d.name, value: '<unavailable>', variablesReference: 0 };
  return valueAt(sc, store, d.name, t, addr);
}

function valueAt(sc: Scenario, store: VariableStore, name: string, t: CType, addr: number): DebugProtocol.Variable {
  if (t.k === 'struct' || t.k === 'array') {
    const ref = store.add({ kind: 'memory', type: t, addr });
    const indexed = t.k === 'array' ? t.len : undefined;
    return { name, type: typeName(t), value: `${typeName(t)} @ ${hex(addr)}`, variablesReference: ref, indexedVariables: indexed, memoryReference: hex(addr) };
  }
  return { name, type: typeName(t), value: describe(sc, t, peekScalar(sc, t, addr)), variablesReference: 0, memoryReference: hex(addr) };
}

function memberVars(sc: Scenario, store: VariableStore, t: CType, addr: number, start: number, count: number): DebugProtocol.Variable[] {
  if (t.k === 'struct') return t.fields.map((f) => valueAt(sc, store, f.name, f.type, addr + f.offset));
  if (t.k === 'array') {
    const es = t.of.k === 'int' || t.of.k === 'ptr' ? t.of.size : t.of.k === 'array' || t.of.k === 'struct' ? t.of.size : 1;
    const out: DebugProtocol.Variable[] = [];
    for (let i = start; i < Math.min(t.len, start + Math.min(count, MAX_CHILDREN)); i++) out.push(valueAt(sc, store, `[${i}]`, t.of, addr + i * es));
    return out;
  }
  return [];
}
