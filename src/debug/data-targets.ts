// dataBreakpointInfo: what a data breakpoint can watch, from the name VS Code sends.
// - a variable or a child in the Variables view (a local, a global, a struct field, an array
//   element; in the Heap scope, `chunk 0x...` watches that chunk's header);
// - an expression in the scenario language naming an object: `p`, `s->next`, `a[3]`,
//   `*(long *)0x5555555592a0`; with `bytes`, any expression giving an address;
// - `mem2chunk(EXPR)` (glibc's macro): the header of the chunk whose user pointer EXPR is, its
//   prev_size and size fields, the 16 bytes before the pointer;
// - an address (`asAddress`) and a number of bytes.
// A scalar local that lives in a register is watched in its frame while that frame lives.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { CType, FuncDecl, VarDecl } from '../lang/ast';
import type { Scenario } from '../machine/scenario';
import { compileAt, ExprError, placeOf, visibleAt } from './frame-expr';
import { hex, typeName, varAddress } from './values';
import type { VariableStore } from './variables';

export const CHUNK_HEADER = 16;   // prev_size and size, as struct malloc_chunk begins

export type WatchTarget =
  | { kind: 'memory'; addr: number; size: number; type?: CType; header?: boolean; label: string }
  | { kind: 'register'; depth: number; base: number; func: FuncDecl; slot: number; type: CType; label: string };

export function dataIdOf(t: WatchTarget): string {
  return t.kind === 'memory' ? `mem:${hex(t.addr)}:${t.size}${t.header ? ':header' : ''}` : `reg:${t.depth}:${hex(t.base)}:${t.slot}:${t.func.name}`;
}

// A dataId the client kept without asking dataBreakpointInfo in this session (memory only).
export function targetOfId(id: string): WatchTarget | null {
  const m = /^mem:(0x[0-9a-f]+):(\d+)(:header)?$/.exec(id);
  if (!m) return null;
  const addr = Number(m[1]), size = Number(m[2]);
  return { kind: 'memory', addr, size, header: !!m[3], label: m[3] ? `chunk header at ${m[1]}` : `${size} byte${size === 1 ? '' : 's'} at ${m[1]}` };
}

const sizeOfType = (t: CType): number => (t.k === 'int' || t.k === 'ptr' || t.k === 'array' || t.k === 'struct' ? t.size : 1);

function header(addr: number, label: string): WatchTarget {
  return { kind: 'memory', addr, size: CHUNK_HEADER, header: true, label };
}

function ofDecl(sc: Scenario, d: VarDecl, depth: number | null, label = d.name): WatchTarget {
  const frame = depth === null ? undefined : sc.interp.frames[depth];
  if (d.storage.kind === 'reg') {
    if (!frame || depth === null) throw new ExprError(`'${d.name}' has no frame here`);
    return { kind: 'register', depth, base: frame.base, func: frame.func, slot: d.storage.slot, type: d.type, label };
  }
  const addr = varAddress(d, frame);
  if (addr === null) throw new ExprError(`'${d.name}' has no address here`);
  return { kind: 'memory', addr, size: sizeOfType(d.type), type: d.type, label };
}

// The Variables view's container, read loosely: its shape belongs to variables.ts.
type Container = { kind: string; frame?: number; type?: CType; addr?: number; expr?: string };

function fromVariables(sc: Scenario, store: VariableStore, ref: number, name: string): WatchTarget | null {
  const chunk = /^chunk (0x[0-9a-f]+)$/i.exec(name);
  if (chunk) return header(Number(chunk[1]), `chunk header at ${chunk[1]}`);
  const h = store.get(ref) as Container | undefined;
  if (!h) return null;
  if (h.kind === 'locals' && h.frame !== undefined) {
    const p = placeOf(sc, h.frame);
    const d = p && visibleAt(sc, p.func, p.line).find((v) => v.name === name);
    return d ? ofDecl(sc, d, d.storage.kind === 'global' ? null : h.frame) : null;
  }
  if (h.kind === 'globals') {
    const d = sc.program.globals.find((v) => v.name === name);
    return d ? ofDecl(sc, d, null) : null;
  }
  if (h.kind === 'memory' && h.type && h.addr !== undefined) {
    const t = h.type;
    if (t.k === 'struct') {
      const f = t.fields.find((x) => x.name === name);
      const label = h.expr === undefined ? `${typeName(t)}.${name}` : h.expr.startsWith('*') ? `${h.expr.slice(1)}->${name}` : `${h.expr}.${name}`;
      return f ? { kind: 'memory', addr: h.addr + f.offset, size: sizeOfType(f.type), type: f.type, label } : null;
    }
    const i = /^\[(\d+)\]$/.exec(name);
    if (t.k === 'array' && i) {
      const es = sizeOfType(t.of);
      const label = h.expr === undefined ? `${name} of the array at ${hex(h.addr)}` : `${h.expr}${name}`;
      return { kind: 'memory', addr: h.addr + Number(i[1]) * es, size: es, type: t.of, label };
    }
  }
  return null;
}

