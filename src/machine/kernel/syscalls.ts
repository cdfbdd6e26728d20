// The memory system calls with Linux's semantics and raw returns (-errno on failure; brk
// returns the unchanged break). Each call is counted and reported as a `syscall` event.
import type { U64 } from '../memory/types';
import { PAGE } from './layout';
import type { Mm } from './mm';
import {
  EACCES, EBADF, EINVAL, ENOMEM, EEXIST, MADV_DONTNEED, MADV_FREE, MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_NORESERVE,
  MAP_PRIVATE, MAP_SHARED, MREMAP_FIXED, MREMAP_MAYMOVE, PROT_EXEC, PROT_READ, PROT_WRITE, type Syscalls,
} from './types';
import type { Vma } from './vma';
import { makeFileSyscalls } from './syscalls-fs';
import { moveFilePte } from './filemap';
import { O_ACCMODE, O_RDONLY, O_WRONLY } from './fs';

const pageUp = (n: number) => Math.ceil(n / PAGE) * PAGE;
const MAX_LEN = 2 ** 52;   // longer than any address space: refused before arithmetic

function len(v: U64): number { return typeof v === 'bigint' || v > MAX_LEN || v < 0 ? Infinity : v; }
const argOf = (v: U64): number | string => (typeof v === 'bigint' ? v.toString() : v);

