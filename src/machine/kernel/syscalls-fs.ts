// The file system calls: open, close, read, write, lseek, fsync and msync, with Linux's raw
// returns (-errno on failure). read() and write() go through the page cache as
// generic_file_read_iter / generic_perform_write do: a miss reads the page from the disk, a
// write dirties the cached page and the disk sees it only at writeback.
import { MachineSignal } from '../signals';
import { getCachePage } from './filemap';
import {
  EBADF, ENOENT, MS_ASYNC, MS_INVALIDATE, MS_SYNC, O_ACCMODE, O_APPEND, O_CREAT, O_RDONLY, O_TRUNC, O_WRONLY,
  SEEK_CUR, SEEK_END, SEEK_SET, keyIndex,
} from './fs';
import { PAGE } from './layout';
import type { Mm } from './mm';
import { EFAULT, EINVAL, ENOMEM, type FileSyscalls } from './types';
import { writebackPage } from './vmscan';

export type Report = (name: string, args: (number | string)[], ret: number, by?: string) => number;

// A bad user buffer is EFAULT for the call, not a signal (copy_to_user fails softly).
function userAccess<T>(fn: () => T): T | null {
  try { return fn(); } catch (e) { if (e instanceof MachineSignal && e.signame === 'SIGSEGV') return null; throw e; }
}

