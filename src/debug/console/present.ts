// An evaluated expression as the client shows it: one line like gdb's `print` (a struct as
// `{next = 0x0, val = 42}`, a char pointer with its string), plus a variablesReference when
// there is something to expand (a struct, an array, the struct a pointer points at).
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { CType } from '../../lang/ast';
import type { Scenario } from '../../machine/scenario';
import { describe, hex, typeName } from '../values';
import type { VariableStore } from '../variables';
import { peek } from './debug-memory';
import type { Evaluated } from './expr';

export type EvalBody = DebugProtocol.EvaluateResponse['body'];

const SUMMARY_ITEMS = 8;   // elements or fields in a one-line summary before "..."

function sizeOf(t: CType): number {
  return t.k === 'int' || t.k === 'ptr' || t.k === 'array' || t.k === 'struct' ? t.size : 1;
}

// A C string at p, as gdb quotes it; null when the first byte cannot be read.
export function cString(sc: Scenario, p: number, max: number): string | null {
  let out = '';
  for (let i = 0; i < max; i++) {
    const b = peek(sc, p + i, 1);
    if (!(b instanceof Uint8Array)) return i === 0 ? null : `"${out}"...`;
    const c = b[0];
    if (c === 0) return `"${out}"`;
    out += c === 34 ? '\\"' : c === 92 ? '\\\\' : c === 10 ? '\\n' : c === 9 ? '\\t' : c >= 32 && c < 127 ? String.fromCharCode(c) : `\\${c.toString(8).padStart(3, '0')}`;
  }
  return `"${out}"...`;
}

function scalarAt(sc: Scenario, t: CType, addr: number): bigint | null {
  const n = sizeOf(t);
  const b = peek(sc, addr, n);
  if (!(b instanceof Uint8Array)) return null;
  let v = 0n;
  for (let i = n - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return t.k === 'int' && t.signed ? BigInt.asIntN(n * 8, v) : v;
}

// One line for the value of type t at addr (a struct or array summarised, nested ones as {...}).
export function summary(sc: Scenario, t: CType, addr: number, depth = 0): string {
  if (t.k === 'struct') {
    if (depth > 0) return '{...}';
    const parts = t.fields.slice(0, SUMMARY_ITEMS).map((f) => `${f.name} = ${summary(sc, f.type, addr + f.offset, depth + 1)}`);
    return `{${parts.join(', ')}${t.fields.length > SUMMARY_ITEMS ? ', ...' : ''}}`;
  }
  if (t.k === 'array') {
    if (depth > 0) return '{...}';
    const es = sizeOf(t.of);
    if (t.of.k === 'int' && t.of.size === 1) {
      const s = cString(sc, addr, Math.min(t.len, 200));
      if (s !== null) return s;
    }
    const parts: string[] = [];
    for (let i = 0; i < Math.min(t.len, SUMMARY_ITEMS); i++) parts.push(summary(sc, t.of, addr + i * es, depth + 1));
    return `{${parts.join(', ')}${t.len > SUMMARY_ITEMS ? ', ...' : ''}}`;
  }
  if (t.k === 'int' || t.k === 'ptr') return scalarText(sc, t, scalarAt(sc, t, addr), depth > 0);
  return typeName(t);
}

function scalarText(sc: Scenario, t: CType, v: bigint | null, short: boolean): string {
  if (v === null) return '<unreadable>';
  if (t.k === 'ptr') {
    if (short) return hex(v);
    const base = describe(sc, t, v);
    if (v !== 0n && t.to.k === 'int' && t.to.size === 1 && v <= BigInt(Number.MAX_SAFE_INTEGER)) {
      const s = cString(sc, Number(v), 64);
      if (s !== null) return `${hex(v)} ${s}`;
    }
    return base;
  }
  return short && t.k === 'int' && t.size !== 1 ? v.toString() : describe(sc, t, v);
}

// gdb's print/FMT letters for a scalar.
export function formatScalar(v: bigint, t: CType, fmt: string): string {
  const size = sizeOf(t);
  const u = BigInt.asUintN(size * 8, v);
  switch (fmt) {
    case 'x': return '0x' + u.toString(16);
    case 'z': return '0x' + u.toString(16).padStart(size * 2, '0');
    case 'o': return u === 0n ? '0' : '0' + u.toString(8);
    case 't': return u.toString(2);
    case 'd': return BigInt.asIntN(size * 8, v).toString();
    case 'u': return u.toString();
    case 'c': { const c = Number(u & 0xffn); return `${BigInt.asIntN(8, u & 0xffn)} '${c >= 32 && c < 127 ? String.fromCharCode(c) : '\\' + c.toString(8).padStart(3, '0')}'`; }
    case 'a': return '0x' + u.toString(16);
  }
  throw new Error(`undefined output format "${fmt}" (formats: x z o t d u c a)`);
}

export function present(sc: Scenario, store: VariableStore, ev: Evaluated, fmt?: string): EvalBody {
  const t = ev.type;
  const type = typeName(t);
  if (t.k === 'struct' || t.k === 'array') {
    const addr = ev.value as number;
    const ref = store.add({ kind: 'memory', type: t, addr });
    return { result: summary(sc, t, addr), type, variablesReference: ref, indexedVariables: t.k === 'array' ? t.len : undefined, memoryReference: hex(addr) };
  }
  const v = BigInt(ev.value);
  // for a pointer, DAP's memoryReference is where it points
  const memoryReference = t.k === 'ptr' && v !== 0n ? hex(v) : ev.addr !== null ? hex(ev.addr) : undefined;
  if (fmt) return { result: formatScalar(v, t, fmt), type, variablesReference: 0, memoryReference };
  let variablesReference = 0;
  if (t.k === 'ptr' && t.to.k === 'struct' && t.to.complete && v !== 0n && v <= BigInt(Number.MAX_SAFE_INTEGER)
      && peek(sc, Number(v), t.to.size) instanceof Uint8Array) {
    // a pointer to a struct expands to the fields it points at, as a C debugger's watch does
    variablesReference = store.add({ kind: 'memory', type: t.to, addr: Number(v) });
  }
  return { result: scalarText(sc, t, v, false), type, variablesReference, memoryReference };
}
