// The entry of malloc and free, the part every call goes through, without the general
// machinery: each page it needs is looked up once in the TLB and its words are read as 32-bit
// halves, so no bigint and no boxed number is made. It does exactly what __libc_malloc (up to
// and including tcache_get) and __libc_free + _int_free (up to and including tcache_put) do
// when everything is ordinary, and says where the call goes on; or it does nothing at all and
// says so (-1): then the general path runs from the start and meets whatever was unusual (a
// page not in the TLB, a fault to take, a check to fail, narration to write). The
// differential test runs every trace through both.
import type { Mmu } from '../memory/mmu';
import type { MState } from './mstate';
import { MP } from './mstate';

const TWO32 = 4294967296;
const TCACHE_MAX_BINS = 64;
const TCACHE_STRUCT = 2 * TCACHE_MAX_BINS + 8 * TCACHE_MAX_BINS;   // counts[64] (uint16), entries[64]

// The host bytes of an emulated page: the frame's DataView and the page's offset in it.
const viewOf = (m: Mmu, f: number): DataView => m.phys.views[f >>> 8];
const offOf = (f: number, va: number): number => ((f & 255) << 12) | (va & 4095);

// Reads of the words every fast call needs; -1 when a page is not at hand or a value is not a
// plain address. `tcache` of the thread, or 0.
function tcachePtr(m: Mmu, s: MState): number {
  const f = m.tlbPeek(s.tcacheVar, false);
  if (f < 0 || (s.tcacheVar & 4095) > 4088) return -1;
  const dv = viewOf(m, f), o = offOf(f, s.tcacheVar);
  const hi = dv.getUint32(o + 4, true);
  if (hi >= 0x200000) return -1;
  return hi * TWO32 + dv.getUint32(o, true);
}
// whether tc_idx < mp_.tcache_bins (size_t), or -1
function inTcacheBins(m: Mmu, s: MState, tc_idx: number): number {
  const a = s.mp + MP.tcache_bins;
  const f = m.tlbPeek(a, false);
  if (f < 0 || (a & 4095) > 4088) return -1;
  const dv = viewOf(m, f), o = offOf(f, a);
  return dv.getUint32(o + 4, true) !== 0 || tc_idx < dv.getUint32(o, true) ? 1 : 0;
}

// The chunk from the tcache; TO_INT_MALLOC when the tcache has none for this size (the call
// goes on in _int_malloc); -1 to run the general path instead.
export const TO_INT_MALLOC = -2;
export function fastMalloc(s: MState, bytes: number): number {
  const m = s.tlbMmu;
  if (m === null) return -1;
  const fi = m.tlbPeek(s.initAddr, false);
  if (fi < 0 || viewOf(m, fi).getUint8(offOf(fi, s.initAddr)) === 0) return -1;
  if (bytes > 0xffffffff) return -1;
  const r = bytes + 8 + 15;
  const tbytes = r < 32 ? 32 : r - (r & 15);
  const tc_idx = Math.floor((tbytes - 17) / 16);
  const tc = tcachePtr(m, s);
  if (tc <= 0 || (tc & 4095) + TCACHE_STRUCT > 4096) return -1;
  const inBins = inTcacheBins(m, s, tc_idx);
  if (inBins === 0) return TO_INT_MALLOC;
  if (inBins < 0 || tc_idx >= TCACHE_MAX_BINS) return -1;
  const ft = m.tlbPeek(tc, true);
  if (ft < 0) return -1;
  const tdv = viewOf(m, ft), to = offOf(ft, tc);
  const count = tdv.getUint16(to + 2 * tc_idx, true);
  if (count === 0) return TO_INT_MALLOC;
  const eo = to + 128 + 8 * tc_idx;
  const elo = tdv.getUint32(eo, true), ehi = tdv.getUint32(eo + 4, true);
  if ((elo & 15) !== 0 || ehi >= 0x200000) return -1;
  const e = ehi * TWO32 + elo;
  const fe = m.tlbPeek(e, true);
  if (fe < 0) return -1;
  const dv = viewOf(m, fe), o = offOf(fe, e);
  // tcache->entries[idx] = REVEAL_PTR (e->next); --counts[idx]; e->key = 0
  const nlo = dv.getUint32(o, true), nhi = dv.getUint32(o + 4, true);
  tdv.setUint32(eo, (((elo >>> 12) | (ehi << 20)) ^ nlo) >>> 0, true);
  tdv.setUint32(eo + 4, ((ehi >>> 12) ^ nhi) >>> 0, true);
  tdv.setUint16(to + 2 * tc_idx, count - 1, true);
  dv.setUint32(o + 8, 0, true);
  dv.setUint32(o + 12, 0, true);
  m.hits += 10;
  return e;
}

