// The emulated file system: the scenario's `#pragma file` files on a "disk", inodes, and the
// process's file descriptors. The disk holds only what was written back; a page never written
// reads as the file's deterministic pattern (or zeroes past its original size), so an 8 GiB
// file costs the host nothing until its pages are cached.
import type { FileSpec } from '../config';
import { PAGE } from './layout';

export const O_RDONLY = 0, O_WRONLY = 1, O_RDWR = 2, O_ACCMODE = 3, O_CREAT = 0x40, O_TRUNC = 0x200, O_APPEND = 0x400;
export const SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2;
export const MS_ASYNC = 1, MS_INVALIDATE = 2, MS_SYNC = 4;
export const ENOENT = 2, EBADF = 9;


export interface Inode {
  ino: number;
  name: string;
  size: number;            // i_size
  patternSize: number;     // bytes of the initial contents (pattern or text)
  text?: Uint8Array;       // initial contents given as text
}

export interface OpenFile { ino: number; pos: number; flags: number }

// The byte at `off` of a file created with a size: letters, shifted by one every page, with a
// newline every 64 bytes, so that a hex dump shows which page and offset it came from.
export function patternByte(off: number): number {
  if (off % 64 === 63) return 10;
  return 0x41 + ((off + Math.floor(off / PAGE)) % 26);
}

export class FileSystem {
  inodes = new Map<number, Inode>();
  byName = new Map<string, number>();
  disk = new Map<number, Uint8Array>();      // page-cache key -> bytes written back
  fds = new Map<number, OpenFile>();
  private nextIno = 12;

  constructor(files: FileSpec[] = []) {
    for (const f of files) this.create(f.name, f.size, f.text);
  }

  create(name: string, size: number, text?: Uint8Array): Inode {
    const ino = this.nextIno++;
    const node: Inode = { ino, name, size, patternSize: size, text };
    this.inodes.set(ino, node);
    this.byName.set(name, ino);
    return node;
  }

  // The disk's copy of page `index` of a file (what a read I/O brings into the cache).
  readPage(ino: number, index: number, into: Uint8Array): void {
    const d = this.disk.get(pageKey(ino, index));
    if (d) { into.set(d); return; }
    const node = this.inodes.get(ino)!;
    const start = index * PAGE, end = Math.min(start + PAGE, node.patternSize);
    if (node.text) { if (start < end) into.set(node.text.subarray(start, end)); return; }
    for (let o = start; o < end; o++) into[o - start] = patternByte(o);
  }

  writePage(ino: number, index: number, bytes: Uint8Array): void {
    this.disk.set(pageKey(ino, index), bytes.slice());
  }

  // The lowest free descriptor, as open(2) hands out (0, 1, 2 are the terminal's).
  allocFd(f: OpenFile): number {
    let fd = 3;
    while (this.fds.has(fd)) fd++;
    this.fds.set(fd, f);
    return fd;
  }

  path(ino: number): string {
    const n = this.inodes.get(ino)?.name ?? '?';
    return n.startsWith('/') ? n : '/home/student/' + n;
  }

  clone(): FileSystem {
    const c = new FileSystem();
    for (const [k, v] of this.inodes) c.inodes.set(k, { ...v });
    c.byName = new Map(this.byName);
    for (const [k, v] of this.disk) c.disk.set(k, v);   // disk pages are replaced, never mutated
    for (const [k, v] of this.fds) c.fds.set(k, { ...v });
    c.nextIno = this.nextIno;
    return c;
  }
}

// One number per (file, page index): the page cache's and the disk's key. 2^32 pages per file
// (16 TiB) is more than a scenario can name.
export function pageKey(ino: number, index: number): number { return ino * 4294967296 + index; }
export function keyIno(key: number): number { return Math.floor(key / 4294967296); }
export function keyIndex(key: number): number { return key % 4294967296; }
