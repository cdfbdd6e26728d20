// _int_free, munmap_chunk, systrim and mtrim (malloc_trim's worker), as in glibc 2.36.
import {
  CHUNK_HDR_SZ, FASTBIN_CONSOLIDATION_THRESHOLD, MINSIZE, MP, MState, PAGESIZE, PREV_INUSE,
  bin_index, csize2tidx, fastbin_index, in_smallbin_range,
} from './mstate';
import { PROTECT_PTR, REVEAL_PTR, malloc_consolidate, tcache_count, tcache_put, unlink_chunk } from './malloc';
import { add, addr, hex, neg, sub, type W } from './word';

const misaligned = (p: W): boolean => (typeof p === 'number' ? (p & 15) !== 0 : (p & 15n) !== 0n);

export function free_perturb(s: MState, p: number, n: W): void {
  const pb = s.perturb_byte;
  if (pb) s.m.fill(p, pb & 0xff, Number(n));
}

export function _int_free(s: MState, p: number, _haveLock: boolean): void {
  if (s.traceFrames && s.outside('_int_free')) return s.frame('_int_free', { p }, () => _int_free(s, p, _haveLock));
  const size = s.chunksize(p);
  s.traceFrames && s.note('_int_free', { size });
  // (uintptr_t) p > (uintptr_t) -size: only a size near 2^64 (or 0) can wrap past p
  const wraps = typeof size === 'number' ? size === 0 && p > 0 : p > neg(size);
  if (wraps || misaligned(p)) s.abort('free(): invalid pointer', '_int_free');
  if (size < MINSIZE || misaligned(size)) s.abort('free(): invalid size', '_int_free');

  const tc = s.tcache;
  const tc_idx = csize2tidx(size);
  s.traceFrames && s.note('_int_free', { tc_idx });
  if (tc !== 0 && tc_idx < s.rn(s.mp + MP.tcache_bins)) {
    const e = p + 16;
    if (s.isTcacheKey(e + 8)) {
      const count = s.rn(s.mp + MP.tcache_count);
      let cnt = 0;
      for (let tmp = s.r64(tc + 128 + tc_idx * 8); tmp !== 0; tmp = REVEAL_PTR(s, addr(tmp)), ++cnt) {
        if (cnt >= count) s.abort('free(): too many chunks detected in tcache', '_int_free');
        if (misaligned(tmp)) s.abort('free(): unaligned chunk detected in tcache 2', '_int_free');
        if (tmp === e) s.abort('free(): double free detected in tcache 2', '_int_free');
      }
      s.explain && s.why.push('tcache key matched but the chunk is not in the bin: a coincidence, not a double free');
    }
    if (tcache_count(s, tc_idx) < s.rn(s.mp + MP.tcache_count)) {
      tcache_put(s, p, tc_idx);
      s.explain && s.why.push(`free: tcache_put ${hex(p)} into tcache bin ${tc_idx} (count ${tcache_count(s, tc_idx)}/${s.rn(s.mp + MP.tcache_count)})`);
      return;
    }
  }
  _int_free_merge(s, p, size);
}

