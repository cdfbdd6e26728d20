// Typed loads and stores of scalar C values through the MMU.
import type { CType } from '../../lang/ast';
import type { VirtualMemory } from '../memory/types';
import { badAddress } from '../signals';
import { canonI64, type Val } from './arith';

export type Load = (addr: number) => Val;
export type Store = (addr: number, v: Val) => void;

// An address that is not a JS-exact non-negative number cannot be mapped: the CPU would
// raise a fault (a general-protection fault for non-canonical addresses, reported by Linux
// as SIGSEGV at address 0).
export function addrOf(v: Val): number {
  if (typeof v === 'number' && v >= 0) return v;
  throw badAddress(v);
}
function fmt(v: Val): string {
  return '0x' + BigInt.asUintN(64, typeof v === 'bigint' ? v : BigInt(v)).toString(16);
}

export function loader(mem: VirtualMemory, t: CType): Load {
  if (t.k === 'ptr') return t.size === 8 ? (a) => mem.read64(a) : (a) => mem.read32(a);
  if (t.k !== 'int') throw new Error(`cannot load a value of type ${t.k}`);
  switch (t.size) {
    case 1: return t.signed ? (a) => (mem.read8(a) << 24) >> 24 : (a) => mem.read8(a);
    case 2: return t.signed ? (a) => (mem.read16(a) << 16) >> 16 : (a) => mem.read16(a);
    case 4: return t.signed ? (a) => mem.read32(a) | 0 : (a) => mem.read32(a);
    default: return t.signed
      ? (a) => { const v = mem.read64(a); return typeof v === 'number' ? v : canonI64(v); }
      : (a) => mem.read64(a);
  }
}

export function storer(mem: VirtualMemory, t: CType): Store {
  const size = t.k === 'ptr' ? t.size : t.k === 'int' ? t.size : 0;
  switch (size) {
    case 1: return (a, v) => mem.write8(a, Number(typeof v === 'bigint' ? BigInt.asUintN(8, v) : v) & 0xff);
    case 2: return (a, v) => mem.write16(a, Number(typeof v === 'bigint' ? BigInt.asUintN(16, v) : v) & 0xffff);
    case 4: return (a, v) => mem.write32(a, typeof v === 'bigint' ? Number(BigInt.asUintN(32, v)) : v >>> 0);
    case 8: return (a, v) => mem.write64(a, v);
  }
  throw new Error(`cannot store a value of type ${t.k}`);
}

export function sizeOf(t: CType): number {
  switch (t.k) {
    case 'int': return t.size;
    case 'ptr': return t.size;
    case 'array': return t.size;
    case 'struct': return t.size;
    default: return 1;
  }
}

export function isScalar(t: CType): boolean {
  return t.k === 'int' || t.k === 'ptr';
}
