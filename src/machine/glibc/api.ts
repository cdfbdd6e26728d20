// The public entry points of glibc 2.36's malloc: __libc_malloc, free, calloc, realloc, the
// memalign family, mallopt and malloc_trim, with ptmalloc_init and the tcache set-up where the
// real ones do them.
import {
  AV, CHUNK_HDR_SZ, DEFAULT_MMAP_THRESHOLD_MAX, HEAP_MAX_SIZE, IS_MMAPPED, MALLOC_ALIGNMENT, MINSIZE, MP, MState, NON_MAIN_ARENA,
  PAGESIZE, PREV_INUSE, PTRDIFF_MAX, SIZE_SZ, checked_request2size, csize2tidx,
} from './mstate';
import { _int_malloc, malloc_consolidate, tcache_count, tcache_get, tcache_init, unlink_chunk } from './malloc';
import { _int_free, munmap_chunk, mtrim } from './free';
import { add, addr, big, bit, canon, hex, mask7, sub, type W } from './word';

// ---- initialisation ---------------------------------------------------------------------------
export function ptmalloc_init(s: MState): void {
  if (s.initialized) return;
  s.m.write8(s.initAddr, 1);
  // tcache_key_initialize: getrandom (&tcache_key, sizeof (tcache_key), GRND_NONBLOCK) is a real
  // system call, made and counted; the key's value then comes from the machine's seed
  s.proc.sys.getrandom(s.keyAddr, 8, 1, 'malloc');
  let x = BigInt(s.seed) * 0x9e3779b97f4a7c15n + 0x2545f4914f6cdd1dn;
  x = BigInt.asUintN(64, (x ^ (x >> 31n)) * 0xbf58476d1ce4e5b9n);
  s.w64(s.keyAddr, canon(x ^ (x >> 29n)));
  // malloc_init_state(&main_arena)
  for (let i = 1; i < 128; i++) { const b = s.bin_at(i); s.set_fd(b, b); s.set_bk(b, b); }
  s.global_max_fast = 0x80;
  s.have_fastchunks = 0;
  s.top = s.initial_top();
}

// The static initialisers of main_arena and mp_, as the loader maps them from libc's .data.
export function static_init(s: MState): void {
  const m = s.m;
  m.write32(s.av + AV.mutex, 0);
  s.w64(s.av + AV.next, s.av);
  s.w64(s.av + AV.attached_threads, 1);
  s.mpSet('top_pad', 0x20000);
  s.mpSetInt('n_mmaps_max', 65536);
  s.mpSet('mmap_threshold', 0x20000);
  s.mpSet('trim_threshold', 0x20000);
  s.mpSet('arena_test', 8);
  s.mpSet('tcache_count', 7);
  s.mpSet('tcache_bins', 64);
  s.mpSet('tcache_max_bytes', 1032);
  s.mpSet('tcache_unsorted_limit', 0);
}

function maybe_init_tcache(s: MState): void { if (s.tcache === 0) tcache_init(s); }

// ---- malloc / free ----------------------------------------------------------------------------
export function libc_malloc(s: MState, bytes: W): number {
  if (s.traceFrames && s.outside('malloc')) return s.frame('malloc', { bytes }, () => libc_malloc(s, bytes));
  if (!s.initialized) ptmalloc_init(s);
  const tbytes = checked_request2size(bytes);
  if (tbytes === 0) { s.errno = 12; s.explain && s.why.push(`malloc(${hex(bytes)}): larger than PTRDIFF_MAX: NULL, errno ENOMEM`); return 0; }
  const tc_idx = csize2tidx(tbytes);
  s.traceFrames && s.note('malloc', { tbytes, tc_idx });
  maybe_init_tcache(s);
  if (tc_idx < s.rn(s.mp + MP.tcache_bins) && s.tcache !== 0 && tcache_count(s, tc_idx) > 0) {
    const n = s.explain ? tcache_count(s, tc_idx) : 0;
    const p = tcache_get(s, tc_idx);
    s.explain && s.why.push(`tcache_get: bin ${tc_idx} (chunk ${hex(tbytes)}) had ${n} chunk${n === 1 ? '' : 's'}`);
    return p;
  }
  return _int_malloc(s, bytes);
}