// The rest of _int_free, for a chunk that did not go to the tcache: a fastbin, or merged with
// its free neighbours into the unsorted bin or top, then perhaps a consolidation and a trim.
export function _int_free_merge(s: MState, p: number, size: W): void {
  if (size <= s.global_max_fast) {   // TRIM_FASTBINS is 0: even a chunk bordering top goes to its fastbin
    const next = addr(add(p, size));
    if (s.size_nomask(next) <= CHUNK_HDR_SZ || s.chunksize(next) >= s.system_mem) s.abort('free(): invalid next size (fast)', '_int_free');
    free_perturb(s, p + 16, sub(size, CHUNK_HDR_SZ));
    s.have_fastchunks = 1;
    const idx = fastbin_index(size);
    const fb = s.fastbin(idx);
    const old = s.r64(fb);
    s.traceFrames && s.note('_int_free', { idx, old });
    if (old === p) s.abort('double free or corruption (fasttop)', '_int_free');
    s.w64(p + 16, PROTECT_PTR(p + 16, old));
    s.w64(fb, p);
    s.explain && s.why.push(`free: ${hex(p)} into fastbin ${idx} (0x${((idx + 2) * 16).toString(16)})`);
    s.explain && s.trace.push({ fn: '_int_free', event: 'fastbin', chunk: p, bin: `fastbin[${idx}]` });
    return;
  }

  if (!s.is_mmapped(p)) {
    let psize = size;
    const nextchunk = addr(add(p, size));
    if (p === s.top) s.abort('double free or corruption (top)', '_int_free');
    const top = s.top;
    if (s.contiguous() && nextchunk >= add(top, s.chunksize(top))) s.abort('double free or corruption (out)', '_int_free');
    if (!s.prev_inuse(nextchunk)) s.abort('double free or corruption (!prev)', '_int_free');
    const nextsize = s.chunksize(nextchunk);
    s.traceFrames && s.note('_int_free', { nextchunk, nextsize });
    if (s.size_nomask(nextchunk) <= CHUNK_HDR_SZ || nextsize >= s.system_mem) s.abort('free(): invalid next size (normal)', '_int_free');
    free_perturb(s, p + 16, sub(size, CHUNK_HDR_SZ));
    const parts: string[] = [];
    if (!s.prev_inuse(p)) {
      const prevsize = s.prev_size(p);
      psize = add(psize, prevsize);
      p = addr(sub(p, prevsize));
      s.traceFrames && s.note('_int_free', { prevsize, p, size: psize });
      if (s.chunksize(p) !== prevsize) s.abort('corrupted size vs. prev_size while consolidating', '_int_free');
      unlink_chunk(s, p);
      s.explain && parts.push(`backward with ${hex(p)}`);
    }
    if (nextchunk !== s.top) {
      const nextinuse = s.inuse_bit_at_offset(nextchunk, nextsize);
      if (!nextinuse) { unlink_chunk(s, nextchunk); psize = add(psize, nextsize); s.explain && parts.push(`forward with ${hex(nextchunk)}`); }
      else s.clear_inuse_bit_at_offset(nextchunk, 0);
      const bck = s.unsorted;
      const fwd = addr(s.fd(bck));
      s.traceFrames && s.note('_int_free', { size: psize, bck, fwd });
      if (s.bk(fwd) !== bck) s.abort('free(): corrupted unsorted chunks', '_int_free');
      s.set_fd(p, fwd);
      s.set_bk(p, bck);
      if (!in_smallbin_range(psize)) { s.set_fd_nextsize(p, 0); s.set_bk_nextsize(p, 0); }
      s.set_fd(bck, p);
      s.set_bk(fwd, p);
      s.set_head(p, add(psize, PREV_INUSE));
      s.set_foot(p, psize);
      s.explain && s.why.push(`free: ${parts.length ? `consolidated ${parts.join(', ')}; ` : ''}${hex(p)} (${hex(psize)}) into unsorted`);
      s.explain && s.trace.push({ fn: '_int_free', event: 'unsorted', chunk: p, bin: 'unsorted' });
    } else {
      psize = add(psize, nextsize);
      s.traceFrames && s.note('_int_free', { size: psize });
      s.set_head(p, add(psize, PREV_INUSE));
      s.top = p;
      s.explain && s.why.push(`free: ${parts.length ? `consolidated ${parts.join(', ')}; ` : ''}merged into top: top now ${hex(p)} size ${hex(psize)}`);
    }
    if (psize >= FASTBIN_CONSOLIDATION_THRESHOLD) {
      if (s.have_fastchunks) malloc_consolidate(s);
      // main_arena trims with brk; another arena's heap_trim (mmapped heaps) is not emulated
      if (s.av === s.mainArena && s.chunksize(s.top) >= s.mpGet('trim_threshold')) systrim(s, s.mpGet('top_pad'));
    }
  } else {
    munmap_chunk(s, p);
  }
}

