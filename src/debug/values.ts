// Reading and describing scenario values for the debugger, without side effects: register
// locals come from the frame, memory through the inspector (no faults, no TLB, no RSS).
import type { CType, FuncDecl, Stmt, VarDecl } from '../lang/ast';
import type { Frame } from '../machine/interp/frame';
import type { Scenario } from '../machine/scenario';
import { Inspection } from './scopes/inspection';

export function typeName(t: CType): string {
  switch (t.k) {
    case 'int': return t.name;
    case 'void': return 'void';
    case 'ptr': return `${typeName(t.to)} *`;
    case 'array': return `${typeName(t.of)} [${t.len}]`;
    case 'struct': return `struct ${t.name}`;
    case 'func': return 'function';
  }
}

// The locals of a function: parameters, then every declaration in its body in order.
export function localsOf(f: FuncDecl): VarDecl[] {
  const out: VarDecl[] = [...f.params];
  const walk = (s: Stmt | undefined): void => {
    if (!s) return;
    switch (s.kind) {
      case 'decl': for (const d of s.decls) if (d.decl.storage.kind !== 'global' || !d.decl.implicit) out.push(d.decl); break;
      case 'block': s.body.forEach(walk); break;
      case 'if': walk(s.then); walk(s.else); break;
      case 'while': case 'dowhile': walk(s.body); break;
      case 'for': walk(s.init); walk(s.body); break;
      case 'switch': walk(s.body); break;
      case 'case': walk(s.body); break;
    }
  };
  walk(f.body);
  return out;
}

export function varAddress(d: VarDecl, frame: Frame | undefined): number | null {
  if (d.storage.kind === 'global') return d.storage.addr;
  if (d.storage.kind === 'stack' && frame) return frame.base - d.storage.offset;
  return null;
}

export function peekScalar(sc: Scenario, t: CType, addr: number): bigint | null {
  const size = t.k === 'int' || t.k === 'ptr' ? t.size : 0;
  const b = sc.proc.inspect.peekBytes(addr, size);
  if (!b) return null;
  let v = 0n;
  for (let i = size - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  if (t.k === 'int' && t.signed) v = BigInt.asIntN(size * 8, v);
  return v;
}

export const hex = (v: bigint | number): string => '0x' + BigInt.asUintN(64, BigInt(v)).toString(16);

// One-line description of a value: decimal for integers, hex plus what the pointer points
// into for pointers. `ins`: the stop's inspection when the caller has one (it caches the heap
// walk that many pointers share).
export function describe(sc: Scenario, t: CType, v: bigint | null, ins?: Inspection): string {
  if (v === null) return '<not resident>';
  if (t.k === 'ptr') return v === 0n ? '0x0 (NULL)' : `${hex(v)}${pointerNote(sc, v, ins)}`;
  if (t.k === 'int' && t.size === 1) return `${v} '${printable(Number(BigInt.asUintN(8, v)))}'`;
  return v.toString();
}

function printable(c: number): string {
  if (c === 0) return '\\0';
  if (c === 10) return '\\n';
  return c >= 32 && c < 127 ? String.fromCharCode(c) : `\\x${c.toString(16).padStart(2, '0')}`;
}

export function pointerNote(sc: Scenario, p: number | bigint, ins?: Inspection): string {
  if (typeof p === 'bigint' && p > BigInt(Number.MAX_SAFE_INTEGER)) return ' (unmapped)';
  return (ins ?? new Inspection(sc)).pointerNote(Number(p));
}
