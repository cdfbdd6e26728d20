// _int_malloc and what it relies on: the tcache, unlink_chunk, malloc_consolidate and
// sysmalloc — glibc 2.36's malloc.c, check for check, in the same order.
import {
  BINMAPSIZE, CHUNK_HDR_SZ, IS_MMAPPED, MALLOC_ALIGN_MASK, MINSIZE, MMAP_AS_MORECORE_SIZE, MP, MState, NFASTBINS,
  PAGESIZE, PREV_INUSE, checked_request2size, csize2tidx, fastbin_index, in_smallbin_range, largebin_index, smallbin_index,
} from './mstate';
import { _int_free } from './free';
import { add, addr, hex, mask7, shr, sub, xor, type W } from './word';

const alignUp = (v: W, a: number): W => { const r = add(v, a - 1); return typeof r === 'number' ? r - (r % a) : r & ~BigInt(a - 1); };

// ---- tcache -----------------------------------------------------------------------------------
export const PROTECT_PTR = (pos: number, ptr: W): W => xor(shr(pos, 12), ptr);
export const REVEAL_PTR = (s: MState, pos: number): W => PROTECT_PTR(pos, s.r64(pos));
const misaligned = (p: W): boolean => (typeof p === 'number' ? (p & 15) !== 0 : (p & 15n) !== 0n);

export function tcache_count(s: MState, idx: number): number { return s.m.read16(s.tcache + idx * 2); }
function set_tcache_count(s: MState, idx: number, n: number): void { s.m.write16(s.tcache + idx * 2, n & 0xffff); }
const entryAddr = (s: MState, idx: number): number => s.tcache + 128 + idx * 8;

export function tcache_put(s: MState, chunk: number, idx: number): void {
  const e = chunk + 16;
  s.copyTcacheKey(e + 8);
  s.w64(e, PROTECT_PTR(e, s.r64(entryAddr(s, idx))));
  s.w64(entryAddr(s, idx), e);
  set_tcache_count(s, idx, tcache_count(s, idx) + 1);
  s.explain && s.trace.push({ fn: 'tcache_put', event: 'tcache_put', chunk, bin: `tcache[${idx}]` });
}

export function tcache_get(s: MState, idx: number): number {
  const e = s.r64(entryAddr(s, idx));
  if (misaligned(e)) s.abort('malloc(): unaligned tcache chunk detected', 'tcache_get');
  const ea = addr(e);
  s.w64(entryAddr(s, idx), REVEAL_PTR(s, ea));
  set_tcache_count(s, idx, tcache_count(s, idx) - 1);
  s.w64(ea + 8, 0);
  s.explain && s.trace.push({ fn: 'tcache_get', event: 'tcache_get', chunk: ea - 16, bin: `tcache[${idx}]` });
  return ea;
}

export function tcache_init(s: MState): void {
  if (s.traceFrames && s.outside('tcache_init')) return s.frame('tcache_init', {}, () => tcache_init(s));
  s.explain && s.why.push('tcache_init: the first call allocates the tcache_perthread_struct (a 0x290 chunk)');
  const victim = _int_malloc(s, 0x280);
  if (victim) {
    s.tcache = victim;
    s.m.fill(victim, 0, 0x280);
    s.explain && s.why.push(`tcache_init: tcache_perthread_struct at ${hex(victim - 16)}; now the request itself`);
  }
}

