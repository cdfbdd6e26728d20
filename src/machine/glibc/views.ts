// Read-only views of the allocator (ORACLE.md's state, mallinfo2, malloc_stats, and what
// pwndbg's heap/bins/vis_heap_chunks print). They read through the inspector: no faults, no
// accessed bits, no RSS. A page never touched reads as the zeros the kernel would give it.
import type { Mallinfo2, OracleRet, OracleState } from './types';
import { AV, LIBC_OFF, MP, MState, NFASTBINS } from './mstate';

type Peek = (a: number) => number | bigint;

export function peek32(s: MState, a: number): number {
  const b = s.proc.inspect.peekBytes(a, 4);
  return b ? (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) : 0;
}

export function peeker(s: MState): Peek {
  const ins = s.proc.inspect;
  return (a: number) => {
    if (!(a >= 0) || !Number.isSafeInteger(a)) return 0;
    const b = ins.peekBytes(a, 8);
    if (!b) return 0;
    const lo = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
    const hi = (b[4] | (b[5] << 8) | (b[6] << 16) | (b[7] << 24)) >>> 0;
    return hi < 0x200000 ? hi * 4294967296 + lo : (BigInt(hi) << 32n) | BigInt(lo);
  };
}
const num = (v: number | bigint): number => (typeof v === 'number' ? v : Number(v));
// exact in JSON: a number while safe, a decimal string beyond (as ORACLE.md writes big values)
const jw = (v: number | bigint): number => (typeof v === 'number' ? v : (v.toString() as unknown as number));
const jnum = (v: number | bigint): number => num(v);
const LIMIT = 100000;   // bound every walk: a corrupted list must not hang a view

export function reveal(pos: number, v: number | bigint): number {
  if (v === 0) return 0;
  return Number(BigInt.asUintN(64, BigInt(Math.floor(pos / 4096)) ^ BigInt(v)));
}

export function mallinfo2(s: MState): Mallinfo2 {
  const P = peeker(s);
  const av = s.av;
  const top = num(P(av + AV.top));
  let avail = top ? num(P(top + 8)) - (num(P(top + 8)) % 8) : 0;
  let nblocks = 1, nfast = 0, fastavail = 0;
  for (let i = 0; i < NFASTBINS; i++) {
    let p = num(P(av + AV.fastbinsY + i * 8)), n = 0;
    while (p && n++ < LIMIT) { nfast++; const sz = num(P(p + 8)); fastavail += sz - (sz % 8); p = reveal(p + 16, P(p + 16)); }
  }
  avail += fastavail;
  for (let i = 1; i < 128; i++) {
    const b = s.bin_at(i);
    let p = num(P(b + 24)), n = 0;
    while (p !== b && p && n++ < LIMIT) { nblocks++; const sz = num(P(p + 8)); avail += sz - (sz % 8); p = num(P(p + 24)); }
  }
  const system = num(P(av + AV.system_mem));
  return {
    arena: system, ordblks: nblocks, smblks: nfast, hblks: peek32(s, s.mp + MP.n_mmaps),
    hblkhd: num(P(s.mp + MP.mmapped_mem)), usmblks: 0, fsmblks: fastavail, uordblks: system - avail, fordblks: avail,
    keepcost: top ? num(P(top + 8)) - (num(P(top + 8)) % 8) : 0,
  };
}