// DONE when the chunk went to the tcache; its size (> 0) when the call goes on past the tcache
// (_int_free_merge); -1 to run the general path instead.
export const DONE = 0;
export function fastFree(s: MState, mem: number): number {
  const m = s.tlbMmu;
  if (m === null) return -1;
  const p = mem - 16;
  if (p <= 0 || (p & 15) !== 0 || (p & 4095) > 4096 - 32) return -1;
  const fp = m.tlbPeek(p, true);
  if (fp < 0) return -1;
  const cdv = viewOf(m, fp), po = offOf(fp, p);
  const slo = cdv.getUint32(po + 8, true), shi = cdv.getUint32(po + 12, true);
  if ((slo & 6) !== 0 || shi !== 0) return -1;                // IS_MMAPPED, NON_MAIN_ARENA, huge
  const size = slo - (slo & 7);
  if (size < 32 || (size & 15) !== 0) return -1;
  const tc_idx = Math.floor((size - 17) / 16);
  const tc = tcachePtr(m, s);
  if (tc <= 0 || (tc & 4095) + TCACHE_STRUCT > 4096) return -1;
  const inBins = inTcacheBins(m, s, tc_idx);
  if (inBins === 0) return size;
  if (inBins < 0 || tc_idx >= TCACHE_MAX_BINS) return -1;
  // e->key == tcache_key: the double-free scan is the general path's
  const fk = m.tlbPeek(s.keyAddr, false);
  if (fk < 0 || (s.keyAddr & 4095) > 4088) return -1;
  const kdv = viewOf(m, fk), ko = offOf(fk, s.keyAddr);
  const k0 = kdv.getUint32(ko, true), k1 = kdv.getUint32(ko + 4, true);
  if (cdv.getUint32(po + 24, true) === k0 && cdv.getUint32(po + 28, true) === k1) return -1;
  const ft = m.tlbPeek(tc, true);
  if (ft < 0) return -1;
  const tdv = viewOf(m, ft), to = offOf(ft, tc);
  const count = tdv.getUint16(to + 2 * tc_idx, true);
  const ca = s.mp + MP.tcache_count;
  const fc = m.tlbPeek(ca, false);
  if (fc < 0 || (ca & 4095) > 4088) return -1;
  const mdv = viewOf(m, fc), co = offOf(fc, ca);
  if (mdv.getUint32(co + 4, true) === 0 && count >= mdv.getUint32(co, true)) return size;
  // tcache_put: e->key = tcache_key; e->next = PROTECT_PTR (&e->next, entries[idx]); entries[idx] = e; ++counts[idx]
  const e = mem;
  const elo = e >>> 0, ehi = (e - elo) / TWO32;   // (no floating-point modulo)
  const eo = to + 128 + 8 * tc_idx;
  const olo = tdv.getUint32(eo, true), ohi = tdv.getUint32(eo + 4, true);
  cdv.setUint32(po + 24, k0, true);
  cdv.setUint32(po + 28, k1, true);
  cdv.setUint32(po + 16, (((elo >>> 12) | (ehi << 20)) ^ olo) >>> 0, true);
  cdv.setUint32(po + 20, ((ehi >>> 12) ^ ohi) >>> 0, true);
  tdv.setUint32(eo, elo, true);
  tdv.setUint32(eo + 4, ehi, true);
  tdv.setUint16(to + 2 * tc_idx, (count + 1) & 0xffff, true);
  m.hits += 14;
  return DONE;
}
