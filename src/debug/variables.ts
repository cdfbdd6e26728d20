// scopes and variables. Each stopped frame has, in this order: Locals, Globals, Heap
// (main_arena and mp_), Chunks (the heap walk), Bins, Mappings (/proc/self/maps), Process and
// Machine; each scope is built in its own file under scopes/. A pointer in Locals or Globals
// expands to its chunk, its mapping and the page walk of its address.
//
// Everything is read through the inspector, so looking changes nothing: no page fault, no RSS,
// no TLB fill or counter. A container's children are built only when it is opened, and long
// lists only for the page asked for (DAP's `start`, `count` and `filter`).
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { CType } from '../lang/ast';
import type { Scenario } from '../machine/scenario';
import type { HeapStepRuntime } from './runtime';
import { binsScope } from './scopes/bins';
import { chunksScope } from './scopes/chunks';
import { heapScope } from './scopes/heap';
import { Inspection } from './scopes/inspection';
import { globalsScope, localsScope, memberChildren } from './scopes/locals';
import { machineScope } from './scopes/machine';
import { mappingsScope } from './scopes/mappings';
import { page, type Children, type Ctx } from './scopes/node';
import { processScope } from './scopes/process';

// `locals`, `globals` and `memory` keep the shapes other features read (data breakpoints
// resolve a variable's name through them; the console hands out `memory`).
export type Handle =
  | { kind: 'locals'; frame: number }
  | { kind: 'globals' }
  | { kind: 'memory'; type: CType; addr: number; expr?: string }
  | { kind: 'node'; children: () => Children; built?: Children };

export class VariableStore {
  private handles: Handle[] = [];
  private inspection: Inspection | null = null;
  reset(): void { this.handles = []; this.inspection = null; }
  add(h: Handle): number { this.handles.push(h); return this.handles.length; }
  get(ref: number): Handle | undefined { return this.handles[ref - 1]; }
  // this stop's reading of the allocator, shared by all its variables; a new scopes request
  // (after a stop, or after memory was written) starts a fresh one
  ctx(sc: Scenario, fresh = false): Ctx {
    if (fresh || !this.inspection || this.inspection.sc !== sc) this.inspection = new Inspection(sc);
    return { sc, store: this, ins: this.inspection };
  }
}

type ScopeBuilder = (ctx: Ctx) => Children;
const SCOPES: { name: string; expensive: boolean; build: ScopeBuilder | 'locals' | 'globals'; hint?: string }[] = [
  { name: 'Locals', expensive: false, build: 'locals', hint: 'locals' },
  { name: 'Globals', expensive: false, build: 'globals' },
  { name: 'Heap', expensive: false, build: heapScope },
  { name: 'Chunks', expensive: true, build: chunksScope },
  { name: 'Bins', expensive: true, build: binsScope },
  { name: 'Mappings', expensive: true, build: mappingsScope },
  { name: 'Process', expensive: false, build: processScope },
  { name: 'Machine', expensive: false, build: machineScope },
];

export function scopes(rt: HeapStepRuntime, store: VariableStore, frameId: number): DebugProtocol.Scope[] {
  const sc = rt.scenario;
  if (!sc) return [];
  const ctx = store.ctx(sc, true);
  return SCOPES.map((s) => {
    const h: Handle = s.build === 'locals' ? { kind: 'locals', frame: frameId }
      : s.build === 'globals' ? { kind: 'globals' }
        : { kind: 'node', children: (s.build as ScopeBuilder).bind(null, ctx) };
    const scope: DebugProtocol.Scope = { name: s.name, variablesReference: store.add(h), expensive: s.expensive };
    if (s.hint) scope.presentationHint = s.hint;
    return scope;
  });
}

export function variables(rt: HeapStepRuntime, store: VariableStore, args: DebugProtocol.VariablesArguments): DebugProtocol.Variable[] {
  const sc = rt.scenario;
  const h = store.get(args.variablesReference);
  if (!sc || !h) return [];
  const ctx = store.ctx(sc);
  switch (h.kind) {
    case 'locals': return page(localsScope(ctx, h.frame), args);
    case 'globals': return page(globalsScope(ctx), args);
    case 'memory': return page(memberChildren(ctx, h.type, h.addr, h.expr), args);
    case 'node': return page(h.built ??= h.children(), args);
  }
}