// ---- unlink -------------------------------------------------------------------------------------
export function unlink_chunk(s: MState, p: number): void {
  const size = s.chunksize(p);
  if (size !== s.prev_size(addr(add(p, size)))) s.abort('corrupted size vs. prev_size', 'unlink_chunk');
  const fd = addr(s.fd(p)), bk = addr(s.bk(p));
  if (s.bk(fd) !== p || s.fd(bk) !== p) s.abort('corrupted double-linked list', 'unlink_chunk');
  s.set_bk(fd, bk);
  s.set_fd(bk, fd);
  if (!in_smallbin_range(s.size_nomask(p)) && s.fd_nextsize(p) !== 0) {
    const fdn = addr(s.fd_nextsize(p)), bkn = addr(s.bk_nextsize(p));
    if (s.bk_nextsize(fdn) !== p || s.fd_nextsize(bkn) !== p) s.abort('corrupted double-linked list (not small)', 'unlink_chunk');
    if (s.fd_nextsize(fd) === 0) {
      if (fdn === p) { s.set_fd_nextsize(fd, fd); s.set_bk_nextsize(fd, fd); }
      else { s.set_fd_nextsize(fd, fdn); s.set_bk_nextsize(fd, bkn); s.set_bk_nextsize(fdn, fd); s.set_fd_nextsize(bkn, fd); }
    } else { s.set_bk_nextsize(fdn, bkn); s.set_fd_nextsize(bkn, fdn); }
  }
}

// ---- malloc_consolidate -----------------------------------------------------------------------
export function malloc_consolidate(s: MState): void {
  if (s.traceFrames && s.outside('malloc_consolidate')) return s.frame('malloc_consolidate', {}, () => malloc_consolidate(s));
  s.have_fastchunks = 0;
  s.explain && s.trace.push({ fn: 'malloc_consolidate', event: 'malloc_consolidate' });
  const unsorted = s.unsorted;
  let merged = 0;
  for (let i = 0; i < NFASTBINS; i++) {
    const fb = s.fastbin(i);
    let pw = s.r64(fb);
    s.w64(fb, 0);
    while (pw !== 0) {
      if (misaligned(pw)) s.abort('malloc_consolidate(): unaligned fastbin chunk detected', 'malloc_consolidate');
      let p = addr(pw);
      if (fastbin_index(s.chunksize(p)) !== i) s.abort('malloc_consolidate(): invalid chunk size', 'malloc_consolidate');
      const nextp = REVEAL_PTR(s, p + 16);
      let size = s.chunksize(p);
      const nextchunk = addr(add(p, size));
      const nextsize = s.chunksize(nextchunk);
      if (!s.prev_inuse(p)) {
        const prevsize = s.prev_size(p);
        size = add(size, prevsize);
        p = addr(sub(p, prevsize));
        if (s.chunksize(p) !== prevsize) s.abort('corrupted size vs. prev_size in fastbins', 'malloc_consolidate');
        unlink_chunk(s, p);
      }
      if (nextchunk !== s.top) {
        const nextinuse = s.inuse_bit_at_offset(nextchunk, nextsize);
        if (!nextinuse) { size = add(size, nextsize); unlink_chunk(s, nextchunk); }
        else s.clear_inuse_bit_at_offset(nextchunk, 0);
        const first = addr(s.fd(unsorted));
        s.set_fd(unsorted, p);
        s.set_bk(first, p);
        if (!in_smallbin_range(size)) { s.set_fd_nextsize(p, 0); s.set_bk_nextsize(p, 0); }
        s.set_head(p, add(size, PREV_INUSE));
        s.set_bk(p, unsorted);
        s.set_fd(p, first);
        s.set_foot(p, size);
        s.explain && s.trace.push({ fn: 'malloc_consolidate', event: 'unsorted', chunk: p, bin: 'unsorted' });
      } else {
        size = add(size, nextsize);
        s.set_head(p, add(size, PREV_INUSE));
        s.top = p;
      }
      merged++;
      pw = nextp;
    }
  }
  s.explain && s.why.push(`malloc_consolidate: ${merged} fast chunk${merged === 1 ? '' : 's'} merged into unsorted/top`);
}

