// Exact C integer arithmetic at every width, fast in the common case.
//
// A value (`Val`) is a JS number when it is a safe integer and a bigint otherwise. Every
// value is kept canonical for its C type: an unsigned 64-bit value lies in [0, 2^64), a signed
// one in [-2^63, 2^63); so the same C value always has the same JS representation and `===`,
// `<` (which JS defines across number and bigint) compare exactly. Types of 32 bits or less
// are always numbers. The fast paths do the arithmetic in doubles and only fall back to
// bigint when the result leaves the safe range.
import type { CType } from '../../lang/ast';
import { MachineSignal } from '../signals';

export type Val = number | bigint;

const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_SAFE_N = BigInt(MAX_SAFE);
const MIN_SAFE_N = -MAX_SAFE_N;

export function canonU64(b: bigint): Val {
  b = BigInt.asUintN(64, b);
  return b <= MAX_SAFE_N ? Number(b) : b;
}
export function canonI64(b: bigint): Val {
  b = BigInt.asIntN(64, b);
  return b <= MAX_SAFE_N && b >= MIN_SAFE_N ? Number(b) : b;
}
export const big = (v: Val): bigint => (typeof v === 'bigint' ? v : BigInt(v));

// Shape of an integer-like type for arithmetic: width in bytes and signedness. Pointers are
// unsigned at the pointer width.
export interface IntShape { size: number; signed: boolean }
export function shapeOf(t: CType): IntShape {
  switch (t.k) {
    case 'int': return { size: t.size, signed: t.signed };
    case 'ptr': return { size: t.size, signed: false };
    case 'array': return { size: 8, signed: false };
    default: return { size: 8, signed: false };
  }
}

// Convert any exact integer value to the canonical value of `s` (C's conversion rules:
// modulo 2^N for every target, which is what gcc does for signed targets too).
export function converter(s: IntShape): (v: Val) => Val {
  if (s.size === 8) {
    if (s.signed) return (v) => {
      if (typeof v === 'number') return v;     // numbers are safe, hence in range
      return canonI64(v);
    };
    return (v) => {
      if (typeof v === 'number') return v >= 0 ? v : canonU64(BigInt(v));
      return canonU64(v);
    };
  }
  if (s.size === 4) {
    return s.signed
      ? (v) => (typeof v === 'number' ? v | 0 : Number(BigInt.asIntN(32, v)))
      : (v) => (typeof v === 'number' ? v >>> 0 : Number(BigInt.asUintN(32, v)));
  }
  if (s.size === 2) {
    return s.signed
      ? (v) => (((typeof v === 'number' ? v : Number(BigInt.asIntN(32, v))) << 16) >> 16)
      : (v) => (typeof v === 'number' ? v : Number(BigInt.asUintN(32, v))) & 0xffff;
  }
  return s.signed
    ? (v) => (((typeof v === 'number' ? v : Number(BigInt.asIntN(32, v))) << 24) >> 24)
    : (v) => (typeof v === 'number' ? v : Number(BigInt.asUintN(32, v))) & 0xff;
}

export const isZero = (v: Val): boolean => v === 0 || v === 0n;
export const truth = (v: Val): boolean => v !== 0 && v !== 0n;

function sigfpe(): never {
  throw new MachineSignal('SIGFPE', 'Floating point exception (integer division by zero)');
}

export type BinFn = (a: Val, b: Val) => Val;