export function libc_free(s: MState, mem: number): void {
  if (s.traceFrames && s.outside('free')) return s.frame('free', { mem }, () => libc_free(s, mem));
  if (mem === 0) { s.explain && s.why.push('free(NULL) does nothing'); return; }
  const p = mem - 16;
  s.traceFrames && s.note('free', { p });
  if (p < 0) s.abort('free(): invalid pointer', '_int_free');
  if (s.is_mmapped(p)) {
    const sz = s.size_nomask(p);
    if (!s.mpInt('no_dyn_threshold') && sz > s.mpGet('mmap_threshold') && sz <= DEFAULT_MMAP_THRESHOLD_MAX) {
      const t = s.chunksize(p);
      s.mpSet('mmap_threshold', t);
      s.mpSet('trim_threshold', add(t, t));
      s.explain && s.why.push(`free: mmap_threshold raised to ${hex(t)}, trim_threshold ${hex(add(t, t))} (a freed mmapped chunk was larger)`);
    }
    munmap_chunk(s, p);
    return;
  }
  maybe_init_tcache(s);
  if (!bit(s.size_nomask(p), NON_MAIN_ARENA)) _int_free(s, p, false);   // (no closure on the common path)
  else s.withArenaOf(p, () => _int_free(s, p, false));
}

// ---- calloc ------------------------------------------------------------------------------------
export function libc_calloc(s: MState, n: W, elem: W): number {
  if (s.traceFrames && s.outside('calloc')) return s.frame('calloc', { n, elem_size: elem }, () => libc_calloc(s, n, elem));
  const prod = big(n) * big(elem);
  if (prod > PTRDIFF_MAX) { s.errno = 12; s.explain && s.why.push('calloc: n * size overflows: NULL, errno ENOMEM'); return 0; }
  const sz = canon(prod);
  if (!s.initialized) ptmalloc_init(s);
  maybe_init_tcache(s);
  // Only the part of top that existed before this call may hold old data; what sysmalloc adds
  // comes zeroed from the kernel. (Measured on the host: Debian's 2.36 does not widen this to
  // sbrk_base + max_system_mem after a trim.)
  const oldtop = s.top;
  const oldtopsize = s.chunksize(oldtop);
  s.traceFrames && s.note('calloc', { bytes: sz, oldtop, oldtopsize });
  const mem = _int_malloc(s, sz);
  if (mem === 0) return 0;
  const p = mem - 16;
  let csz = s.chunksize(p);
  if (s.is_mmapped(p)) {
    if (s.perturb_byte) s.m.fill(mem, 0, Number(sz));
    s.explain && s.why.push('calloc: fresh mmapped memory is already zero: nothing cleared');
    return mem;
  }
  if (s.perturb_byte === 0 && p === oldtop && csz > oldtopsize) {
    csz = oldtopsize;
    s.explain && s.why.push(`calloc: only ${hex(sub(csz, SIZE_SZ))} bytes cleared (the rest is fresh from the kernel)`);
  }
  const clearsize = sub(csz, SIZE_SZ);
  s.m.fill(mem, 0, Number(clearsize));
  return mem;
}

// ---- realloc -------------------------------------------------------------------------------------
export function libc_realloc(s: MState, oldmem: number, bytes: W): number {
  if (s.traceFrames && s.outside('realloc')) return s.frame('realloc', { oldmem, bytes }, () => libc_realloc(s, oldmem, bytes));
  if (!s.initialized) ptmalloc_init(s);
  if ((bytes === 0 || bytes === 0n) && oldmem !== 0) { s.explain && s.why.push('realloc(p, 0) frees p and returns NULL'); libc_free(s, oldmem); return 0; }
  if (oldmem === 0) { s.explain && s.why.push('realloc(NULL, n) is malloc(n)'); return libc_malloc(s, bytes); }
  const oldp = oldmem - 16;
  const oldsize = s.chunksize(oldp);
  const mmapped = s.is_mmapped(oldp);
  if (!mmapped) maybe_init_tcache(s);
  if (oldp > canon(-big(oldsize)) || oldp % 16 !== 0) s.abort('realloc(): invalid pointer', '__libc_realloc');
  const nb = checked_request2size(bytes);
  s.traceFrames && s.note('realloc', { oldp, oldsize, nb });
  if (nb === 0) { s.errno = 12; return 0; }
  if (mmapped) {
    const np = mremap_chunk(s, oldp, nb);
    if (np) return np + 16;
    if (sub(oldsize, SIZE_SZ) >= nb) return oldmem;
    const newmem = libc_malloc(s, bytes);
    if (newmem === 0) return 0;
    s.m.writeBytes(newmem, s.m.readBytes(oldmem, Number(oldsize) - CHUNK_HDR_SZ));
    munmap_chunk(s, oldp);
    return newmem;
  }
  return s.withArenaOf(oldp, () => _int_realloc(s, oldp, oldsize, nb));
}