// ---- _int_malloc --------------------------------------------------------------------------------
export function _int_malloc(s: MState, bytes: W): number {
  if (s.traceFrames && s.outside('_int_malloc')) return s.frame('_int_malloc', { bytes }, () => _int_malloc(s, bytes));
  const nb = checked_request2size(bytes);
  s.traceFrames && s.note('_int_malloc', { nb });
  if (nb === 0) { s.errno = 12; s.explain && s.why.push('request too large (> PTRDIFF_MAX): ENOMEM'); return 0; }
  const tcacheOn = s.tcache !== 0;
  const tcache_bins = s.rn(s.mp + MP.tcache_bins);
  const tcache_cnt = s.rn(s.mp + MP.tcache_count);

  // fastbins
  if (nb <= s.global_max_fast) {
    const idx = fastbin_index(nb);
    const fb = s.fastbin(idx);
    const victim = s.r64(fb);
    if (victim !== 0) {
      if (misaligned(victim)) s.abort('malloc(): unaligned fastbin chunk detected 2', '_int_malloc');
      const v = addr(victim);
      s.w64(fb, REVEAL_PTR(s, v + 16));
      if (fastbin_index(s.chunksize(v)) !== idx) s.abort('malloc(): memory corruption (fast)', '_int_malloc');
      const tc_idx = csize2tidx(nb);
      s.traceFrames && s.note('_int_malloc', { idx, victim: v, tc_idx });
      s.explain && s.why.push(`fastbin ${idx} hit: chunk ${hex(v)} (0x${((idx + 2) * 16).toString(16)})`);
      if (tcacheOn && tc_idx < tcache_bins) {
        let moved = 0;
        for (;;) {
          if (tcache_count(s, tc_idx) >= tcache_cnt) break;
          const tc = s.r64(fb);
          if (tc === 0) break;
          if (misaligned(tc)) s.abort('malloc(): unaligned fastbin chunk detected 3', '_int_malloc');
          s.w64(fb, REVEAL_PTR(s, addr(tc) + 16));
          tcache_put(s, addr(tc), tc_idx);
          moved++;
        }
        if (moved) s.explain && s.why.push(`  ${moved} more from fastbin ${idx} stashed in tcache bin ${tc_idx}`);
      }
      alloc_perturb(s, v + 16, bytes);
      return v + 16;
    }
  }

  let idx: number;
  if (in_smallbin_range(nb)) {
    idx = smallbin_index(nb as number);
    const bin = s.bin_at(idx);
    const victimW = s.bk(bin);
    if (victimW !== bin) {
      const victim = addr(victimW);
      const bck = addr(s.bk(victim));
      if (s.fd(bck) !== victim) s.abort('malloc(): smallbin double linked list corrupted', '_int_malloc');
      s.set_inuse_bit_at_offset(victim, nb);
      s.set_bk(bin, bck);
      s.set_fd(bck, bin);
      const tc_idx = csize2tidx(nb);
      s.traceFrames && s.note('_int_malloc', { idx, victim, bck, tc_idx });
      s.explain && s.why.push(`smallbin ${idx} hit: chunk ${hex(victim)}`);
      if (tcacheOn && tc_idx < tcache_bins) {
        let moved = 0;
        while (tcache_count(s, tc_idx) < tcache_cnt) {
          const tcw = s.bk(bin);
          if (tcw === bin) break;
          const tc = addr(tcw);
          const b2 = addr(s.bk(tc));
          s.set_inuse_bit_at_offset(tc, nb);
          s.set_bk(bin, b2);
          s.set_fd(b2, bin);
          tcache_put(s, tc, tc_idx);
          moved++;
        }
        if (moved) s.explain && s.why.push(`  ${moved} more from smallbin ${idx} stashed in tcache bin ${tc_idx}`);
      }
      alloc_perturb(s, victim + 16, bytes);
      return victim + 16;
    }
  } else {
    idx = largebin_index(nb);
    if (s.have_fastchunks) malloc_consolidate(s);
  }

  const tc_idx = csize2tidx(nb);
  const tcache_nb = tcacheOn && tc_idx < tcache_bins ? nb : 0;
  let return_cached = false;
  let tcache_unsorted_count = 0;
  const unsorted = s.unsorted;

  for (;;) {
    let iters = 0;
    let victimW: W;
    while ((victimW = s.bk(unsorted)) !== unsorted) {
      const victim = addr(victimW);
      const bckW = s.bk(victim);
      let size = s.chunksize(victim);
      const next = addr(add(victim, size));
      if (size <= CHUNK_HDR_SZ || size > s.system_mem) s.abort('malloc(): invalid size (unsorted)', '_int_malloc');
      const nextNomask = s.size_nomask(next);
      if (nextNomask < CHUNK_HDR_SZ || nextNomask > s.system_mem) s.abort('malloc(): invalid next size (unsorted)', '_int_malloc');
      if (mask7(s.prev_size(next)) !== size) s.abort('malloc(): mismatching next->prev_size (unsorted)', '_int_malloc');
      const bck = addr(bckW);
      if (s.fd(bck) !== victim || s.fd(victim) !== unsorted) s.abort('malloc(): unsorted double linked list corrupted', '_int_malloc');
      if (s.prev_inuse(next)) s.abort('malloc(): invalid next->prev_inuse (unsorted)', '_int_malloc');
      s.traceFrames && s.note('_int_malloc', { victim, size, bck, iters });

      if (in_smallbin_range(nb) && bck === unsorted && victim === s.last_remainder && size > add(nb, MINSIZE)) {
        const remainder_size = sub(size, nb);
        const remainder = addr(add(victim, nb));
        s.set_bk(unsorted, remainder); s.set_fd(unsorted, remainder);
        s.last_remainder = remainder;
        s.set_bk(remainder, unsorted); s.set_fd(remainder, unsorted);
        if (!in_smallbin_range(remainder_size)) { s.set_fd_nextsize(remainder, 0); s.set_bk_nextsize(remainder, 0); }
        s.set_head(victim, add(nb, PREV_INUSE));
        s.set_head(remainder, add(remainder_size, PREV_INUSE));
        s.set_foot(remainder, remainder_size);
        s.traceFrames && s.note('_int_malloc', { remainder, remainder_size });
        s.explain && s.why.push(`last_remainder split: chunk ${hex(victim)}, remainder ${hex(remainder)} (${hex(remainder_size)}) stays in unsorted`);
        s.explain && s.trace.push({ fn: '_int_malloc', event: 'unsorted', chunk: remainder, bin: 'unsorted' });
        alloc_perturb(s, victim + 16, bytes);
        return victim + 16;
      }

      if (s.fd(bck) !== victim) s.abort('malloc(): corrupted unsorted chunks 3', '_int_malloc');
      s.set_bk(unsorted, bck);
      s.set_fd(bck, unsorted);

      if (size === nb) {
        s.set_inuse_bit_at_offset(victim, size);
        if (tcache_nb && tcache_count(s, tc_idx) < tcache_cnt) {
          tcache_put(s, victim, tc_idx);
          return_cached = true;
          s.explain && s.why.push(`unsorted: exact fit ${hex(victim)} moved to tcache bin ${tc_idx}`);
          continue;
        }
        s.explain && s.why.push(`unsorted: exact fit ${hex(victim)}`);
        alloc_perturb(s, victim + 16, bytes);
        return victim + 16;
      }

      let victim_index: number, fwd: number, bck2: number;
      if (in_smallbin_range(size)) {
        victim_index = smallbin_index(size as number);
        bck2 = s.bin_at(victim_index);
        fwd = addr(s.fd(bck2));
        s.explain && s.why.push(`unsorted: ${hex(victim)} (${hex(size)}) -> smallbin ${victim_index}`);
        s.explain && s.trace.push({ fn: '_int_malloc', event: 'smallbin', chunk: victim, bin: `smallbin[${victim_index}]` });
      } else {
        victim_index = largebin_index(size);
        bck2 = s.bin_at(victim_index);
        fwd = addr(s.fd(bck2));
        if (fwd !== bck2) {
          size = add(size, PREV_INUSE);
          const last = addr(s.bk(bck2));
          if (size < s.size_nomask(last)) {
            fwd = bck2;
            bck2 = last;
            const ff = addr(s.fd(fwd));
            s.set_fd_nextsize(victim, ff);
            s.set_bk_nextsize(victim, s.bk_nextsize(ff));
            const vb = addr(s.bk_nextsize(victim));
            s.set_bk_nextsize(ff, victim);
            s.set_fd_nextsize(vb, victim);
          } else {
            while (size < s.size_nomask(fwd)) fwd = addr(s.fd_nextsize(fwd));
            if (size === s.size_nomask(fwd)) fwd = addr(s.fd(fwd));
            else {
              s.set_fd_nextsize(victim, fwd);
              s.set_bk_nextsize(victim, s.bk_nextsize(fwd));
              const fb = addr(s.bk_nextsize(fwd));
              if (s.fd_nextsize(fb) !== fwd) s.abort('malloc(): largebin double linked list corrupted (nextsize)', '_int_malloc');
              s.set_bk_nextsize(fwd, victim);
              s.set_fd_nextsize(addr(s.bk_nextsize(victim)), victim);
            }
            bck2 = addr(s.bk(fwd));
            if (s.fd(bck2) !== fwd) s.abort('malloc(): largebin double linked list corrupted (bk)', '_int_malloc');
          }
        } else { s.set_fd_nextsize(victim, victim); s.set_bk_nextsize(victim, victim); }
        s.explain && s.why.push(`unsorted: ${hex(victim)} (${hex(mask7(size))}) -> largebin ${victim_index}`);
        s.explain && s.trace.push({ fn: '_int_malloc', event: 'largebin', chunk: victim, bin: `largebin[${victim_index}]` });
      }
      s.mark_bin(victim_index);
      s.set_bk(victim, bck2);
      s.set_fd(victim, fwd);
      s.set_bk(fwd, victim);
      s.set_fd(bck2, victim);

      tcache_unsorted_count++;
      const limit = s.rn(s.mp + MP.tcache_unsorted_limit);
      if (return_cached && limit > 0 && tcache_unsorted_count > limit) {
        s.explain && s.why.push(`tcache_get: bin ${tc_idx} (unsorted limit reached)`);
        return tcache_get(s, tc_idx);
      }
      if (++iters >= 10000) break;
    }

    if (return_cached) {
      s.explain && s.why.push(`tcache_get: bin ${tc_idx} (filled from unsorted)`);
      return tcache_get(s, tc_idx);
    }

    if (!in_smallbin_range(nb)) {
      const bin = s.bin_at(idx);
      let v = s.fd(bin);
      if (v !== bin && s.size_nomask(addr(v)) >= nb) {
        let victim = addr(s.bk_nextsize(addr(v)));
        let size: W;
        while ((size = s.chunksize(victim)) < nb) victim = addr(s.bk_nextsize(victim));
        if (victim !== s.bk(bin) && s.size_nomask(victim) === s.size_nomask(addr(s.fd(victim)))) victim = addr(s.fd(victim));
        const remainder_size = sub(size, nb);
        s.traceFrames && s.note('_int_malloc', { idx, victim, size, remainder_size });
        unlink_chunk(s, victim);
        if (remainder_size < MINSIZE) {
          s.set_inuse_bit_at_offset(victim, size);
          s.explain && s.why.push(`largebin ${idx} best fit ${hex(victim)} (${hex(size)}), used whole`);
        } else {
          const remainder = addr(add(victim, nb));
          const bck = unsorted, fwd = addr(s.fd(bck));
          if (s.bk(fwd) !== bck) s.abort('malloc(): corrupted unsorted chunks', '_int_malloc');
          s.set_bk(remainder, bck); s.set_fd(remainder, fwd);
          s.set_fd(bck, remainder); s.set_bk(fwd, remainder);
          if (!in_smallbin_range(remainder_size)) { s.set_fd_nextsize(remainder, 0); s.set_bk_nextsize(remainder, 0); }
          s.set_head(victim, add(nb, PREV_INUSE));
          s.set_head(remainder, add(remainder_size, PREV_INUSE));
          s.set_foot(remainder, remainder_size);
          s.explain && s.why.push(`largebin ${idx} best fit ${hex(victim)} (${hex(size)}), remainder ${hex(remainder_size)} -> unsorted`);
          s.explain && s.trace.push({ fn: '_int_malloc', event: 'unsorted', chunk: remainder, bin: 'unsorted' });
        }
        alloc_perturb(s, victim + 16, bytes);
        return victim + 16;
      }
    }

    // scan the bins by binmap
    ++idx;
    let bin = s.bin_at(idx);
    let block = idx >> 5;
    let map = s.binmap(block);
    let bitv = 2 ** (idx & 31);
    let found = -1;
    for (;;) {
      if (bitv > map || bitv === 0) {
        do { if (++block >= BINMAPSIZE) break; } while ((map = s.binmap(block)) === 0);
        if (block >= BINMAPSIZE) break;
        bin = s.bin_at(block << 5);
        bitv = 1;
      }
      while ((bitv & map) === 0) { bin += 16; bitv *= 2; }
      const victimW = s.bk(bin);
      if (victimW === bin) {
        map = (map & ~bitv) >>> 0;
        s.set_binmap(block, map);
        bin += 16; bitv *= 2;
        if (bitv > 0x80000000) bitv = 0;
        continue;
      }
      found = addr(victimW);
      break;
    }
    if (found >= 0) {
      const victim = found;
      const size = s.chunksize(victim);
      const remainder_size = sub(size, nb);
      const binIdx = (bin - s.bin_at(1)) / 16 + 1;
      s.traceFrames && s.note('_int_malloc', { idx: binIdx, block, map, victim, size, remainder_size });
      unlink_chunk(s, victim);
      if (remainder_size < MINSIZE) {
        s.set_inuse_bit_at_offset(victim, size);
        s.explain && s.why.push(`bin ${binIdx} (next non-empty by binmap): ${hex(victim)} (${hex(size)}), used whole`);
      } else {
        const remainder = addr(add(victim, nb));
        const bck = unsorted, fwd = addr(s.fd(bck));
        if (s.bk(fwd) !== bck) s.abort('malloc(): corrupted unsorted chunks 2', '_int_malloc');
        s.set_bk(remainder, bck); s.set_fd(remainder, fwd);
        s.set_fd(bck, remainder); s.set_bk(fwd, remainder);
        if (in_smallbin_range(nb)) s.last_remainder = remainder;
        if (!in_smallbin_range(remainder_size)) { s.set_fd_nextsize(remainder, 0); s.set_bk_nextsize(remainder, 0); }
        s.set_head(victim, add(nb, PREV_INUSE));
        s.set_head(remainder, add(remainder_size, PREV_INUSE));
        s.set_foot(remainder, remainder_size);
        s.explain && s.why.push(`bin ${binIdx} (next non-empty by binmap): ${hex(victim)} (${hex(size)}) split, remainder ${hex(remainder_size)} -> unsorted${in_smallbin_range(nb) ? ' (last_remainder)' : ''}`);
        s.explain && s.trace.push({ fn: '_int_malloc', event: 'unsorted', chunk: remainder, bin: 'unsorted' });
      }
      alloc_perturb(s, victim + 16, bytes);
      return victim + 16;
    }

    // use_top
    const victim = s.top;
    const size = s.chunksize(victim);
    s.traceFrames && s.note('_int_malloc', { victim, size });
    if (size > s.system_mem) s.abort('malloc(): corrupted top size', '_int_malloc');
    if (size >= add(nb, MINSIZE)) {
      const remainder_size = sub(size, nb);
      const remainder = addr(add(victim, nb));
      s.traceFrames && s.note('_int_malloc', { remainder, remainder_size });
      s.top = remainder;
      s.set_head(victim, add(nb, PREV_INUSE));
      s.set_head(remainder, add(remainder_size, PREV_INUSE));
      s.explain && s.why.push(`top split: chunk ${hex(victim)} (${hex(nb)}), top now ${hex(remainder)} size ${hex(remainder_size)}`);
      alloc_perturb(s, victim + 16, bytes);
      return victim + 16;
    } else if (s.have_fastchunks) {
      malloc_consolidate(s);
      idx = in_smallbin_range(nb) ? smallbin_index(nb as number) : largebin_index(nb);
    } else {
      const p = sysmalloc(s, nb);
      if (p) alloc_perturb(s, p, bytes);
      return p;
    }
  }
}

