// The shapes every scope builds with: a container's children are a few named variables and
// an optional indexed list that may be very long, of which only the page asked for is built.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Scenario } from '../../machine/scenario';
import type { VariableStore } from '../variables';
import type { Inspection } from './inspection';

export type Variable = DebugProtocol.Variable;

export interface IndexedList {
  count: number;
  at(i: number): Variable;
}

export interface Children {
  named: Variable[];
  indexed?: IndexedList;
}

// What a scope needs to build variables: the machine, the store that hands out references,
// and this stop's reading of the allocator and the address space.
export interface Ctx {
  sc: Scenario;
  store: VariableStore;
  ins: Inspection;
}

// VS Code asks for at most a few hundred at a time; a client asking for everything of a huge
// array gets this many and pages on with `start`.
export const MAX_PAGE = 10_000;

export function leaf(name: string, value: string, extra: Partial<Variable> = {}): Variable {
  return { name, value, variablesReference: 0, ...extra };
}

export interface ContainerOpts {
  type?: string;
  memoryReference?: string;
  indexed?: number;        // length of the indexed list, when the children have one
  named?: number;          // how many named children come with an indexed list
}

// A variable that expands to `children()`, computed only when the client expands it.
export function container(ctx: Ctx, name: string, value: string, children: () => Children, opts: ContainerOpts = {}): Variable {
  const v: Variable = { name, value, variablesReference: ctx.store.add({ kind: 'node', children }) };
  if (opts.type) v.type = opts.type;
  if (opts.memoryReference) v.memoryReference = opts.memoryReference;
  // VS Code fetches named children separately (filter 'named') only when it is told how many
  if (opts.indexed !== undefined && opts.indexed > 0) { v.indexedVariables = opts.indexed; v.namedVariables = opts.named ?? 0; }
  return v;
}

export const named = (list: Variable[]): Children => ({ named: list });

export function list(count: number, at: (i: number) => Variable): IndexedList {
  return { count, at };
}

// DAP paging: `filter` picks the named or the indexed children, `start`/`count` cut the
// sequence (named first, then indexed). Only the variables in the page are built, so a request
// for ten million children of a short list costs what the list holds.
export function page(c: Children, args: DebugProtocol.VariablesArguments): Variable[] {
  const start = Math.max(0, Math.floor(args.start ?? 0));
  const want = Math.min(args.count && args.count > 0 ? Math.floor(args.count) : Infinity, MAX_PAGE);
  const byName = args.filter === 'indexed' ? [] : c.named;
  const indexed = args.filter === 'named' ? undefined : c.indexed;
  const out: Variable[] = [];
  for (let i = start; i < byName.length && out.length < want; i++) out.push(byName[i]);
  if (indexed) {
    const from = Math.max(0, start - byName.length);
    const end = Math.min(indexed.count, from + (want - out.length));
    for (let i = from; i < end; i++) out.push(indexed.at(i));
  }
  return out;
}

// Long lists shown as VS Code shows big arrays: `[0..99]`, `[100..199]`, ... each a container
// of its slice, with ranges of ranges beyond 10 000 (so no level has more than 100 entries).
export function ranges(ctx: Ctx, items: IndexedList, base = 0): IndexedList {
  let size = 100;
  while (items.count > size * 100) size *= 100;
  if (items.count <= 100) return items;
  const n = Math.ceil(items.count / size);
  return list(n, (k) => {
    const from = k * size, count = Math.min(size, items.count - from);
    const inner = ranges(ctx, list(count, (i) => items.at(from + i)), base + from);
    return container(ctx, `[${base + from}..${base + from + count - 1}]`, '', () => ({ named: [], indexed: inner }), { indexed: inner.count });
  });
}
