// size_t arithmetic for the allocator: exact modulo 2^64, in JS numbers while they are safe
// and bigints beyond. Metadata read from memory may hold any 64-bit value a scenario wrote,
// and the real code's comparisons and wrap-arounds must come out the same.
import type { U64 } from '../memory/types';
import { MachineSignal, badAddress } from '../signals';

export type W = U64;
const MAX = Number.MAX_SAFE_INTEGER;
const MAXN = BigInt(MAX);

export function canon(b: bigint): W { b = BigInt.asUintN(64, b); return b <= MAXN ? Number(b) : b; }
export const big = (v: W): bigint => (typeof v === 'bigint' ? v : BigInt(v));

export function add(a: W, b: W): W {
  if (typeof a === 'number' && typeof b === 'number') { const r = a + b; if (r >= 0 && r <= MAX) return r; }
  return canon(big(a) + big(b));
}
export function sub(a: W, b: W): W {
  if (typeof a === 'number' && typeof b === 'number') { const r = a - b; if (r >= 0) return r; }
  return canon(big(a) - big(b));
}
// (On a number, `& 7` sees the low 32 bits, which hold the low 3: no floating-point modulo.)
export function mask7(s: W): W { return typeof s === 'number' ? s - (s & 7) : s & ~7n; }
export function bit(s: W, b: number): number {
  if (typeof s === 'number') return b <= 0x40000000 ? ((s & b) !== 0 ? 1 : 0) : Math.floor(s / b) % 2;
  return Number((s >> BigInt(Math.log2(b))) & 1n);
}
// s & m for a mask m of low bits (m + 1 a power of two)
export function andLow(s: W, m: number): number { return typeof s === 'number' ? (m < 0x40000000 ? s & m : s % (m + 1)) : Number(s & BigInt(m)); }
const TWO32 = 4294967296;
export function xor(a: W, b: W): W {
  if (typeof a === 'number' && typeof b === 'number') {
    // both below 2^53: xor the 32-bit halves (safe-linking does this on every tcache/fastbin link)
    const hi = (Math.floor(a / TWO32) ^ Math.floor(b / TWO32)) >>> 0;
    return hi * TWO32 + ((a ^ b) >>> 0);
  }
  return canon(big(a) ^ big(b));
}
const POW2 = Array.from({ length: 64 }, (_, i) => 2 ** i);   // (2 ** n is a runtime call when n varies)
export function shr(a: W, n: number): W { return typeof a === 'number' ? Math.floor(a / POW2[n]) : canon(a >> BigInt(n)); }
export function mul(a: W, b: W): W {
  if (typeof a === 'number' && typeof b === 'number') { const r = a * b; if (r <= MAX) return r; }
  return canon(big(a) * big(b));
}
export const neg = (a: W): W => canon(-big(a));

// A value used as an address: a pointer the CPU would dereference. Beyond the 47-bit user
// space it is not canonical; the CPU faults (Linux reports SIGSEGV).
export function addr(v: W): number {
  if (typeof v === 'number') return v;
  throw badAddress(v);
}

export const hex = (v: W): string => '0x' + (typeof v === 'number' ? v.toString(16) : v.toString(16));