function mremap_chunk(s: MState, p: number, new_size: W): number {
  if (s.traceFrames && s.outside('mremap_chunk')) return s.frame('mremap_chunk', { p, new_size }, () => mremap_chunk(s, p, new_size));
  const offset = s.prev_size(p), size = s.chunksize(p);
  const block = sub(p, offset), total = add(offset, size);
  const mem = p + 16, memOff = mem % PAGESIZE;
  const low = (v: W) => (typeof v === 'number' ? v % PAGESIZE : Number(v & 4095n));
  if (low(block) !== 0 || low(total) !== 0 || (memOff & (memOff - 1)) !== 0) s.abort('mremap_chunk(): invalid pointer', 'mremap_chunk');
  let ns = add(add(new_size, offset), SIZE_SZ);
  ns = typeof ns === 'number' ? Math.ceil(ns / PAGESIZE) * PAGESIZE : ((ns + 4095n) & ~4095n);
  if (total === ns) { s.explain && s.why.push('realloc: mmapped chunk keeps its pages (same page count)'); return p; }
  const cp = s.proc.sys.mremap(addr(block), total, ns, 1, 0, 'realloc');
  if (cp < 0 && cp > -4096) return 0;
  const np = cp + Number(offset);
  s.set_head(np, add(sub(ns, offset), IS_MMAPPED));
  const nw = add(s.mpGet('mmapped_mem'), sub(sub(ns, size), offset));
  s.mpSet('mmapped_mem', nw);
  if (nw > s.mpGet('max_mmapped_mem')) s.mpSet('max_mmapped_mem', nw);
  s.mmapped.delete(p); s.mmapped.add(np);
  s.explain && s.why.push(`realloc: mremap of the mmapped chunk ${hex(total)} -> ${hex(ns)} bytes${cp !== addr(block) ? ` (moved to ${hex(cp)})` : ' (in place)'}`);
  return np;
}