export function makeSyscalls(mm: Mm): Syscalls {
  const report = (name: string, args: (number | string)[], ret: number, by?: string): number => {
    mm.syscalls++;
    mm.sink?.({ event: 'syscall', name, args, ret, ...(ret < 0 && ret > -4096 && name !== 'brk' ? { errno: -ret } : {}), by: by ?? 'program' });
    return ret;
  };

  // __vm_enough_memory: may `bytes` more be committed?
  const enough = (bytes: number): boolean => {
    const ram = mm.phys.totalFrames * PAGE, swap = mm.swapSlots * PAGE;
    switch (mm.config.overcommit) {
      case 1: return true;
      case 2: return mm.committed + bytes <= swap + ram * 0.5;
      default: return bytes <= ram + swap;     // heuristic: refuse only the obviously impossible
    }
  };

  const mapArea = (start: number, length: number, prot: number, flags: number, name = '', kind: Vma['kind'] = 'anon', file?: { ino: number; off: number }): Vma => {
    const shared = (flags & MAP_SHARED) !== 0;
    const write = (prot & PROT_WRITE) !== 0;
    // a shared file mapping is backed by its file, not by commit
    const accounted = (!shared && write || shared && !file) && !(flags & MAP_NORESERVE && mm.config.overcommit !== 2);
    const v: Vma = { vm_start: start, vm_end: start + length, read: (prot & PROT_READ) !== 0, write, exec: (prot & PROT_EXEC) !== 0,
      shared, pgoff: file ? file.off : 0, name, kind, anon: !file, growsdown: false, accounted, ...(file ? { file: { ino: file.ino } } : {}) };
    if (accounted) mm.committed += length;
    mm.vmas.insert(v);
    return v;
  };

  const unmap = (start: number, end: number): void => {
    for (const v of mm.vmas.remove(start, end)) if (v.accounted) mm.committed -= v.vm_end - v.vm_start;
    mm.zap(start, end);
  };

  const brk = (addr: number, by?: string): number => {
    const ret = ((): number => {
      if (addr < mm.startBrk) return mm.brk;
      const oldEnd = pageUp(mm.brk), newEnd = pageUp(addr);
      if (newEnd === oldEnd) { mm.brk = addr; return addr; }
      if (newEnd < oldEnd) {
        unmap(newEnd, oldEnd);
        mm.brk = addr;
        return addr;
      }
      if (mm.vmas.overlaps(oldEnd, newEnd + PAGE)) return mm.brk;     // would run into a mapping (and its guard)
      if (newEnd > mm.taskSize) return mm.brk;
      if (!enough(newEnd - oldEnd)) return mm.brk;
      const heap = mm.vmas.find(oldEnd - 1);
      if (heap && heap.kind === 'heap') { heap.vm_end = newEnd; mm.committed += newEnd - oldEnd; }
      else mapArea(oldEnd, newEnd - oldEnd, PROT_READ | PROT_WRITE, MAP_PRIVATE, '[heap]', 'heap');
      mm.brk = addr;
      return addr;
    })();
    return report('brk', [addr], ret, by);
  };

  const getrandom = (buf: number, length: number, flags: number, by?: string): number =>
    report('getrandom', [buf, length, flags], length, by);

  const mmap = (addr: number, length: U64, prot: number, flags: number, fd: number, off: number, by?: string): number => {
    const args = [addr, argOf(length), prot, flags, fd, off];
    const l = len(length);
    const ret = ((): number => {
      if (l === 0 || !(flags & (MAP_SHARED | MAP_PRIVATE))) return -EINVAL;
      if (off % PAGE || off < 0) return -EINVAL;
      let file: { ino: number; off: number } | undefined;
      if (!(flags & MAP_ANONYMOUS)) {
        const f = mm.fs.fds.get(fd);
        if (!f) return -EBADF;
        const acc = f.flags & O_ACCMODE;
        if (acc === O_WRONLY || (flags & MAP_SHARED && prot & PROT_WRITE && acc === O_RDONLY)) return -EACCES;
        file = { ino: f.ino, off };
      }
      const size = pageUp(l);
      if (!Number.isFinite(size) || size > mm.taskSize) return -ENOMEM;
      const fixed = (flags & (MAP_FIXED | MAP_FIXED_NOREPLACE)) !== 0;
      let start = -1;
      if (fixed) {
        if (addr % PAGE) return -EINVAL;
        if (addr + size > mm.taskSize) return -ENOMEM;
        if (flags & MAP_FIXED_NOREPLACE && mm.vmas.overlaps(addr, addr + size)) return -EEXIST;
        start = addr;
      } else if (addr && addr % PAGE === 0 && addr + size <= mm.taskSize && addr >= 0x10000 && !mm.vmas.overlaps(addr, addr + size)) start = addr;
      const accounted = !(flags & MAP_SHARED) && (prot & PROT_WRITE) || (flags & MAP_SHARED && !file);
      if (accounted && !(flags & MAP_NORESERVE && mm.config.overcommit !== 2) && !enough(size)) return -ENOMEM;
      if (start < 0) start = mm.vmas.topDownGap(size, mm.layout.libsTop, 0x10000);
      if (start < 0) return -ENOMEM;
      if (fixed) unmap(start, start + size);
      if (file) mapArea(start, size, prot, flags, mm.fs.path(file.ino), 'file', file);
      else mapArea(start, size, prot, flags);
      return start;
    })();
    return report('mmap', args, ret, by);
  };

  const munmap = (addr: number, length: U64, by?: string): number => {
    const l = len(length);
    const ret = ((): number => {
      if (addr % PAGE || l === 0 || !Number.isFinite(l)) return -EINVAL;
      unmap(addr, addr + pageUp(l));
      return 0;
    })();
    return report('munmap', [addr, argOf(length)], ret, by);
  };

  const mprotect = (addr: number, length: U64, prot: number, by?: string): number => {
    const l = len(length);
    const ret = ((): number => {
      if (addr % PAGE || !Number.isFinite(l)) return -EINVAL;
      const end = addr + pageUp(l);
      // every page of the range must be mapped
      let at = addr;
      for (const v of mm.vmas.list) { if (v.vm_end <= at || v.vm_start >= end) continue; if (v.vm_start > at) return -ENOMEM; at = v.vm_end; }
      if (at < end) return -ENOMEM;
      for (const v of mm.vmas.split(addr, end)) {
        const wasAcc = v.accounted;
        v.read = (prot & PROT_READ) !== 0; v.write = (prot & PROT_WRITE) !== 0; v.exec = (prot & PROT_EXEC) !== 0;
        if (!wasAcc && v.write && !v.shared) { v.accounted = true; mm.committed += v.vm_end - v.vm_start; }
        mm.reprotect(v.vm_start, v.vm_end, v);
      }
      for (const v of [...mm.vmas.list]) if (mm.vmas.list.includes(v)) mm.vmas.mergeAround(v);
      return 0;
    })();
    return report('mprotect', [addr, argOf(length), prot], ret, by);
  };

  const madvise = (addr: number, length: U64, advice: number, by?: string): number => {
    const l = len(length);
    const ret = ((): number => {
      if (addr % PAGE || !Number.isFinite(l)) return -EINVAL;
      const end = addr + pageUp(l);
      if (advice === MADV_DONTNEED || advice === MADV_FREE) {
        for (const v of mm.vmas.list) if (v.vm_start < end && v.vm_end > addr && !v.anon && !v.file) return -EINVAL;
        mm.zap(addr, end);
      }
      return 0;
    })();
    return report('madvise', [addr, argOf(length), advice], ret, by);
  };

  const mremap = (old: number, oldLen: U64, newLen: U64, flags: number, newAddr: number, by?: string): number => {
    const ol = pageUp(len(oldLen)), nl = pageUp(len(newLen));
    const ret = ((): number => {
      if (old % PAGE || !Number.isFinite(nl) || nl === 0 || flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED)) return -EINVAL;
      const v = mm.vmas.find(old);
      if (!v || old + ol > v.vm_end) return -14;   // EFAULT
      if (nl <= ol) { if (nl < ol) unmap(old + nl, old + ol); return old; }
      const next = mm.vmas.findNext(old + ol);
      const room = !next || next.vm_start >= old + nl;
      if (room && old + ol === v.vm_end && !(flags & MREMAP_FIXED)) {
        if (v.accounted && !enough(nl - ol)) return -ENOMEM;
        v.vm_end = old + nl;
        if (v.accounted) mm.committed += nl - ol;
        return old;
      }
      if (!(flags & MREMAP_MAYMOVE)) return -ENOMEM;
      const dest = flags & MREMAP_FIXED ? newAddr : mm.vmas.topDownGap(nl, mm.layout.libsTop, 0x10000);
      if (dest < 0) return -ENOMEM;
      if (flags & MREMAP_FIXED) unmap(dest, dest + nl);
      // move the page-table entries: the frames stay, only their addresses change
      const moved: [number, number][] = [];
      for (const [vpn, f] of mm.resident) if (vpn * PAGE >= old && vpn * PAGE < old + ol) moved.push([vpn, f]);
      const swapped: [number, number][] = [];
      for (const [vpn, s] of mm.swapped) if (vpn * PAGE >= old && vpn * PAGE < old + ol) swapped.push([vpn, s]);
      const proto = { ...v };
      for (const [vpn] of moved) { mm.resident.delete(vpn); mm.activeAnon.delete(vpn); mm.mmu.setPte(vpn * PAGE, { lo: 0, hi: 0 }); }
      for (const [vpn] of swapped) mm.swapped.delete(vpn);
      const files: number[] = [];
      if (v.file) for (const vpn of mm.fileMapped.keys()) if (vpn * PAGE >= old && vpn * PAGE < old + ol) files.push(vpn);
      for (const r of mm.vmas.remove(old, old + ol)) if (r.accounted) mm.committed -= r.vm_end - r.vm_start;
      const nv: Vma = { ...proto, vm_start: dest, vm_end: dest + nl, pgoff: v.file ? proto.pgoff + (old - proto.vm_start) : 0 };
      if (nv.accounted) mm.committed += nl;
      mm.vmas.insert(nv);
      const area = mm.vmas.find(dest)!;
      for (const [vpn, f] of moved) { const nvpn = vpn + (dest - old) / PAGE; mm.mapPage(nvpn * PAGE, f, area); mm.resident.set(nvpn, f); }
      for (const vpn of files) moveFilePte(mm, vpn, vpn + (dest - old) / PAGE);
      for (const [vpn, s] of swapped) { const nvpn = vpn + (dest - old) / PAGE; mm.swapped.set(nvpn, s); mm.mmu.setPte(nvpn * PAGE, { lo: ((s % 1048576) * 4096 + 0x200) >>> 0, hi: Math.floor(s / 1048576) }); }
      return dest;
    })();
    return report('mremap', [old, argOf(oldLen), argOf(newLen), flags, newAddr], ret, by);
  };

  return { brk, getrandom, mmap, munmap, mremap, mprotect, madvise, ...makeFileSyscalls(mm, report) };
}