function fromExpression(sc: Scenario, text: string, frameId: number | undefined, bytes: number | undefined): WatchTarget {
  const place = placeOf(sc, frameId);
  if (!place) throw new ExprError('the program is not stopped in a frame');
  const depth = frameId ?? sc.interp.frames.length - 1;
  const m2c = /^\s*mem2chunk\s*\(([\s\S]*)\)\s*$/.exec(text);
  if (m2c) {
    const c = compileAt(sc, place.func, place.line, m2c[1]);
    const p = Number(BigInt.asUintN(64, BigInt(c.value(place.frame))));
    if (!Number.isSafeInteger(p) || p < CHUNK_HEADER) throw new ExprError(`${m2c[1].trim()} = ${hex(p)} is not a chunk's user pointer`);
    return header(p - CHUNK_HEADER, `chunk header of ${m2c[1].trim()} (${hex(p - CHUNK_HEADER)})`);
  }
  const c = compileAt(sc, place.func, place.line, text, 'object');
  const label = text.trim();
  if (c.address) return { kind: 'memory', addr: c.address(place.frame), size: bytes ?? sizeOfType(c.expr.type), type: bytes ? undefined : c.expr.type, label };
  if (c.expr.kind === 'var' && c.expr.decl.storage.kind === 'reg' && bytes === undefined) return ofDecl(sc, c.expr.decl, depth, label);
  if (bytes !== undefined && (c.expr.type.k === 'ptr' || c.expr.type.k === 'int')) {
    const a = Number(BigInt.asUintN(64, BigInt(c.value(place.frame))));
    return { kind: 'memory', addr: a, size: bytes, label: `${bytes} byte${bytes === 1 ? '' : 's'} at ${label}` };
  }
  throw new ExprError(`'${label}' is a value, not an object in memory: watch *(long *)(${label}), or give it as an address with a size`);
}

function fromAddress(text: string, bytes: number | undefined): WatchTarget {
  const a = Number(text.trim());
  if (!Number.isSafeInteger(a) || a < 0) throw new ExprError(`'${text}' is not an address (decimal, or hex with 0x)`);
  const size = bytes ?? 8;
  return { kind: 'memory', addr: a, size, label: `${size} byte${size === 1 ? '' : 's'} at ${hex(a)}` };
}

export function resolveTarget(sc: Scenario, store: VariableStore, args: DebugProtocol.DataBreakpointInfoArguments): WatchTarget {
  if (args.bytes !== undefined && (!Number.isSafeInteger(args.bytes) || args.bytes <= 0 || args.bytes > 4096)) throw new ExprError('a data breakpoint watches 1 to 4096 bytes');
  if (args.asAddress) return fromAddress(args.name, args.bytes);
  if (args.variablesReference) {
    const t = fromVariables(sc, store, args.variablesReference, args.name);
    if (t) return args.bytes && t.kind === 'memory' ? { ...t, size: args.bytes, type: undefined } : t;
  }
  return fromExpression(sc, args.name, args.frameId, args.bytes);
}

export function describeTarget(t: WatchTarget): string {
  if (t.kind === 'register') return `${t.label} (${typeName(t.type)}, a register of ${t.func.name})`;
  return `${t.label}: ${t.size} byte${t.size === 1 ? '' : 's'} at ${hex(t.addr)}`;
}