function _int_realloc(s: MState, oldp: number, oldsize: W, nb: W): number {
  if (s.traceFrames && s.outside('_int_realloc')) return s.frame('_int_realloc', { oldp, oldsize, nb }, () => _int_realloc(s, oldp, oldsize, nb));
  if (s.size_nomask(oldp) <= CHUNK_HDR_SZ || oldsize >= s.system_mem) s.abort('realloc(): invalid old size', '_int_realloc');
  const next = addr(add(oldp, oldsize));
  const nextsize = s.chunksize(next);
  s.traceFrames && s.note('_int_realloc', { next, nextsize });
  if (s.size_nomask(next) <= CHUNK_HDR_SZ || nextsize >= s.system_mem) s.abort('realloc(): invalid next size', '_int_realloc');
  let newp = oldp, newsize: W = oldsize;
  if (oldsize >= nb) {
    s.explain && s.why.push('realloc: already big enough');
  } else if (next === s.top && (newsize = add(oldsize, nextsize)) >= add(nb, MINSIZE)) {
    s.set_head_size(oldp, nb);
    const top = addr(add(oldp, nb));
    s.top = top;
    s.set_head(top, add(sub(newsize, nb), PREV_INUSE));
    s.explain && s.why.push(`realloc: grown in place into top; top now ${hex(top)}`);
    return oldp + 16;
  } else if (next !== s.top && !s.inuse_bit_at_offset(next, nextsize) && (newsize = add(oldsize, nextsize)) >= nb) {
    unlink_chunk(s, next);
    s.explain && s.why.push(`realloc: grown in place into the free chunk ${hex(next)}`);
  } else {
    const newmem = _int_malloc(s, sub(nb, 15));
    if (newmem === 0) return 0;
    const np = newmem - 16;
    const ns = s.chunksize(np);
    if (np === next) {
      newsize = add(ns, oldsize);
      newp = oldp;
      s.explain && s.why.push('realloc: the new chunk was the next one: merged in place');
    } else {
      const sz = sub(oldsize, 8);   // memsize(oldp)
      s.m.writeBytes(newmem, s.m.readBytes(oldp + 16, Number(sz)));
      _int_free(s, oldp, true);
      s.explain && s.why.push(`realloc: moved to ${hex(np)}, old chunk freed`);
      return newmem;
    }
  }
  const remainder_size = sub(newsize, nb);
  if (remainder_size < MINSIZE) {
    s.set_head_size(newp, newsize);
    s.set_inuse_bit_at_offset(newp, newsize);
  } else {
    const rem = addr(add(newp, nb));
    s.set_head_size(newp, nb);
    s.set_head(rem, add(remainder_size, PREV_INUSE));
    s.set_inuse_bit_at_offset(rem, remainder_size);
    s.explain && s.why.push(`realloc: remainder ${hex(remainder_size)} split off and freed`);
    _int_free(s, rem, true);
  }
  return newp + 16;
}

// ---- the memalign family --------------------------------------------------------------------------
export function mid_memalign(s: MState, alignment: W, bytes: W): number {
  if (s.traceFrames && s.outside('_mid_memalign')) return s.frame('_mid_memalign', { alignment, bytes }, () => mid_memalign(s, alignment, bytes));
  if (alignment <= MALLOC_ALIGNMENT) return libc_malloc(s, bytes);
  if (alignment < MINSIZE) alignment = MINSIZE;
  if (alignment > 2n ** 63n) { s.errno = 22; return 0; }
  let a = big(alignment);
  if ((a & (a - 1n)) !== 0n) { let x = 32n; while (x < a) x <<= 1n; a = x; }
  return _int_memalign(s, Number(a), bytes);
}

function _int_memalign(s: MState, alignment: number, bytes: W): number {
  if (s.traceFrames && s.outside('_int_memalign')) return s.frame('_int_memalign', { alignment, bytes }, () => _int_memalign(s, alignment, bytes));
  const nb = checked_request2size(bytes);
  s.traceFrames && s.note('_int_memalign', { nb });
  if (nb === 0) { s.errno = 12; return 0; }
  const m = _int_malloc(s, add(add(nb, alignment), MINSIZE));
  if (m === 0) return 0;
  let p = m - 16;
  if (m % alignment !== 0) {
    let brk = Math.ceil(m / alignment) * alignment - 16;
    if (brk - p < MINSIZE) brk += alignment;
    const newp = brk;
    const leadsize = brk - p;
    const newsize = sub(s.chunksize(p), leadsize);
    s.traceFrames && s.note('_int_memalign', { m, p, newp, leadsize, newsize });
    if (s.is_mmapped(p)) {
      s.set_prev_size(newp, add(s.prev_size(p), leadsize));
      s.set_head(newp, add(newsize, IS_MMAPPED));
      s.mmapped.delete(p); s.mmapped.add(newp);
      s.explain && s.why.push(`memalign: aligned inside the mmapped chunk (prev_size ${hex(add(s.prev_size(p), leadsize))})`);
      return newp + 16;
    }
    s.set_head(newp, add(newsize, PREV_INUSE));
    s.set_inuse_bit_at_offset(newp, newsize);
    s.set_head_size(p, leadsize);
    s.explain && s.why.push(`memalign: leading ${hex(leadsize)} bytes given back`);
    _int_free(s, p, true);
    p = newp;
  }
  if (!s.is_mmapped(p)) {
    const size = s.chunksize(p);
    if (size > add(nb, MINSIZE)) {
      const rem = addr(add(p, nb));
      s.set_head(rem, add(sub(size, nb), PREV_INUSE));
      s.set_head_size(p, nb);
      s.explain && s.why.push(`memalign: trailing ${hex(sub(size, nb))} bytes given back`);
      _int_free(s, rem, true);
    }
  }
  return p + 16;
}