export function alloc_perturb(s: MState, p: number, n: W): void {
  const pb = s.perturb_byte;
  if (pb) s.m.fill(p, (pb ^ 0xff) & 0xff, Number(n));
}

// ---- sysmalloc ----------------------------------------------------------------------------------
function sysmalloc_mmap(s: MState, nb: W): number {
  if (s.traceFrames && s.outside('sysmalloc_mmap')) return s.frame('sysmalloc_mmap', { nb }, () => sysmalloc_mmap(s, nb));
  const size = alignUp(add(nb, 8), PAGESIZE);
  s.traceFrames && s.note('sysmalloc_mmap', { size });
  if (size <= nb) return -1;
  const mm = s.mmap(size, 'malloc');
  if (mm < 0) return -1;
  const p = mm;
  s.set_prev_size(p, 0);
  s.set_head(p, add(size, IS_MMAPPED));
  const n = s.mpInt('n_mmaps') + 1;
  s.mpSetInt('n_mmaps', n);
  if (n > s.mpInt('max_n_mmaps')) s.mpSetInt('max_n_mmaps', n);
  const sum = add(s.mpGet('mmapped_mem'), size);
  s.mpSet('mmapped_mem', sum);
  if (sum > s.mpGet('max_mmapped_mem')) s.mpSet('max_mmapped_mem', sum);
  s.mmapped.add(p);
  s.explain && s.why.push(`sysmalloc: mmap ${hex(size)} bytes at ${hex(mm)} (request ${hex(nb)} >= mmap_threshold ${hex(s.mpGet('mmap_threshold'))}); its own mapping`);
  return p + 16;
}