// Arithmetic on two operands already converted to the operation's type `s`; the result is
// canonical for `s`. Shifts take the right operand as any value (its own promoted type).
export function binop(op: string, s: IntShape): BinFn {
  const conv = converter(s);
  const bits = s.size * 8;
  if (s.size <= 4) {
    // Both operands are numbers within 32 bits: doubles are exact for + - and for * via imul.
    switch (op) {
      case '+': return s.signed && s.size === 4 ? (a, b) => ((a as number) + (b as number)) | 0 : (a, b) => conv((a as number) + (b as number));
      case '-': return s.signed && s.size === 4 ? (a, b) => ((a as number) - (b as number)) | 0 : (a, b) => conv((a as number) - (b as number));
      case '*': return (a, b) => conv(Math.imul(a as number, b as number));
      case '/': return (a, b) => {
        if (b === 0) sigfpe();
        if (s.signed && s.size === 4 && a === -2147483648 && b === -1) sigfpe();
        return conv(Math.trunc((a as number) / (b as number)));
      };
      case '%': return (a, b) => {
        if (b === 0) sigfpe();
        if (s.signed && s.size === 4 && a === -2147483648 && b === -1) sigfpe();
        return conv((a as number) % (b as number));
      };
      case '&': return (a, b) => conv((a as number) & (b as number));
      case '|': return (a, b) => conv((a as number) | (b as number));
      case '^': return (a, b) => conv((a as number) ^ (b as number));
      case '<<': return (a, b) => conv((a as number) << (Number(b) & (bits - 1)));
      case '>>': return s.signed
        ? (a, b) => (a as number) >> (Number(b) & (bits - 1))
        : (a, b) => conv((a as number) >>> (Number(b) & (bits - 1)));
    }
  }
  // 64-bit
  const toB = s.signed ? canonI64 : canonU64;
  const lo = s.signed ? -MAX_SAFE : 0;
  switch (op) {
    case '+': return (a, b) => {
      if (typeof a === 'number' && typeof b === 'number') {
        const r = a + b;
        if (r <= MAX_SAFE && r >= lo) return r;
      }
      return toB(big(a) + big(b));
    };
    case '-': return (a, b) => {
      if (typeof a === 'number' && typeof b === 'number') {
        const r = a - b;
        if (r <= MAX_SAFE && r >= lo) return r;
      }
      return toB(big(a) - big(b));
    };
    case '*': return (a, b) => {
      if (typeof a === 'number' && typeof b === 'number') {
        const r = a * b;
        if (r <= MAX_SAFE && r >= lo) return r + 0;   // + 0 turns -0 into 0
      }
      return toB(big(a) * big(b));
    };
    case '/': return (a, b) => {
      if (isZero(b)) sigfpe();
      if (typeof a === 'number' && typeof b === 'number') return Math.trunc(a / b);
      if (s.signed && big(a) === -(1n << 63n) && big(b) === -1n) sigfpe();
      return toB(big(a) / big(b));
    };
    case '%': return (a, b) => {
      if (isZero(b)) sigfpe();
      if (typeof a === 'number' && typeof b === 'number') { const r = a % b; return r === 0 ? 0 : r; }
      if (s.signed && big(a) === -(1n << 63n) && big(b) === -1n) sigfpe();
      return toB(big(a) % big(b));
    };
    case '&': return (a, b) => {
      if (typeof a === 'number' && typeof b === 'number' && a >= 0 && b >= 0 && a <= 0x7fffffff && b <= 0x7fffffff) return a & b;
      return toB(big(a) & big(b));
    };
    case '|': return (a, b) => {
      if (typeof a === 'number' && typeof b === 'number' && a >= 0 && b >= 0 && a <= 0x7fffffff && b <= 0x7fffffff) return a | b;
      return toB(big(a) | big(b));
    };
    case '^': return (a, b) => {
      if (typeof a === 'number' && typeof b === 'number' && a >= 0 && b >= 0 && a <= 0x7fffffff && b <= 0x7fffffff) return a ^ b;
      return toB(big(a) ^ big(b));
    };
    case '<<': return (a, b) => {
      const n = Number(big(b) & 63n);
      if (typeof a === 'number' && a >= 0 && n < 31 && a < 2 ** (52 - n)) return a * 2 ** n;
      return toB(big(a) << BigInt(n));
    };
    case '>>': return (a, b) => {
      const n = Number(big(b) & 63n);
      if (typeof a === 'number') return Math.floor(a / 2 ** n);   // arithmetic for signed, and unsigned numbers are >= 0
      return toB(big(a) >> BigInt(n));
    };
  }
  throw new Error(`unknown operator ${op}`);
}

export type CmpFn = (a: Val, b: Val) => number;
export function cmpop(op: string): CmpFn {
  switch (op) {
    case '<': return (a, b) => (a < b ? 1 : 0);
    case '>': return (a, b) => (a > b ? 1 : 0);
    case '<=': return (a, b) => (a <= b ? 1 : 0);
    case '>=': return (a, b) => (a >= b ? 1 : 0);
    case '==': return (a, b) => (a === b ? 1 : 0);
    case '!=': return (a, b) => (a !== b ? 1 : 0);
  }
  throw new Error(`unknown comparison ${op}`);
}

// Unsigned view of a value as a JS number when exact, for addresses and sizes.
export function toAddress(v: Val): number {
  if (typeof v === 'number') return v < 0 ? -1 : v;
  return -1;   // beyond 2^53: no user address; callers treat -1 as "not mappable"
}

export function hex(v: Val): string {
  if (typeof v === 'bigint') return '0x' + BigInt.asUintN(64, v).toString(16);
  if (v < 0) return '0x' + BigInt.asUintN(64, BigInt(v)).toString(16);
  return '0x' + v.toString(16);
}