export function libc_pvalloc(s: MState, bytes: W): number {
  if (s.traceFrames && s.outside('pvalloc')) return s.frame('pvalloc', { bytes }, () => libc_pvalloc(s, bytes));
  if (!s.initialized) ptmalloc_init(s);
  const r = big(bytes) + 4095n;
  if (r >= 2n ** 64n) { s.errno = 12; return 0; }
  const rounded = canon(r & BigInt.asUintN(64, -4095n));   // glibc 2.36's `& -(pagesize - 1)`
  return mid_memalign(s, PAGESIZE, rounded);
}

export function posix_memalign(s: MState, memptr: number, alignment: W, size: W): number {
  if (s.traceFrames && s.outside('posix_memalign')) return s.frame('posix_memalign', { memptr, alignment, size }, () => posix_memalign(s, memptr, alignment, size));
  if (!s.initialized) ptmalloc_init(s);
  const a = big(alignment);
  if (a % 8n !== 0n || ((a / 8n) & (a / 8n - 1n)) !== 0n || a === 0n) return 22;
  const mem = mid_memalign(s, alignment, size);
  if (mem !== 0) { s.w64(memptr, mem); return 0; }
  return 12;
}

// ---- mallopt and malloc_trim --------------------------------------------------------------------
export function libc_mallopt(s: MState, param: number, value: number): number {
  if (s.traceFrames && s.outside('mallopt')) return s.frame('mallopt', { param_number: param, value }, () => libc_mallopt(s, param, value));
  if (!s.initialized) ptmalloc_init(s);
  malloc_consolidate(s);
  const sz = canon(BigInt.asUintN(64, BigInt(value)));   // int to size_t sign-extends
  let res = 1;
  switch (param) {
    case 1: // M_MXFAST
      if (sz <= 160) s.global_max_fast = sz <= 8 ? 16 : (Number(sz) + 8) & ~15;
      else res = 0;
      break;
    case -1: s.mpSet('trim_threshold', sz); s.mpSetInt('no_dyn_threshold', 1); break;
    case -2: s.mpSet('top_pad', sz); s.mpSetInt('no_dyn_threshold', 1); break;
    case -3:
      if (sz <= HEAP_MAX_SIZE / 2) { s.mpSet('mmap_threshold', sz); s.mpSetInt('no_dyn_threshold', 1); }
      else res = 0;
      break;
    case -4: s.mpSetInt('n_mmaps_max', value); s.mpSetInt('no_dyn_threshold', 1); break;
    case -5: break;
    case -6: s.m.write32(s.perturb, value >>> 0); break;
    case -7: if (value > 0) s.mpSet('arena_test', sz); break;
    case -8: if (value > 0) s.mpSet('arena_max', sz); break;
  }
  s.explain && s.why.push(`mallopt(${param}, ${value}) = ${res}`);
  return res;
}

export function libc_malloc_trim(s: MState, pad: W): number {
  if (s.traceFrames && s.outside('malloc_trim')) return s.frame('malloc_trim', { s: pad }, () => libc_malloc_trim(s, pad));
  if (!s.initialized) ptmalloc_init(s);
  return mtrim(s, pad);
}

export function malloc_usable_size(s: MState, mem: number): number {
  if (s.traceFrames && s.outside('malloc_usable_size')) return s.frame('malloc_usable_size', { mem }, () => malloc_usable_size(s, mem));
  if (mem === 0) return 0;
  const p = mem - 16;
  const size = s.chunksize(p);
  if (s.is_mmapped(p)) return Number(size) - CHUNK_HDR_SZ;
  if (s.inuse_bit_at_offset(p, size)) return Number(size) - CHUNK_HDR_SZ + SIZE_SZ;
  return 0;
}

export { mask7 };
