// Where a fresh process's pieces go. With ASLR off this is the layout gdb shows for a small
// PIE program on Debian 12 (measured on the host with `setarch -R`): the program's five
// mappings at 0x555555554000, [heap] right after .bss, an anonymous rw mapping (the thread's
// static TLS block and libc's bookkeeping) just below libc, libc's five mappings, two more
// anonymous ones, [vvar]/[vdso], ld.so's five mappings ending at 0x7ffff7fff000 (= mmap_base),
// and a 132 KiB [stack] ending at 0x7ffffffff000. With ASLR on, the bases move by page-granular
// offsets drawn from the seed, in Linux's ranges.
import type { MachineConfig } from '../config';
import type { ProcessLayout } from './types';

export const PAGE = 4096;
export const pageUp = (n: number): number => Math.ceil(n / PAGE) * PAGE;

// One file-backed or anonymous region of the initial image.
export interface ImageMapping { start: number; end: number; perms: string; offset: number; name: string; kind: 'text' | 'data' | 'bss' | 'lib' | 'anon' | 'vdso' | 'vvar' | 'stack' }

// libc.so.6 and ld.so of Debian 12's glibc 2.36 (offsets and sizes as mapped).
const LIBC = '/usr/lib/x86_64-linux-gnu/libc.so.6';
const LD = '/usr/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2';

