// Locals and Globals: the scenario's variables with C's scoping at the stopped line. Structs
// and arrays expand to their members; a pointer shows what it points into and expands to the
// object it points at, its chunk, its mapping and the page walk of its address (the page
// walk lives here, under the pointer the user is looking at, rather than in a scope of its own).
import type { CType, VarDecl } from '../../lang/ast';
import type { Frame } from '../../machine/interp/frame';
import { placeOf, visibleAt } from '../frame-expr';
import { describe, hex, peekScalar, typeName, varAddress } from '../values';
import { chunkVar } from './chunk';
import { mappingVar } from './mappings';
import { container, leaf, list, named, type Children, type Ctx, type Variable } from './node';
import { pageWalkVar } from './pagewalk';

export function localsScope(ctx: Ctx, frameIndex: number): Children {
  const place = placeOf(ctx.sc, frameIndex);
  if (!place) return named([]);
  const globals = new Set(ctx.sc.program.globals);
  const decls = visibleAt(ctx.sc, place.func, place.line).filter((d) => !globals.has(d) && d.storage.kind !== 'global');
  return named(decls.map((d) => declVar(ctx, d, place.frame)));
}

export function globalsScope(ctx: Ctx): Children {
  return named(ctx.sc.program.globals.map((d) => declVar(ctx, d, undefined)));
}

function declVar(ctx: Ctx, d: VarDecl, f: Frame | undefined): Variable {
  if (d.storage.kind === 'reg') {
    const raw = f?.r[d.storage.slot];
    return scalarVar(ctx, d.name, d.type, raw === undefined ? null : BigInt(raw), null);
  }
  const addr = varAddress(d, f);
  if (addr === null) return leaf(d.name, '<unavailable>', { type: typeName(d.type) });
  return valueAt(ctx, d.name, d.type, addr);
}

const sizeOf = (t: CType): number => (t.k === 'int' || t.k === 'ptr' || t.k === 'array' || t.k === 'struct' ? t.size : 1);

// `expr`: the C expression for the object (`p[3]`, `n->next`), naming what a pointer points at
export function valueAt(ctx: Ctx, name: string, t: CType, addr: number, expr = name): Variable {
  if (t.k === 'struct' || t.k === 'array') {
    // a `memory` handle, which data breakpoints resolve a member's name through
    const v: Variable = { name, value: `${typeName(t)} @ ${hex(addr)}`, type: typeName(t), memoryReference: hex(addr),
      variablesReference: ctx.store.add({ kind: 'memory', type: t, addr, expr }) };
    if (t.k === 'array') v.indexedVariables = t.len;
    return v;
  }
  return scalarVar(ctx, name, t, peekScalar(ctx.sc, t, addr), addr, expr);
}

// struct fields by name; array elements as an indexed list (VS Code pages it in hundreds)
export function memberChildren(ctx: Ctx, t: CType, addr: number, expr?: string): Children {
  const field = (f: string): string | undefined => (expr === undefined ? undefined : expr.startsWith('*') ? `${expr.slice(1)}->${f}` : `${expr}.${f}`);
  if (t.k === 'struct') return named(t.fields.map((f) => valueAt(ctx, f.name, f.type, addr + f.offset, field(f.name))));
  if (t.k === 'array') return { named: [], indexed: list(t.len, (i) => valueAt(ctx, `[${i}]`, t.of, addr + i * sizeOf(t.of), expr === undefined ? undefined : `${expr}[${i}]`)) };
  return named([]);
}

// A scalar: an integer is a leaf whose memory is its own bytes; a pointer's memoryReference is
// where it points (DAP's convention, so VS Code's memory view opens at the pointee).
function scalarVar(ctx: Ctx, name: string, t: CType, v: bigint | null, addr: number | null, expr = name): Variable {
  const type = typeName(t);
  const value = describe(ctx.sc, t, v, ctx.ins);
  if (t.k !== 'ptr' || v === null || v === 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) {
    return leaf(name, value, { type, ...(addr !== null ? { memoryReference: hex(addr) } : {}) });
  }
  const p = Number(v);
  return container(ctx, name, value, () => pointerChildren(ctx, expr, t, p), { type, memoryReference: hex(p) });
}

function pointerChildren(ctx: Ctx, expr: string, t: CType & { k: 'ptr' }, p: number): Children {
  const out: Variable[] = [];
  const to = t.to;
  if ((to.k === 'int' || to.k === 'ptr' || to.k === 'struct' || to.k === 'array') && (to.k !== 'struct' || to.complete !== false)) {
    out.push(ctx.sc.proc.inspect.peekBytes(p, Math.max(1, sizeOf(to))) ? valueAt(ctx, `*${expr}`, to, p) : leaf(`*${expr}`, '<not resident>', { type: typeName(to) }));
  }
  const c = ctx.ins.locate(p);
  if (c) out.push(chunkVar(ctx, c.addr, c.kind));
  const vma = ctx.ins.vmaOf(p);
  if (vma) out.push(mappingVar(ctx, vma, 'mapping'));
  out.push(pageWalkVar(ctx, p));
  return named(out);
}
