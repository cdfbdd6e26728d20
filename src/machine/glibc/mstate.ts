// glibc 2.36's malloc state, in emulated memory at the places the real one has them:
// `main_arena` (struct malloc_state) and `mp_` (struct malloc_par) in libc's .data/.bss,
// `global_max_fast`, `perturb_byte`, `tcache_key` and `__malloc_initialized` beside them, and
// the thread's `tcache` pointer in its static TLS block. Chunk headers are read and written
// through the MMU like any other bytes: this object holds addresses, never a copy of state.
import type { EmulatedProcess } from '../process';
import { MachineSignal } from '../signals';
import { Mmu } from '../memory/mmu';
import type { TraceEntry, TraceLocals } from './types';
import { add, addr, andLow, bit, mask7, sub, type W } from './word';

export const SIZE_SZ = 8;
export const MALLOC_ALIGNMENT = 16;
export const MALLOC_ALIGN_MASK = 15;
export const MINSIZE = 32;
export const CHUNK_HDR_SZ = 16;
export const PREV_INUSE = 1, IS_MMAPPED = 2, NON_MAIN_ARENA = 4;
export const NBINS = 128, NSMALLBINS = 64, NFASTBINS = 10, BINMAPSIZE = 4;
export const MIN_LARGE_SIZE = 1024;
export const TCACHE_MAX_BINS = 64;
export const PAGESIZE = 4096;
export const DEFAULT_MMAP_THRESHOLD_MAX = 32 * 1024 * 1024;
export const HEAP_MAX_SIZE = 2 * DEFAULT_MMAP_THRESHOLD_MAX;
export const FASTBIN_CONSOLIDATION_THRESHOLD = 65536;
export const MMAP_AS_MORECORE_SIZE = 1024 * 1024;
export const PTRDIFF_MAX = 2n ** 63n - 1n;

// Offsets in libc's writable data mapping (Debian 12 glibc 2.36, from libc6-dbg's symbols:
// libc's rw-p mapping starts at file offset 0x1d3000).
export const LIBC_OFF = {
  mp_: 0x340, main_arena: 0xc60, tcache_key: 0x7478, __malloc_initialized: 0x7488,
  perturb_byte: 0x749c, global_max_fast: 0x74a0, __curbrk: 0x8338,
};
// struct malloc_state
export const AV = { mutex: 0, flags: 4, have_fastchunks: 8, fastbinsY: 0x10, top: 0x60, last_remainder: 0x68, bins: 0x70,
  binmap: 0x860, next: 0x870, next_free: 0x878, attached_threads: 0x880, system_mem: 0x888, max_system_mem: 0x890 };
// struct malloc_par
export const MP = { trim_threshold: 0, top_pad: 8, mmap_threshold: 16, arena_test: 24, arena_max: 32, thp_pagesize: 40,
  hp_pagesize: 48, hp_flags: 56, n_mmaps: 60, n_mmaps_max: 64, max_n_mmaps: 68, no_dyn_threshold: 72,
  mmapped_mem: 80, max_mmapped_mem: 88, sbrk_base: 96, tcache_bins: 104, tcache_max_bytes: 112, tcache_count: 120,
  tcache_unsorted_limit: 128 };
export const TCACHE_TLS_OFF = -0x30;     // `tcache` sits 0x30 below the thread pointer (TLS variant II)

export type Why = string[];

export class MState {
  // the arena of the current call: main_arena, or for free/realloc of a chunk with the
  // NON_MAIN_ARENA bit, the one its heap_info names (arena_for_chunk)
  av: number;
  readonly mainArena: number;
  readonly mp: number;
  readonly gmf: number;
  readonly perturb: number;
  readonly keyAddr: number;
  readonly initAddr: number;
  readonly curbrkAddr: number;
  readonly tcacheVar: number;
  why: Why = [];
  // whether to narrate each call's path in `why` (formatting costs more than the allocation)
  explain = true;
  // whether to mark, in `trace`, each function's entry and return and the values it computes
  // (the debugger's glibc frames); only with `explain`, and only while the debugger records
  traceFrames = false;
  trace: TraceEntry[] = [];
  errno = 0;
  // live mmapped chunks, for the views only (glibc itself keeps no such list)
  readonly mmapped = new Set<number>();