export function sysmalloc(s: MState, nb: W): number {
  if (s.traceFrames && s.outside('sysmalloc')) return s.frame('sysmalloc', { nb }, () => sysmalloc(s, nb));
  s.explain && s.trace.push({ fn: 'sysmalloc', event: 'sysmalloc', size: Number(nb) });
  let tried_mmap = false;
  if (nb >= s.mpGet('mmap_threshold') && s.mpInt('n_mmaps') < s.mpInt('n_mmaps_max')) {
    const mm = sysmalloc_mmap(s, nb);
    if (mm >= 0) return mm;
    tried_mmap = true;
  }
  void tried_mmap;
  const old_top = s.top;
  let old_size = s.chunksize(old_top);
  const old_end = addr(add(old_top, old_size));
  let brk = -1, snd_brk = -1;
  s.traceFrames && s.note('sysmalloc', { old_top, old_size, old_end });
  const ok = (old_top === s.initial_top() && old_size === 0) ||
    (old_size >= MINSIZE && s.prev_inuse(old_top) && old_end % PAGESIZE === 0);
  if (!ok) s.abort('Fatal glibc error: malloc assertion failure in sysmalloc: (old_top == initial_top (av) && old_size == 0) || ((unsigned long) (old_size) >= MINSIZE && prev_inuse (old_top) && ((unsigned long) old_end & (pagesize - 1)) == 0)', 'sysmalloc');
  if (!(old_size < add(nb, MINSIZE))) s.abort('Fatal glibc error: malloc assertion failure in sysmalloc: (unsigned long) (old_size) < (unsigned long) (nb + MINSIZE)', 'sysmalloc');

  let size: W = add(add(nb, s.mpGet('top_pad')), MINSIZE);
  if (s.contiguous()) size = sub(size, old_size);
  size = alignUp(size, PAGESIZE);
  // "if (size > 0)": size is a long here
  s.traceFrames && s.note('sysmalloc', { size });
  if (BigInt.asIntN(64, BigInt(size)) > 0n) {
    brk = s.sbrk(size, 'malloc');
    s.traceFrames && s.note('sysmalloc', { brk });
    if (brk >= 0) s.explain && s.why.push(`sysmalloc: brk +${hex(size)} (heap grows from ${hex(brk)})`);
  }
  if (brk < 0) {
    if (s.contiguous()) size = alignUp(add(size, old_size), PAGESIZE);
    if (size < MMAP_AS_MORECORE_SIZE) size = MMAP_AS_MORECORE_SIZE;
    if (size > nb) {
      const mbrk = s.mmap(size, 'malloc');
      if (mbrk >= 0) {
        brk = mbrk; snd_brk = addr(add(brk, size));
        // set_noncontiguous
        s.m.write32(s.av + 4, s.flags | 2);
        s.explain && s.why.push(`sysmalloc: brk failed; mmap ${hex(size)} bytes at ${hex(mbrk)} as non-contiguous heap space`);
      }
    }
  }
  if (brk >= 0) {
    if (s.mpGet('sbrk_base') === 0) s.mpSet('sbrk_base', brk);
    s.system_mem = add(s.system_mem, size);
    if (brk === old_end && snd_brk < 0) {
      s.set_head(old_top, add(add(size, old_size), PREV_INUSE));
    } else if (s.contiguous() && old_size !== 0 && brk < old_end) {
      s.abort('break adjusted to free malloc space', 'sysmalloc');
    } else {
      let front_misalign = 0, correction: W = 0, aligned_brk = brk;
      if (s.contiguous()) {
        if (old_size !== 0) { s.system_mem = add(s.system_mem, brk - old_end); s.explain && s.why.push(`sysmalloc: foreign sbrk detected; old top fenced off`); }
        front_misalign = (brk + 16) & MALLOC_ALIGN_MASK;
        if (front_misalign > 0) { correction = 16 - front_misalign; aligned_brk += correction as number; }
        correction = add(correction, old_size);
        const end_misalign = add(add(brk, size), correction);
        correction = add(correction, sub(alignUp(end_misalign, PAGESIZE), end_misalign));
        snd_brk = s.sbrk(correction, 'malloc');
        if (snd_brk < 0) { correction = 0; snd_brk = s.sbrk(0, 'malloc'); }
        else if (correction !== 0) snd_brk = snd_brk;
      } else if (snd_brk < 0) {
        snd_brk = s.sbrk(0, 'malloc');
      }
      if (snd_brk >= 0) {
        s.top = aligned_brk;
        s.set_head(aligned_brk, add(add(snd_brk - aligned_brk, correction), PREV_INUSE));
        s.system_mem = add(s.system_mem, correction);
        if (old_size !== 0) {
          old_size = mask7(sub(old_size, 2 * CHUNK_HDR_SZ));
          old_size = typeof old_size === 'number' ? old_size - (old_size % 16) : old_size & ~15n;
          s.set_head(old_top, add(old_size, PREV_INUSE));
          s.set_head(addr(add(old_top, old_size)), CHUNK_HDR_SZ | PREV_INUSE);
          s.set_head(addr(add(add(old_top, old_size), CHUNK_HDR_SZ)), CHUNK_HDR_SZ | PREV_INUSE);
          if (old_size >= MINSIZE) _int_free(s, old_top, true);
        }
      }
    }
  }
  if (s.system_mem > s.max_system_mem) s.max_system_mem = s.system_mem;
  const p = s.top;
  const tsize = s.chunksize(p);
  if (tsize >= add(nb, MINSIZE)) {
    const remainder_size = sub(tsize, nb);
    const remainder = addr(add(p, nb));
    s.traceFrames && s.note('sysmalloc', { p, remainder, remainder_size });
    s.top = remainder;
    s.set_head(p, add(nb, PREV_INUSE));
    s.set_head(remainder, add(remainder_size, PREV_INUSE));
    s.explain && s.why.push(`top split: chunk ${hex(p)} (${hex(nb)}), top now ${hex(remainder)} size ${hex(remainder_size)}`);
    return p + 16;
  }
  s.errno = 12;
  s.explain && s.why.push('sysmalloc: no memory (brk and mmap failed): ENOMEM');
  return 0;
}