// splitmix64, for the seeded ASLR offsets
function rng(seed: number): () => number {
  let s = BigInt(seed) + 0x9e3779b97f4a7c15n;
  return () => {
    s = BigInt.asUintN(64, s + 0x9e3779b97f4a7c15n);
    let z = s;
    z = BigInt.asUintN(64, (z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n);
    z = BigInt.asUintN(64, (z ^ (z >> 27n)) * 0x94d049bb133111ebn);
    return Number((z ^ (z >> 31n)) & 0xfffffffffn);
  };
}

export function computeLayout(config: MachineConfig, sizes: { rodata: number; data: number; bss: number }): ProcessLayout {
  const x64 = config.arch === 'x86_64';
  const r = rng(config.seed);
  // ASLR: PIE base within 2^28 pages (x86_64) / 2^8 pages (i386), mmap base within 2^28 / 2^8
  // pages, stack within 2^22 / 2^11 pages, brk offset within 32 MiB (pages).
  const pieDelta = config.aslr ? (r() % (x64 ? 2 ** 28 : 2 ** 8)) * PAGE : 0;
  const mmapDelta = config.aslr ? (r() % (x64 ? 2 ** 28 : 2 ** 8)) * PAGE : 0;
  const stackDelta = config.aslr ? (r() % (x64 ? 2 ** 22 : 2 ** 11)) * PAGE : 0;
  const brkDelta = config.aslr ? (r() % 8192) * PAGE : 0;

  const textBase = (x64 ? 0x555555554000 : 0x56555000) + (config.aslr ? (x64 ? 0x1000000000 : 0) - pieDelta : 0);
  const rodataPages = Math.max(1, Math.ceil(sizes.rodata / PAGE));
  const rodataBase = textBase + 2 * PAGE;                         // after the ELF header page and .text
  const relro = rodataBase + rodataPages * PAGE;                  // .init_array/.dynamic (read-only after relocation)
  const dataPage = relro + PAGE;
  const dataBase = dataPage + 0x10;                               // .data starts after __data_start/__dso_handle
  const imageEnd = pageUp(dataBase + sizes.data + sizes.bss);
  const heapBase = imageEnd + brkDelta;

  // The shared libraries' top end is mmap_base: ld.so is mapped there first, then libc below.
  const mmapTop = x64 ? 0x7ffff7fff000 - mmapDelta : 0xb7fff000 - mmapDelta;   // i386: below the 3 GiB split
  const libcData = libcLayout(x64, mmapTop).find((m) => m.perms === 'rw-p' && m.name.includes('libc.so'))!.start;
  const tlsMap = libcLayout(x64, mmapTop)[0];
  const stackTop = (x64 ? 0x7ffffffff000 : 0xc0000000) - stackDelta;
  return {
    textBase, rodataBase, dataBase, heapBase,
    mmapBase: tlsMap.start,                        // new mappings go below the libraries
    libsTop: mmapTop,
    libcBase: libcLayout(x64, mmapTop)[1].start,
    libcData,
    tlsBase: tlsMap.start + 0x740,                 // fs base - TCB; glibc's thread pointer lives here
    stackTop,
    stackLimit: 8 * 1024 * 1024,
  };
}

// The libraries and kernel mappings between the mmap area and the stack, top-down from
// mmap_base as the loader and kernel place them (x86_64 values measured on the host).
export function libcLayout(x64: boolean, top: number): ImageMapping[] {
  if (!x64) {
    // i386: the same structure with the i386 build's sizes rounded to plausible values
    const ld = top - 0x2d000, vdso = ld - 0x2000, vvar = vdso - 0x4000, libc = vvar - 0x1f1000, anon = libc - 0x3000;
    return [
      { start: anon, end: libc, perms: 'rw-p', offset: 0, name: '', kind: 'anon' },
      { start: libc, end: libc + 0x22000, perms: 'r--p', offset: 0, name: '/usr/lib/i386-linux-gnu/libc.so.6', kind: 'lib' },
      { start: libc + 0x22000, end: libc + 0x1a0000, perms: 'r-xp', offset: 0x22000, name: '/usr/lib/i386-linux-gnu/libc.so.6', kind: 'lib' },
      { start: libc + 0x1a0000, end: libc + 0x1e4000, perms: 'r--p', offset: 0x1a0000, name: '/usr/lib/i386-linux-gnu/libc.so.6', kind: 'lib' },
      { start: libc + 0x1e4000, end: libc + 0x1e6000, perms: 'r--p', offset: 0x1e3000, name: '/usr/lib/i386-linux-gnu/libc.so.6', kind: 'lib' },
      { start: libc + 0x1e6000, end: libc + 0x1e7000, perms: 'rw-p', offset: 0x1e5000, name: '/usr/lib/i386-linux-gnu/libc.so.6', kind: 'lib' },
      { start: libc + 0x1e7000, end: libc + 0x1f1000, perms: 'rw-p', offset: 0, name: '', kind: 'anon' },
      { start: vvar, end: vdso, perms: 'r--p', offset: 0, name: '[vvar]', kind: 'vvar' },
      { start: vdso, end: ld, perms: 'r-xp', offset: 0, name: '[vdso]', kind: 'vdso' },
      { start: ld, end: ld + 0x1000, perms: 'r--p', offset: 0, name: '/usr/lib/i386-linux-gnu/ld-linux.so.2', kind: 'lib' },
      { start: ld + 0x1000, end: ld + 0x23000, perms: 'r-xp', offset: 0x1000, name: '/usr/lib/i386-linux-gnu/ld-linux.so.2', kind: 'lib' },
      { start: ld + 0x23000, end: ld + 0x2b000, perms: 'r--p', offset: 0x23000, name: '/usr/lib/i386-linux-gnu/ld-linux.so.2', kind: 'lib' },
      { start: ld + 0x2b000, end: top, perms: 'rw-p', offset: 0x2a000, name: '/usr/lib/i386-linux-gnu/ld-linux.so.2', kind: 'lib' },
    ];
  }
  const o = top - 0x7ffff7fff000;   // shift (ASLR)
  const m = (s: number, e: number, perms: string, offset: number, name: string, kind: ImageMapping['kind']): ImageMapping =>
    ({ start: s + o, end: e + o, perms, offset, name, kind });
  return [
    m(0x7ffff7dd2000, 0x7ffff7dd5000, 'rw-p', 0, '', 'anon'),
    m(0x7ffff7dd5000, 0x7ffff7dfb000, 'r--p', 0, LIBC, 'lib'),
    m(0x7ffff7dfb000, 0x7ffff7f51000, 'r-xp', 0x26000, LIBC, 'lib'),
    m(0x7ffff7f51000, 0x7ffff7fa4000, 'r--p', 0x17c000, LIBC, 'lib'),
    m(0x7ffff7fa4000, 0x7ffff7fa8000, 'r--p', 0x1cf000, LIBC, 'lib'),
    m(0x7ffff7fa8000, 0x7ffff7faa000, 'rw-p', 0x1d3000, LIBC, 'lib'),
    m(0x7ffff7faa000, 0x7ffff7fb7000, 'rw-p', 0, '', 'anon'),
    m(0x7ffff7fc0000, 0x7ffff7fc2000, 'rw-p', 0, '', 'anon'),
    m(0x7ffff7fc2000, 0x7ffff7fc6000, 'r--p', 0, '[vvar]', 'vvar'),
    m(0x7ffff7fc6000, 0x7ffff7fc8000, 'r--p', 0, '[vvar_vclock]', 'vvar'),
    m(0x7ffff7fc8000, 0x7ffff7fca000, 'r-xp', 0, '[vdso]', 'vdso'),
    m(0x7ffff7fca000, 0x7ffff7fcb000, 'r--p', 0, LD, 'lib'),
    m(0x7ffff7fcb000, 0x7ffff7ff1000, 'r-xp', 0x1000, LD, 'lib'),
    m(0x7ffff7ff1000, 0x7ffff7ffb000, 'r--p', 0x27000, LD, 'lib'),
    m(0x7ffff7ffb000, 0x7ffff7ffd000, 'r--p', 0x31000, LD, 'lib'),
    m(0x7ffff7ffd000, 0x7ffff7fff000, 'rw-p', 0x33000, LD, 'lib'),
  ];
}

// The program's own five mappings (ELF header, .text, .rodata, RELRO, .data+.bss).
export function programLayout(l: ProcessLayout, sizes: { rodata: number; data: number; bss: number }, name: string): ImageMapping[] {
  const t = l.textBase;
  const rodataPages = Math.max(1, Math.ceil(sizes.rodata / PAGE));
  const dataPage = l.dataBase - 0x10;
  const dataEnd = pageUp(l.dataBase + sizes.data + sizes.bss);
  return [
    { start: t, end: t + PAGE, perms: 'r--p', offset: 0, name, kind: 'text' },
    { start: t + PAGE, end: t + 2 * PAGE, perms: 'r-xp', offset: 0x1000, name, kind: 'text' },
    { start: l.rodataBase, end: l.rodataBase + rodataPages * PAGE, perms: 'r--p', offset: 0x2000, name, kind: 'text' },
    { start: dataPage - PAGE, end: dataPage, perms: 'r--p', offset: 0x2000 + (rodataPages - 1) * PAGE, name, kind: 'data' },
    { start: dataPage, end: dataEnd, perms: 'rw-p', offset: 0x3000 + (rodataPages - 1) * PAGE, name, kind: 'data' },
  ];
}