export function munmap_chunk(s: MState, p: number): void {
  if (s.traceFrames && s.outside('munmap_chunk')) return s.frame('munmap_chunk', { p }, () => munmap_chunk(s, p));
  const size = s.chunksize(p);
  const prev = s.prev_size(p);
  const block = sub(p, prev);
  const total = add(prev, size);
  const mem = p + 16;
  s.traceFrames && s.note('munmap_chunk', { size, block, total });
  const low = (v: W) => (typeof v === 'number' ? v % PAGESIZE : Number(v & 4095n));
  const memOff = mem % PAGESIZE;
  if (low(block) !== 0 || low(total) !== 0 || (memOff & (memOff - 1)) !== 0) s.abort('munmap_chunk(): invalid pointer', 'munmap_chunk');
  s.mpSetInt('n_mmaps', s.mpInt('n_mmaps') - 1);
  s.mpSet('mmapped_mem', sub(s.mpGet('mmapped_mem'), total));
  s.proc.sys.munmap(addr(block), total, 'free');
  s.mmapped.delete(p);
  s.explain && s.why.push(`free: munmap_chunk ${hex(total)} bytes at ${hex(block)}: the memory goes back to the kernel`);
}

export function systrim(s: MState, pad: W): number {
  if (s.traceFrames && s.outside('systrim')) return s.frame('systrim', { pad }, () => systrim(s, pad));
  const top = s.top;
  const top_size = s.chunksize(top);
  const top_area = sub(top_size, MINSIZE + 1);   // a long in C; top_size >= MINSIZE here
  if (top_area <= pad) return 0;
  const d = sub(top_area, pad);
  const extra = typeof d === 'number' ? d - (d % PAGESIZE) : d & ~4095n;
  s.traceFrames && s.note('systrim', { top_size, top_area, extra });
  if (extra === 0) return 0;
  const current = s.sbrk(0, 'free');
  if (current === add(top, top_size)) {
    s.sbrk(neg(extra), 'free');
    const nbrk = s.sbrk(0, 'free');
    if (nbrk >= 0) {
      const released = current - nbrk;
      if (released !== 0) {
        s.system_mem = sub(s.system_mem, released);
        s.set_head(top, add(sub(top_size, released), PREV_INUSE));
        s.explain && s.trace.push({ fn: 'systrim', event: 'systrim', size: released });
        s.explain && s.why.push(`systrim: brk -${hex(released)} (top was ${hex(top_size)}, pad ${hex(pad)}): memory back to the kernel`);
        return 1;
      }
    }
  }
  return 0;
}

export function mtrim(s: MState, pad: W): number {
  if (s.traceFrames && s.outside('mtrim')) return s.frame('mtrim', { pad }, () => mtrim(s, pad));
  malloc_consolidate(s);
  const psindex = bin_index(PAGESIZE);
  let result = 0;
  let released = 0;
  for (let i = 1; i < 128; i++) {
    if (i !== 1 && i < psindex) continue;
    const bin = s.bin_at(i);
    for (let pw = s.bk(bin); pw !== bin; pw = s.bk(addr(pw))) {
      const p = addr(pw);
      let size = s.chunksize(p);
      if (size > PAGESIZE - 1 + 48) {
        const paligned = Math.ceil((p + 48) / PAGESIZE) * PAGESIZE;
        size = sub(size, paligned - p);
        if (size > PAGESIZE - 1) {
          const len = typeof size === 'number' ? size - (size % PAGESIZE) : size & ~4095n;
          s.proc.sys.madvise(paligned, len, 4, 'malloc_trim');
          released += Number(len);
          result = 1;
        }
      }
    }
  }
  if (released) s.explain && s.why.push(`malloc_trim: madvise(MADV_DONTNEED) ${hex(released)} bytes of free pages inside bins`);
  return result | systrim(s, pad);
}
