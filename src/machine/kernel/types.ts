// The system-call interface of the emulated kernel, with Linux's semantics and return
// conventions: a failing call returns -errno (the raw kernel return), except brk, which
// returns the unchanged break on failure, as the real syscall does. glibc's wrappers (sbrk,
// mmap returning MAP_FAILED and setting errno) are built on top of these by the caller.
import type { U64 } from '../memory/types';

export const PROT_NONE = 0, PROT_READ = 1, PROT_WRITE = 2, PROT_EXEC = 4;
export const MAP_SHARED = 0x01, MAP_PRIVATE = 0x02, MAP_FIXED = 0x10, MAP_ANONYMOUS = 0x20,
  MAP_NORESERVE = 0x4000, MAP_POPULATE = 0x8000, MAP_FIXED_NOREPLACE = 0x100000;
export const MREMAP_MAYMOVE = 1, MREMAP_FIXED = 2;
export const MADV_NORMAL = 0, MADV_RANDOM = 1, MADV_SEQUENTIAL = 2, MADV_WILLNEED = 3,
  MADV_DONTNEED = 4, MADV_FREE = 8;
export const ENOMEM = 12, EINVAL = 22, EFAULT = 14, EACCES = 13, EEXIST = 17, EBADF = 9, ENODEV = 19;

// The file system calls (syscalls-fs.ts).
export interface FileSyscalls {
  open(path: string, flags: number, mode: number): number;
  close(fd: number): number;
  read(fd: number, buf: number, n: number): number;
  write(fd: number, buf: number, n: number): number;     // fd 1 and 2: the program's output
  lseek(fd: number, off: number, whence: number): number;
  fsync(fd: number): number;
  msync(addr: number, len: number, flags: number): number;
}

export interface Syscalls extends FileSyscalls {
  // `by` names who made the call (for events): 'program', 'malloc', 'free', ...
  brk(addr: number, by?: string): number;
  mmap(addr: number, len: U64, prot: number, flags: number, fd: number, off: number, by?: string): number;
  munmap(addr: number, len: U64, by?: string): number;
  mremap(oldAddr: number, oldLen: U64, newLen: U64, flags: number, newAddr: number, by?: string): number;
  mprotect(addr: number, len: U64, prot: number, by?: string): number;
  madvise(addr: number, len: U64, advice: number, by?: string): number;
  // getrandom(buf, len, flags): glibc 2.36 asks it once, for tcache_key; counted and reported,
  // the bytes themselves come from the machine's seed so runs repeat
  getrandom(buf: number, len: number, flags: number, by?: string): number;
}

// /proc/self/maps-style view of the address space (vm_area_struct's fields).
export interface VmArea {
  vm_start: number; vm_end: number;
  read: boolean; write: boolean; exec: boolean; shared: boolean;
  pgoff: number;
  name: string;            // '[heap]', '[stack]', '/usr/lib/x86_64-linux-gnu/libc.so.6', '' ...
  kind: 'text' | 'data' | 'bss' | 'heap' | 'anon' | 'stack' | 'lib' | 'vdso' | 'vvar' | 'file';
}

// Where things are in a fresh process (ASLR off: gdb's layout on this host).
export interface ProcessLayout {
  textBase: number;        // PIE load address (0x555555554000)
  rodataBase: number;      // string literals of the scenario
  dataBase: number;        // .data/.bss of the scenario
  heapBase: number;        // initial program break (start of [heap])
  mmapBase: number;        // top of the mmap area (mappings grow down from here)
  libsTop: number;         // mmap_base proper: the end of ld.so, the highest library mapping
  libcBase: number;        // start of libc's first mapping
  libcData: number;        // libc's writable data (main_arena, mp_ live here)
  tlsBase: number;         // the thread's static TLS block (glibc's `tcache` pointer lives here)
  stackTop: number;        // highest stack address (exclusive)
  stackLimit: number;      // RLIMIT_STACK in bytes
}
