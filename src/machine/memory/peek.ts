// A little-endian 64-bit word read through the inspector: no fault, no TLB fill, no accessed
// bit. null when any of its bytes is not resident.
import type { MemoryInspector } from './types';

export function peekU64(ins: Pick<MemoryInspector, 'peekBytes'>, va: number): bigint | null {
  const b = ins.peekBytes(va, 8);
  if (!b) return null;
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  return v;
}
