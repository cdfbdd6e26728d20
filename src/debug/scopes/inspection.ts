// One stop's reading of the allocator and the address space, shared by every variable built
// at that stop: the heap walk from mp_.sbrk_base to av->top, every bin's chain, the mmapped
// chunks, the VMAs. Each part is read on first use, and only through the inspector (no fault,
// no TLB fill, no accessed bit, no RSS change). Walks are bounded and stop at a cycle, so a
// corrupted heap shows what is there instead of hanging the debugger.
import { AV, LIBC_OFF, MP, NFASTBINS, TCACHE_MAX_BINS, TCACHE_TLS_OFF, largebin_index } from '../../machine/glibc/mstate';
import type { VmArea } from '../../machine/kernel/types';
import type { Scenario } from '../../machine/scenario';
import { hex } from '../values';

export type BinKind = 'tcache' | 'fastbin' | 'unsorted' | 'small' | 'large';
// why a chain walk ended: at the list's end, at a chunk seen before, at the walk's bound, at
// a link that points at bytes the inspector cannot read
export type ChainEnd = 'end' | 'cycle' | 'bound' | 'unreadable';

export interface BinChain {
  kind: BinKind;
  index: number;         // tcache/fastbin index, or glibc's bin number (1 unsorted, 2..63 small, 64..126 large)
  label: string;         // pwndbg's: tcache[0x20], fastbin[0x30], unsorted, smallbin[0x90], largebin[64]
  head: number;          // where the bin's head pointer lives (tcache->entries[i], fastbinsY[i], bin_at(i))
  chunks: number[];      // chunk addresses (malloc.c's `p`), in list order
  count?: number;        // tcache->counts[i]
  end: ChainEnd;
  loopsTo?: number;      // with end 'cycle': the chunk the last link leads back to
}

export interface BinRef { chain: BinChain; pos: number }

export interface HeapWalk {
  chunks: number[];      // address order, from mp_.sbrk_base up to and including av->top
  sizes: number[];       // each chunk's size field, flag bits included
  top: number | null;
  stop: string | null;   // why the walk ended before av->top (a corrupted size)
}

export interface Located { addr: number; sizeField: number; kind: 'heap' | 'top' | 'mmapped'; exact: boolean }

export interface AllBins {
  tcache: BinChain[];    // 64, empty until the thread's tcache exists
  fastbins: BinChain[];  // NFASTBINS
  unsorted: BinChain;
  small: BinChain[];     // bins 2..63
  large: BinChain[];     // bins 64..126
}

const CHAIN_BOUND = 10_000;
const WALK_BOUND = 1_000_000;

export const flagLetters = (sizeField: number): string =>
  `${sizeField & 4 ? 'A' : ''}${sizeField & 2 ? 'M' : ''}${sizeField & 1 ? 'P' : ''}` || '-';

// glibc's REVEAL_PTR: the stored link XORed with the page number of the field holding it
export const revealPtr = (pos: number, stored: bigint): bigint => BigInt.asUintN(64, BigInt(Math.floor(pos / 4096)) ^ stored);

export const tcacheLabel = (i: number): string => `tcache[${hex(32 + 16 * i)}]`;
export const fastbinLabel = (i: number): string => `fastbin[${hex(32 + 16 * i)}]`;
export const smallbinLabel = (i: number): string => `smallbin[${hex(16 * i)}]`;
export const largebinLabel = (i: number): string => `largebin[${i}]`;

// The smallest chunk size a large bin holds (largebin_index is monotonic in the size).
export function largebinMin(i: number): number {
  let lo = 1024, hi = 2 ** 44;
  while (lo < hi) { const mid = lo + Math.floor((hi - lo) / 32) * 16; if (largebin_index(mid) >= i) hi = mid; else lo = mid + 16; }
  return lo;
}

export class Inspection {
  readonly av: number;         // &main_arena
  readonly mp: number;         // &mp_
  readonly tcacheVar: number;  // the thread's `tcache` variable in its TLS block
  readonly libcData: number;

  constructor(readonly sc: Scenario) {
    const l = sc.proc.layout;
    this.libcData = l.libcData;
    this.av = l.libcData + LIBC_OFF.main_arena;
    this.mp = l.libcData + LIBC_OFF.mp_;
    this.tcacheVar = l.tlsBase + TCACHE_TLS_OFF;
  }