  constructor(readonly proc: EmulatedProcess, readonly seed: number) {
    const d = proc.layout.libcData;
    this.av = this.mainArena = d + LIBC_OFF.main_arena;
    this.mp = d + LIBC_OFF.mp_;
    this.gmf = d + LIBC_OFF.global_max_fast;
    this.perturb = d + LIBC_OFF.perturb_byte;
    this.keyAddr = d + LIBC_OFF.tcache_key;
    this.initAddr = d + LIBC_OFF.__malloc_initialized;
    this.curbrkAddr = d + LIBC_OFF.__curbrk;
    this.tcacheVar = proc.layout.tlsBase + TCACHE_TLS_OFF;
    this.mmu = proc.mem;
    this.tlbMmu = proc.mem instanceof Mmu ? proc.mem : null;
  }

  readonly mmu: EmulatedProcess['mem'];
  // the MMU itself when the process has one, for the fast path's TLB lookups (fastpath.ts)
  readonly tlbMmu: Mmu | null;
  get m() { return this.mmu; }
  r64(a: number): W { return this.mmu.read64(a); }
  w64(a: number, v: W): void { this.mmu.write64(a, v); }
  rn(a: number): number { const v = this.mmu.read64(a); return typeof v === 'number' ? v : Number(v); }   // fields that are small by construction

  // ---- chunk fields (struct malloc_chunk) --------------------------------------------------
  prev_size(p: number): W { return this.r64(p); }
  set_prev_size(p: number, v: W): void { this.w64(p, v); }
  size_nomask(p: number): W { return this.r64(p + 8); }
  chunksize(p: number): W { return mask7(this.r64(p + 8)); }
  set_head(p: number, v: W): void { this.w64(p + 8, v); }
  set_head_size(p: number, s: W): void {
    const old = this.r64(p + 8);
    const flags = typeof old === 'number' ? old & 7 : Number(old & 7n);
    this.w64(p + 8, add(mask7(s), flags | andLow(s, 7)));
  }
  set_foot(p: number, s: W): void { this.w64(addr(add(p, s)), s); }
  // the flag bits are in the low half of the size word: one 32-bit read, never a bigint
  prev_inuse(p: number): number { return this.mmu.read32(p + 8) & PREV_INUSE; }
  is_mmapped(p: number): number { return (this.mmu.read32(p + 8) & IS_MMAPPED) >>> 1; }
  fd(p: number): W { return this.r64(p + 16); }
  bk(p: number): W { return this.r64(p + 24); }
  fd_nextsize(p: number): W { return this.r64(p + 32); }
  bk_nextsize(p: number): W { return this.r64(p + 40); }
  set_fd(p: number, v: W): void { this.w64(p + 16, v); }
  set_bk(p: number, v: W): void { this.w64(p + 24, v); }
  set_fd_nextsize(p: number, v: W): void { this.w64(p + 32, v); }
  set_bk_nextsize(p: number, v: W): void { this.w64(p + 40, v); }
  inuse_bit_at_offset(p: number, s: W): number { return this.prev_inuse(addr(add(p, s))); }
  set_inuse_bit_at_offset(p: number, s: W): void {
    const q = addr(add(p, s));
    const v = this.r64(q + 8);
    if (!bit(v, 1)) this.w64(q + 8, add(v, 1));
  }
  clear_inuse_bit_at_offset(p: number, s: W): void {
    const q = addr(add(p, s));
    const v = this.r64(q + 8);
    if (bit(v, 1)) this.w64(q + 8, sub(v, 1));
  }

