// glibc 2.36's allocator on an emulated process: the entry points the interpreter calls.
import type { EmulatedProcess } from '../process';
import type { U64 } from '../memory/types';
import type { Allocator, TraceLocals } from './types';
import { MState } from './mstate';
import { DONE, TO_INT_MALLOC, fastFree, fastMalloc } from './fastpath';
import { _int_malloc } from './malloc';
import { _int_free_merge } from './free';
import {
  libc_calloc, libc_free, libc_malloc, libc_mallopt, libc_malloc_trim, libc_pvalloc, libc_realloc, malloc_usable_size,
  mid_memalign, posix_memalign, ptmalloc_init, static_init,
} from './api';
import { mallinfo2, mallocStats, oracleState, retInfo } from './views';
import { binsText, heapText, visText } from './pwndbg';
import { big, canon } from './word';

export function createGlibc(proc: EmulatedProcess, opts: { seed: number; version?: string }): Allocator {
  const s = new MState(proc, opts.seed);
  static_init(s);
  const reset = (): void => { s.beginCall(); if (s.why.length) s.why = []; if (s.trace.length) s.trace = []; };
  const entry = <T>(fn: () => T): T => { reset(); return fn(); };
  // an entry point that is a frame of its own on the narrated path (the others' workers are)
  const framed = <T>(name: string, args: TraceLocals, fn: () => T): T => { reset(); return s.traceFrames ? s.frame(name, args, fn) : fn(); };
  const a: Allocator & { trace: MState['trace'] } = {
    get errno() { return s.errno; },
    set errno(v: number) { s.errno = v; },
    get why() { return s.why; },
    get explain() { return s.explain; },
    set explain(v: boolean) { s.explain = v; },
    get traceFrames() { return s.traceFrames; },
    set traceFrames(v: boolean) { s.traceFrames = v; },
    get trace() { return s.trace; },
    malloc: (n: U64) => {
      reset();
      if (!s.explain && typeof n === 'number') {
        const e = fastMalloc(s, n);
        if (e >= 0) return e;
        if (e === TO_INT_MALLOC) return _int_malloc(s, n);
      }
      return libc_malloc(s, n);
    },
    free: (p: number) => {
      reset();
      const r = s.explain ? -1 : fastFree(s, p);
      if (r === DONE) return;
      if (r > 0) _int_free_merge(s, p - 16, r);
      else libc_free(s, p);
    },
    brk: (addr: number) => s.brk(addr, 'program'),
    sbrk: (increment: bigint) => s.sbrk(increment, 'program'),
    calloc: (n: U64, size: U64) => entry(() => libc_calloc(s, n, size)),
    realloc: (p: number, n: U64) => entry(() => libc_realloc(s, p, n)),
    reallocarray: (p: number, n: U64, size: U64) => framed('reallocarray', { ptr: p, nmemb: n, size }, () => {
      const prod = big(n) * big(size);
      if (prod >= 2n ** 64n) { s.errno = 12; s.explain && s.why.push('reallocarray: n * size overflows: NULL, errno ENOMEM'); return 0; }
      return libc_realloc(s, p, canon(prod));
    }),
    memalign: (al: U64, n: U64) => framed('memalign', { alignment: al, bytes: n }, () => { if (!s.initialized) ptmalloc_init(s); return mid_memalign(s, al, n); }),
    aligned_alloc: (al: U64, n: U64) => framed('aligned_alloc', { alignment: al, bytes: n }, () => { if (!s.initialized) ptmalloc_init(s); return mid_memalign(s, al, n); }),
    valloc: (n: U64) => framed('valloc', { bytes: n }, () => { if (!s.initialized) ptmalloc_init(s); return mid_memalign(s, 4096, n); }),
    pvalloc: (n: U64) => entry(() => libc_pvalloc(s, n)),
    posix_memalign: (pp: number, al: U64, n: U64) => entry(() => posix_memalign(s, pp, al, n)),
    malloc_usable_size: (p: number) => entry(() => malloc_usable_size(s, p)),
    malloc_trim: (pad: U64) => entry(() => libc_malloc_trim(s, pad)),
    mallopt: (param: number, value: number) => entry(() => libc_mallopt(s, param, value)),
    malloc_stats: () => { if (!s.initialized) entry(() => ptmalloc_init(s)); return mallocStats(s); },
    mallinfo2: () => mallinfo2(s),
    snapshot: () => ({ errno: s.errno, mmapped: [...s.mmapped], why: [...s.why] }),
    restore: (x: unknown) => {
      const v = x as { errno: number; mmapped: number[]; why: string[] };
      s.errno = v.errno; s.mmapped.clear(); for (const p of v.mmapped) s.mmapped.add(p); s.why = [...v.why];
    },
    state: () => oracleState(s),
    retInfo: (p: number) => retInfo(s, p),
    heapText: () => heapText(s),
    binsText: () => binsText(s),
    visText: (n?: number) => visText(s, n),
  };
  return a;
}