  bytes(a: number, n: number): Uint8Array | null {
    return a >= 0 && Number.isSafeInteger(a + n) ? this.sc.proc.inspect.peekBytes(a, n) : null;
  }
  word(a: number): bigint | null {
    const b = this.bytes(a, 8);
    if (!b) return null;
    const lo = (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0;
    const hi = (b[4] | (b[5] << 8) | (b[6] << 16) | (b[7] << 24)) >>> 0;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }
  // a word that is an address or a size: a number when it is one, NaN when unreadable or beyond 2^53
  num(a: number): number {
    const w = this.word(a);
    return w !== null && w <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(w) : NaN;
  }
  u32(a: number): number | null {
    const b = this.bytes(a, 4);
    return b ? (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0 : null;
  }
  u16(a: number): number | null {
    const b = this.bytes(a, 2);
    return b ? b[0] | (b[1] << 8) : null;
  }

  get brk(): number { return this.sc.proc.brkNow(); }
  get sbrkBase(): number { return this.num(this.mp + MP.sbrk_base) || 0; }
  get top(): number { return this.num(this.av + AV.top) || 0; }
  // malloc_state's bins[] seen as chunks whose fd/bk sit at bins[2i-2], bins[2i-1]
  binAt(i: number): number { return this.av + AV.bins + (i - 1) * 16 - 16; }
  get initialTop(): number { return this.binAt(1); }
  get tcache(): number { return this.num(this.tcacheVar) || 0; }
  get initialized(): boolean { return (this.bytes(this.libcData + LIBC_OFF.__malloc_initialized, 1)?.[0] ?? 0) !== 0; }

  private walkCache: HeapWalk | null = null;
  get heap(): HeapWalk {
    if (this.walkCache) return this.walkCache;
    const w: HeapWalk = { chunks: [], sizes: [], top: null, stop: null };
    const start = this.sbrkBase, top = this.top, brk = this.brk;
    if (start && top !== this.initialTop) {
      w.top = top;
      let p = start;
      while (p < brk && w.chunks.length < WALK_BOUND) {
        const size = this.num(p + 8);
        if (Number.isNaN(size)) { w.stop = `the size field at ${hex(p + 8)} cannot be read`; break; }
        w.chunks.push(p); w.sizes.push(size);
        if (p === top) break;
        const step = size - (size % 8);
        if (step < 16 || p + step > brk) { w.stop = `chunk ${hex(p)} has size ${hex(size)}: the walk cannot go on`; break; }
        p += step;
      }
      if (!w.stop && w.chunks[w.chunks.length - 1] !== top) w.stop = w.chunks.length >= WALK_BOUND ? `stopped after ${WALK_BOUND} chunks` : `av->top ${hex(top)} is not on the walk`;
    }
    return (this.walkCache = w);
  }

  private mmappedCache: number[] | null = null;
  // glibc keeps no list of its mmapped chunks; the allocator's snapshot carries the views' list
  get mmapped(): number[] {
    if (!this.mmappedCache) {
      const s = this.sc.glibc.snapshot() as { mmapped?: unknown };
      const all = Array.isArray(s.mmapped) ? s.mmapped.filter((p): p is number => typeof p === 'number') : [];
      this.mmappedCache = all.sort((a, b) => a - b);
    }
    return this.mmappedCache;
  }

  private binsCache: AllBins | null = null;
  get bins(): AllBins {
    if (this.binsCache) return this.binsCache;
    const tc = this.tcache;
    const tcache: BinChain[] = [];
    if (tc) {
      for (let i = 0; i < TCACHE_MAX_BINS; i++) {
        // entries hold user pointers (tcache_entry *), each link safe-linked at its own address
        const head = tc + 128 + i * 8;
        const c = this.chain(this.num(head), (e) => { const w = this.word(e); return w === null ? NaN : numOr(revealPtr(e, w)); }, 0);
        tcache.push({ kind: 'tcache', index: i, label: tcacheLabel(i), head, chunks: c.items.map((e) => e - 16), count: this.u16(tc + 2 * i) ?? 0, end: c.end,
          ...(c.loopsTo !== undefined ? { loopsTo: c.loopsTo - 16 } : {}) });
      }
    }
    const fastbins: BinChain[] = [];
    for (let i = 0; i < NFASTBINS; i++) {
      const head = this.av + AV.fastbinsY + i * 8;
      const c = this.chain(this.num(head), (p) => { const w = this.word(p + 16); return w === null ? NaN : numOr(revealPtr(p + 16, w)); }, 0);
      fastbins.push({ kind: 'fastbin', index: i, label: fastbinLabel(i), head, chunks: c.items, end: c.end, loopsTo: c.loopsTo });
    }
    const doubly = (i: number, kind: BinKind, label: string): BinChain => {
      const b = this.binAt(i);
      const c = this.chain(this.num(b + 16), (p) => this.num(p + 16), b);
      return { kind, index: i, label, head: b + 16, chunks: c.items, end: c.end, loopsTo: c.loopsTo };
    };
    const small: BinChain[] = [], large: BinChain[] = [];
    for (let i = 2; i < 64; i++) small.push(doubly(i, 'small', smallbinLabel(i)));
    for (let i = 64; i < 127; i++) large.push(doubly(i, 'large', largebinLabel(i)));
    return (this.binsCache = { tcache, fastbins, unsorted: doubly(1, 'unsorted', 'unsorted'), small, large });
  }

  // follows `next` from `first` until 0 (or `stop`, a doubly-linked bin's own head)
  private chain(first: number, next: (p: number) => number, stop: number): { items: number[]; end: ChainEnd; loopsTo?: number } {
    const items: number[] = [];
    const seen = new Set<number>();
    let p = first;
    while (p !== 0 && p !== stop) {
      if (Number.isNaN(p)) return { items, end: 'unreadable' };
      if (seen.has(p)) return { items, end: 'cycle', loopsTo: p };
      if (items.length >= CHAIN_BOUND) return { items, end: 'bound' };
      seen.add(p); items.push(p);
      p = next(p);
    }
    return { items, end: 'end' };
  }

  private binOfCache: Map<number, BinRef> | null = null;
  binOf(chunk: number): BinRef | undefined {
    if (!this.binOfCache) {
      const m = new Map<number, BinRef>();
      const b = this.bins;
      for (const chain of [...b.tcache, ...b.fastbins, b.unsorted, ...b.small, ...b.large]) {
        chain.chunks.forEach((p, pos) => { if (!m.has(p)) m.set(p, { chain, pos }); });
      }
      this.binOfCache = m;
    }
    return this.binOfCache.get(chunk);
  }

  // what a chunk is now: in use, top, mmapped, or the bin holding it
  stateOf(chunk: number, kind: Located['kind']): string {
    if (kind === 'top') return 'top';
    if (kind === 'mmapped') return 'mmapped';
    const ref = this.binOf(chunk);
    if (ref) return ref.chain.label;
    return chunk + 16 === this.tcache ? 'in use: tcache_perthread_struct' : 'in use';
  }

  private vmaCache: VmArea[] | null = null;
  get vmas(): VmArea[] { return (this.vmaCache ??= this.sc.proc.vmas()); }
  vmaOf(a: number): VmArea | undefined {
    const l = this.vmas;
    let lo = 0, hi = l.length;
    while (lo < hi) { const mid = (lo + hi) >> 1; if (l[mid].vm_end <= a) lo = mid + 1; else hi = mid; }
    return l[lo] && l[lo].vm_start <= a ? l[lo] : undefined;
  }

  // The chunk an address falls in: in the brk heap (top included) or in an mmapped chunk.
  locate(a: number): Located | null {
    if (a >= this.sbrkBase && this.sbrkBase && a < this.brk) {
      const { chunks, sizes, top } = this.heap;
      let lo = 0, hi = chunks.length;
      while (lo < hi) { const mid = (lo + hi) >> 1; if (chunks[mid] <= a) lo = mid + 1; else hi = mid; }
      const i = lo - 1;
      if (i >= 0) {
        const c = chunks[i], size = sizes[i] - (sizes[i] % 8);
        const isTop = c === top;
        if (a < c + size || (isTop && a < this.brk)) return { addr: c, sizeField: sizes[i], kind: isTop ? 'top' : 'heap', exact: a === c + 16 };
      }
      return null;
    }
    for (const m of this.mmapped) {
      const sizeField = this.num(m + 8);
      if (a >= m && a < m + (sizeField - (sizeField % 8))) return { addr: m, sizeField, kind: 'mmapped', exact: a === m + 16 };
    }
    return null;
  }

  // Where a pointer points, after its value: `→ chunk 0x20 [P] in [heap], tcache[0x20]`.
  pointerNote(p: number): string {
    const vma = this.vmaOf(p);
    if (!vma) return ' (unmapped)';
    const where = vmaLabel(vma);
    const c = this.locate(p);
    if (!c) return ` in ${where}`;
    const size = c.sizeField - (c.sizeField % 8);
    const state = this.stateOf(c.addr, c.kind);
    if (c.exact) return ` → chunk ${hex(size)} [${flagLetters(c.sizeField)}] in ${where}, ${state}`;
    if (p === c.addr) return ` → header of chunk ${hex(c.addr)} (size ${hex(size)}, ${state}) in ${where}`;
    return ` → inside chunk ${hex(c.addr)}+${hex(p - c.addr)} (size ${hex(size)}, ${state}) in ${where}`;
  }
}

export const vmaLabel = (v: VmArea): string => v.name || `[${v.kind}]`;

const numOr = (v: bigint): number => (v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : NaN);