export function oracleState(s: MState): OracleState {
  const P = peeker(s);
  const base = s.proc.layout.heapBase;
  const av = s.av;
  const brk = s.proc.brkNow();
  const off = (a: number) => a - base;
  const initialized = (s.proc.inspect.peekBytes(s.initAddr, 1)?.[0] ?? 0) !== 0;
  const topAddr = num(P(av + AV.top));
  const heap: [number, number][] = [];
  let top: [number, number] = [0, 0];
  const sbrkBase = num(P(s.mp + MP.sbrk_base));
  if (sbrkBase) {
    let p = sbrkBase, n = 0;
    while (p !== topAddr && p < brk && n++ < 1000000) {
      const sz = num(P(p + 8));
      heap.push([off(p), jw(P(p + 8))]);
      const step = sz - (sz % 8);
      if (step <= 0) break;
      p += step;
    }
    top = [off(topAddr), jw(P(topAddr + 8))];
  }
  const tc = num(P(s.tcacheVar));
  let tcache: OracleState['tcache'] = null;
  if (tc) {
    const counts: number[] = [];
    const cb = s.proc.inspect.peekBytes(tc, 128) ?? new Uint8Array(128);
    for (let i = 0; i < 64; i++) counts.push(cb[2 * i] | (cb[2 * i + 1] << 8));
    const chains: Record<string, number[]> = {};
    for (let i = 0; i < 64; i++) {
      let e = num(P(tc + 128 + i * 8));
      const chain: number[] = [];
      while (e && chain.length < 64) { chain.push(off(e - 16)); e = reveal(e, P(e)); }
      if (chain.length) chains[String(i)] = chain;
    }
    tcache = { at: off(tc), counts, chains };
  }
  const fastbins: Record<string, number[]> = {};
  for (let i = 0; i < NFASTBINS; i++) {
    let p = num(P(av + AV.fastbinsY + i * 8));
    const chain: number[] = [];
    while (p && chain.length < LIMIT) { chain.push(off(p)); p = reveal(p + 16, P(p + 16)); }
    if (chain.length) fastbins[String(i)] = chain;
  }
  const walk = (i: number): number[] => {
    const b = s.bin_at(i);
    const out: number[] = [];
    let p = num(P(b + 16));
    while (p !== b && p && out.length < LIMIT) { out.push(off(p)); p = num(P(p + 16)); }
    return out;
  };
  const unsorted = initialized ? walk(1) : [];
  const smallbins: Record<string, number[]> = {}, largebins: Record<string, number[]> = {};
  if (initialized) {
    for (let i = 2; i < 64; i++) { const c = walk(i); if (c.length) smallbins[String(i)] = c; }
    for (let i = 64; i < 127; i++) { const c = walk(i); if (c.length) largebins[String(i)] = c; }
  }
  const lr = num(P(av + AV.last_remainder));
  const binmap: number[] = [];
  const bm = s.proc.inspect.peekBytes(av + AV.binmap, 16) ?? new Uint8Array(16);
  for (let i = 0; i < 4; i++) binmap.push((bm[4 * i] | (bm[4 * i + 1] << 8) | (bm[4 * i + 2] << 16) | (bm[4 * i + 3] << 24)) >>> 0);
  const i32 = (a: number) => peek32(s, a);
  const mp = s.mp;
  const d = s.proc.layout.libcData;
  const u64 = (a: number) => jw(P(a));
  return {
    brk: brk - base,
    heap, top,
    tcache,
    fastbins, unsorted, smallbins, largebins,
    arena: {
      top: initialized && topAddr !== s.initial_top() ? off(topAddr) : null,
      last_remainder: lr ? off(lr) : null,
      have_fastchunks: i32(av + AV.have_fastchunks), flags: i32(av + AV.flags), binmap,
      system_mem: u64(av + AV.system_mem), max_system_mem: u64(av + AV.max_system_mem),
    },
    mp: {
      trim_threshold: u64(mp + MP.trim_threshold), top_pad: u64(mp + MP.top_pad), mmap_threshold: u64(mp + MP.mmap_threshold),
      arena_test: u64(mp + MP.arena_test), arena_max: u64(mp + MP.arena_max), n_mmaps: i32(mp + MP.n_mmaps),
      n_mmaps_max: i32(mp + MP.n_mmaps_max), max_n_mmaps: i32(mp + MP.max_n_mmaps), no_dyn_threshold: i32(mp + MP.no_dyn_threshold),
      mmapped_mem: u64(mp + MP.mmapped_mem), max_mmapped_mem: u64(mp + MP.max_mmapped_mem), tcache_bins: u64(mp + MP.tcache_bins),
      tcache_max_bytes: u64(mp + MP.tcache_max_bytes), tcache_count: u64(mp + MP.tcache_count),
      tcache_unsorted_limit: u64(mp + MP.tcache_unsorted_limit), global_max_fast: u64(d + LIBC_OFF.global_max_fast),
      perturb_byte: i32(d + LIBC_OFF.perturb_byte),
    },
    mallinfo2: { ...mallinfo2(s) },
    resident_pages: s.proc.residentPages(base, brk),
  };
}

export function retInfo(s: MState, mem: number): OracleRet {
  const P = peeker(s);
  const base = s.proc.layout.heapBase;
  const p = mem - 16;
  const size = num(P(p + 8));
  if (size & 2) {
    const prev = num(P(p));
    const block = p - prev;
    const total = prev + (size - (size % 8));
    return { mmapped: true, size: jw(P(p + 8)), prev_size: jw(P(p)), usable: size - (size % 8) - 16, page_off: mem % 4096,
      resident_pages: s.proc.residentPages(block, block + total) };
  }
  const cs = size - (size % 8);
  const nextSize = num(P(p + cs + 8));
  return { ptr: mem - base, size: jw(P(p + 8)), usable: nextSize & 1 ? cs - 8 : 0 };
}

export function mallocStats(s: MState): string {
  const mi = mallinfo2(s);
  const P = peeker(s);
  const mmapped = num(P(s.mp + MP.mmapped_mem));
  const u = (n: number) => String(n >>> 0).padStart(10);
  return [
    'Arena 0:', `system bytes     = ${u(mi.arena)}`, `in use bytes     = ${u(mi.uordblks)}`,
    'Total (incl. mmap):', `system bytes     = ${u(mmapped + mi.arena)}`, `in use bytes     = ${u(mmapped + mi.uordblks)}`,
    `max mmap regions = ${u(peek32(s, s.mp + MP.max_n_mmaps))}`,
    `max mmap bytes   = ${String(num(P(s.mp + MP.max_mmapped_mem))).padStart(10)}`,
  ].join('\n') + '\n';
}

export { jnum };