  // ---- main_arena ----------------------------------------------------------------------------
  bin_at(i: number): number { return this.av + AV.bins + (i - 1) * 16 - 16; }
  get unsorted(): number { return this.bin_at(1); }
  get top(): number { return addr(this.r64(this.av + AV.top)); }
  set top(p: number) { this.w64(this.av + AV.top, p); }
  get last_remainder(): W { return this.r64(this.av + AV.last_remainder); }
  set last_remainder(p: W) { this.w64(this.av + AV.last_remainder, p); }
  get system_mem(): W { return this.r64(this.av + AV.system_mem); }
  set system_mem(v: W) { this.w64(this.av + AV.system_mem, v); }
  get max_system_mem(): W { return this.r64(this.av + AV.max_system_mem); }
  set max_system_mem(v: W) { this.w64(this.av + AV.max_system_mem, v); }
  get have_fastchunks(): number { return this.m.read32(this.av + AV.have_fastchunks); }
  set have_fastchunks(v: number) { this.m.write32(this.av + AV.have_fastchunks, v); }
  get flags(): number { return this.m.read32(this.av + AV.flags); }
  fastbin(i: number): number { return this.av + AV.fastbinsY + i * 8; }
  binmap(block: number): number { return this.m.read32(this.av + AV.binmap + block * 4); }
  set_binmap(block: number, v: number): void { this.m.write32(this.av + AV.binmap + block * 4, v >>> 0); }
  mark_bin(i: number): void { this.set_binmap(i >> 5, this.binmap(i >> 5) | (1 << (i & 31))); }
  contiguous(): boolean { return (this.flags & 2) === 0; }

  // arena_for_chunk: a chunk with NON_MAIN_ARENA belongs to the arena named by the heap_info at
  // the start of its HEAP_MAX_SIZE-aligned heap. Runs `fn` with that arena as `av`.
  withArenaOf<T>(p: number, fn: () => T): T {
    if (!bit(this.r64(p + 8), NON_MAIN_ARENA)) return fn();
    const heap = p - (p % HEAP_MAX_SIZE);
    const saved = this.av;
    this.av = addr(this.r64(heap));
    this.explain && this.why.push(`chunk has NON_MAIN_ARENA: its arena is ar_ptr of the heap_info at ${'0x' + heap.toString(16)}: ${'0x' + this.av.toString(16)}`);
    try { return fn(); } finally { this.av = saved; }
  }
  initial_top(): number { return this.unsorted; }

  // ---- mp_ and friends ---------------------------------------------------------------------------
  mpGet(f: keyof typeof MP): W { return this.r64(this.mp + MP[f]); }
  mpSet(f: keyof typeof MP, v: W): void { this.w64(this.mp + MP[f], v); }
  mpInt(f: keyof typeof MP): number { return this.m.read32(this.mp + MP[f]) | 0; }
  mpSetInt(f: keyof typeof MP, v: number): void { this.m.write32(this.mp + MP[f], v >>> 0); }
  get global_max_fast(): W { return this.r64(this.gmf); }
  set global_max_fast(v: W) { this.w64(this.gmf, v); }
  get perturb_byte(): number { return this.m.read32(this.perturb) | 0; }
  get tcache_key(): W { return this.r64(this.keyAddr); }
  // The key is a random 64-bit value (a bigint in JS): compared and copied as two 32-bit
  // halves, read from libc's tcache_key each time, so the hot path allocates nothing.
  isTcacheKey(a: number): boolean {
    const m = this.mmu;
    return m.read32(a) === m.read32(this.keyAddr) && m.read32(a + 4) === m.read32(this.keyAddr + 4);
  }
  copyTcacheKey(a: number): void {
    const m = this.mmu;
    m.write32(a, m.read32(this.keyAddr));
    m.write32(a + 4, m.read32(this.keyAddr + 4));
  }
  // The thread's `tcache` pointer: read once per call, as compiled glibc keeps it in a register
  // (only glibc itself changes it during a call; the program can only between calls).
  private tcacheCached = -1;
  get tcache(): number {
    if (this.tcacheCached < 0) this.tcacheCached = this.rn(this.tcacheVar);
    return this.tcacheCached;
  }
  set tcache(p: number) { this.w64(this.tcacheVar, p); this.tcacheCached = p; }
  beginCall(): void { this.tcacheCached = -1; }
  get initialized(): boolean { return this.m.read8(this.initAddr) !== 0; }