export function makeFileSyscalls(mm: Mm, report: Report): FileSyscalls {
  const writeback = (ino: number, who: string, from = 0, to = Infinity): number => {
    let n = 0;
    for (const p of mm.cache.pagesOf(ino)) {
      const i = keyIndex(p.key);
      if (p.dirty && i >= from && i < to) { writebackPage(mm, p, who); n++; }
    }
    return n;
  };

  const open = (path: string, flags: number, mode: number): number => {
    const ret = ((): number => {
      const name = path.startsWith('/home/student/') ? path.slice('/home/student/'.length) : path;
      let ino = mm.fs.byName.get(name) ?? mm.fs.byName.get(path);
      if (ino === undefined) {
        if (!(flags & O_CREAT)) return -ENOENT;
        ino = mm.fs.create(name, 0).ino;
      }
      const node = mm.fs.inodes.get(ino)!;
      if (flags & O_TRUNC && (flags & O_ACCMODE) !== O_RDONLY) {
        // truncate_inode_pages: cached pages go (mapped ones too, as truncate unmaps them)
        for (const p of mm.cache.pagesOf(ino)) {
          for (const vpn of p.mappers) { mm.mmu.setPte(vpn * PAGE, { lo: 0, hi: 0 }); mm.fileMapped.delete(vpn); }
          mm.cache.delete(p); mm.phys.free(p.frame);
        }
        for (const k of [...mm.fs.disk.keys()]) if (Math.floor(k / 4294967296) === ino) mm.fs.disk.delete(k);
        node.size = 0; node.patternSize = 0;
      }
      return mm.fs.allocFd({ ino, pos: 0, flags });
    })();
    return report('open', [path, flags, mode], ret);
  };

  const close = (fd: number): number => report('close', [fd], mm.fs.fds.delete(fd) ? 0 : -EBADF);

  const read = (fd: number, buf: number, n: number): number => {
    const ret = ((): number => {
      const f = mm.fs.fds.get(fd);
      if (!f || (f.flags & O_ACCMODE) === O_WRONLY) return -EBADF;
      if (n < 0) return -EINVAL;
      const node = mm.fs.inodes.get(f.ino)!;
      const end = Math.min(node.size, f.pos + n);
      let done = 0;
      while (f.pos + done < end) {
        const at = f.pos + done, index = Math.floor(at / PAGE), off = at % PAGE;
        const k = Math.min(end - at, PAGE - off);
        const { page } = getCachePage(mm, f.ino, index);
        mm.cache.markAccessed(page);
        const bytes = mm.phys.frame(page.frame).slice(off, off + k);
        if (userAccess(() => mm.mmu.writeBytes(buf + done, bytes)) === null) { if (!done) return -EFAULT; break; }
        done += k;
      }
      f.pos += done;
      return done;
    })();
    return report('read', [fd, buf, n], ret);
  };

  const write = (fd: number, buf: number, n: number): number => {
    const ret = ((): number => {
      const f = mm.fs.fds.get(fd);
      if (n < 0) return -EINVAL;
      if (!f && (fd === 1 || fd === 2)) {
        // the terminal: the bytes are the program's output
        const out = userAccess(() => mm.mmu.readBytes(buf, n));
        if (out === null) return -EFAULT;
        mm.stdout?.(out);
        return n;
      }
      if (!f || (f.flags & O_ACCMODE) === O_RDONLY) return -EBADF;
      const data = userAccess(() => mm.mmu.readBytes(buf, n));
      if (data === null) return -EFAULT;
      const node = mm.fs.inodes.get(f.ino)!;
      if (f.flags & O_APPEND) f.pos = node.size;
      let done = 0;
      while (done < n) {
        const at = f.pos + done, index = Math.floor(at / PAGE), off = at % PAGE;
        const k = Math.min(n - done, PAGE - off);
        // a store over the whole page needs no read of the old contents
        const { page } = getCachePage(mm, f.ino, index, k < PAGE);
        mm.phys.frame(page.frame).set(data.subarray(done, done + k), off);
        if (mm.cache.setDirty(page, mm.clock())) { mm.ev.nr_dirtied++; mm.scheduleFlushSoon(); }
        mm.cache.markAccessed(page);
        done += k;
      }
      f.pos += done;
      if (f.pos > node.size) node.size = f.pos;
      return done;
    })();
    return report('write', [fd, buf, n], ret);
  };

  const lseek = (fd: number, off: number, whence: number): number => {
    const ret = ((): number => {
      const f = mm.fs.fds.get(fd);
      if (!f) return -EBADF;
      const base = whence === SEEK_SET ? 0 : whence === SEEK_CUR ? f.pos : whence === SEEK_END ? mm.fs.inodes.get(f.ino)!.size : NaN;
      if (Number.isNaN(base) || base + off < 0) return -EINVAL;
      f.pos = base + off;
      return f.pos;
    })();
    return report('lseek', [fd, off, whence], ret);
  };

  const fsync = (fd: number): number => {
    const f = mm.fs.fds.get(fd);
    if (!f) return report('fsync', [fd], -EBADF);
    writeback(f.ino, 'fsync');
    return report('fsync', [fd], 0);
  };

  // msync(MS_SYNC) writes the range's dirty pages back; MS_ASYNC has nothing to do since
  // Linux 2.6.19, the dirty pages being already known to the flusher.
  const msync = (addr: number, len: number, flags: number): number => {
    const ret = ((): number => {
      if (addr % PAGE || flags & ~(MS_ASYNC | MS_INVALIDATE | MS_SYNC) || (flags & MS_ASYNC && flags & MS_SYNC)) return -EINVAL;
      const end = addr + Math.ceil(len / PAGE) * PAGE;
      let at = addr;
      for (const v of mm.vmas.list) {
        if (v.vm_end <= at || v.vm_start >= end) continue;
        if (v.vm_start > at) return -ENOMEM;
        at = v.vm_end;
        if (!(flags & MS_SYNC) || !v.file || !v.shared) continue;
        const s = Math.max(v.vm_start, addr), e = Math.min(v.vm_end, end);
        writeback(v.file.ino, 'msync', (v.pgoff + s - v.vm_start) / PAGE, (v.pgoff + e - v.vm_start) / PAGE);
      }
      return at < end ? -ENOMEM : 0;
    })();
    return report('msync', [addr, len, flags], ret);
  };

  return { open, close, read, write, lseek, fsync, msync };
}