  // ---- the libc wrappers around brk/mmap the allocator uses -------------------------------
  // __sbrk: the first call reads the break from the kernel; then brk(old + increment).
  sbrk(increment: W, by: string): number {
    let cur = this.rn(this.curbrkAddr);
    if (cur === 0) { cur = this.proc.sys.brk(0, by); this.w64(this.curbrkAddr, cur); }
    if (increment === 0 || increment === 0n) return cur;
    const inc = BigInt.asIntN(64, BigInt(increment));
    const want = BigInt(cur) + inc;
    if (want < 0n || want > BigInt(Number.MAX_SAFE_INTEGER)) { this.errno = 12; return -1; }
    const got = this.proc.sys.brk(Number(want), by);
    this.w64(this.curbrkAddr, got);
    if (got < Number(want)) { this.errno = 12; return -1; }
    return cur;
  }
  // __brk: the kernel's answer becomes __curbrk, so a later sbrk (the program's or malloc's)
  // starts from it; less than asked is ENOMEM
  brk(addr: number, by: string): number {
    const got = this.proc.sys.brk(addr, by);
    this.w64(this.curbrkAddr, got);
    if (got < addr) { this.errno = 12; return -1; }
    return 0;
  }
  mmap(len: W, by: string): number {
    const r = this.proc.sys.mmap(0, len, 3, 0x22, -1, 0, by);
    if (r < 0 && r > -4096) { this.errno = -r; return -1; }
    return r;
  }

  // ---- the narrated path's frames (only while `traceFrames` is on) -----------------------------
  // A narrating function begins with
  //   if (s.traceFrames && s.outside('sysmalloc')) return s.frame('sysmalloc', { nb }, () => sysmalloc(s, nb));
  // so that it runs its own body inside `frame`, which brackets it with `enter` and `leave` marks
  // in `trace`. A check that aborts leaves its frames open: the stack at the abort.
  private opening: string | null = null;
  outside(fn: string): boolean {
    const reentry = this.opening === fn;
    this.opening = null;
    return !reentry;
  }
  frame<T>(fn: string, args: TraceLocals, body: () => T): T {
    this.trace.push({ fn, event: 'enter', why: this.why.length, locals: args });
    this.opening = fn;
    const r = body();
    this.opening = null;
    this.trace.push({ fn, event: 'leave', why: this.why.length });
    return r;
  }
  // Values a function has computed by now, for its frame's locals.
  note(fn: string, locals: TraceLocals): void { this.trace.push({ fn, event: 'locals', why: this.why.length, locals }); }

  abort(message: string, fn: string): never {
    this.why.push(`abort: ${message}`);
    throw new MachineSignal('SIGABRT', message, undefined, undefined, fn);
  }
}

// Bin indices (malloc.c's macros for 64-bit).
export const fastbin_index = (sz: W): number => Number(BigInt.asUintN(32, BigInt(typeof sz === 'number' ? Math.floor(sz / 16) : sz >> 4n))) - 2;
export const in_smallbin_range = (sz: W): boolean => sz < MIN_LARGE_SIZE;
export const smallbin_index = (sz: number): number => Math.floor(sz / 16);
export function largebin_index(sz: W): number {
  const s = typeof sz === 'number' ? sz : Number(sz);
  if (Math.floor(s / 64) <= 48) return 48 + Math.floor(s / 64);
  if (Math.floor(s / 512) <= 20) return 91 + Math.floor(s / 512);
  if (Math.floor(s / 4096) <= 10) return 110 + Math.floor(s / 4096);
  if (Math.floor(s / 32768) <= 4) return 119 + Math.floor(s / 32768);
  if (Math.floor(s / 262144) <= 2) return 124 + Math.floor(s / 262144);
  return 126;
}
export const bin_index = (sz: W): number => (in_smallbin_range(sz) ? smallbin_index(Number(sz)) : largebin_index(sz));
export const csize2tidx = (x: W): number => (typeof x === 'number' ? Math.floor((x - MINSIZE + MALLOC_ALIGNMENT - 1) / MALLOC_ALIGNMENT) : Number.MAX_SAFE_INTEGER);

export function request2size(req: W): W {
  const r = add(add(req, SIZE_SZ), MALLOC_ALIGN_MASK);
  if (r < MINSIZE) return MINSIZE;
  return typeof r === 'number' ? r - (r & 15) : r & ~15n;
}
// 0 when the request is beyond PTRDIFF_MAX (the caller sets ENOMEM)
export function checked_request2size(req: W): W {
  if (typeof req === 'number') {   // a safe integer is far below PTRDIFF_MAX
    const r = req + SIZE_SZ + MALLOC_ALIGN_MASK;
    return r < MINSIZE ? MINSIZE : r - (r & 15);
  }
  if (req > PTRDIFF_MAX) return 0;
  return request2size(req);
}
