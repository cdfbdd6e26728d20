// The allocator as the interpreter calls it, and the state it reports after each call
// (ORACLE.md's step schema). Addresses in OracleState are offsets from the heap base.
import type { U64 } from '../memory/types';

export interface OracleRet {
  ptr?: number | null; size?: number; usable?: number; moved?: boolean; rc?: number;
  mmapped?: boolean; prev_size?: number; page_off?: number; resident_pages?: number;
  errno?: number;
}

export interface OracleState {
  brk: number;
  heap: [number, number][];
  top: [number, number];
  tcache: { at: number; counts: number[]; chains: Record<string, number[]> } | null;
  fastbins: Record<string, number[]>;
  unsorted: number[];
  smallbins: Record<string, number[]>;
  largebins: Record<string, number[]>;
  arena: { top: number | null; last_remainder: number | null; have_fastchunks: number; flags: number;
           binmap: number[]; system_mem: number; max_system_mem: number };
  mp: Record<string, number>;
  mallinfo2: Record<string, number>;
  resident_pages: number;
}

export interface Mallinfo2 {
  arena: number; ordblks: number; smblks: number; hblks: number; hblkhd: number;
  usmblks: number; fsmblks: number; uordblks: number; fordblks: number; keepcost: number;
}

// A value a glibc function held at some point of the call, under glibc's name for it.
export type TraceLocals = Record<string, number | bigint | string>;

// One entry of an explained call's trace. With `traceFrames`, `enter`/`leave` bracket a glibc
// function (`locals`: its arguments) and `locals` records values it computed; `why` is how many
// `why` lines had been written at that moment, which places the entry between them.
export interface TraceEntry {
  fn: string; event: string; chunk?: number; size?: number; bin?: string;
  why?: number; locals?: TraceLocals;
}

// Every entry point takes and returns exact values: a request may be near SIZE_MAX (bigint).
// Results are user addresses (0 for NULL). Failures set `errno` (ENOMEM = 12, EINVAL = 22).
// Integrity-check failures throw MachineSignal('SIGABRT', glibc's message, ..., check).
export interface Allocator {
  errno: number;
  why: string[];                       // the path of the last call, in words
  explain: boolean;                    // build `why` (on by default; off when nobody reads it)
  traceFrames: boolean;                // with explain: mark glibc's frames and their locals in `trace`
  // structured events of the last call (sysmalloc, malloc_consolidate, systrim, tcache_put/get,
  // a chunk entering a bin): the debugger's allocator breakpoints; and the marks of the narrated
  // path's frames (enter, leave, locals), from which the debugger shows glibc's call stack
  trace: TraceEntry[];
  malloc(n: U64): number;
  free(p: number): void;
  // libc's own brk and sbrk: they share __curbrk with malloc, as in glibc (sbrk asks the kernel
  // for the break only while __curbrk is unknown); -1 and errno on failure
  brk(addr: number): number;
  sbrk(increment: bigint): number;
  calloc(n: U64, size: U64): number;
  realloc(p: number, n: U64): number;
  reallocarray(p: number, n: U64, size: U64): number;
  memalign(align: U64, n: U64): number;
  aligned_alloc(align: U64, n: U64): number;
  valloc(n: U64): number;
  pvalloc(n: U64): number;
  posix_memalign(memptr: number, align: U64, n: U64): number;   // returns rc; writes *memptr
  malloc_usable_size(p: number): number;
  malloc_trim(pad: U64): number;
  mallopt(param: number, value: number): number;
  malloc_stats(): string;              // glibc's text (what it prints to stderr)
  mallinfo2(): Mallinfo2;
  // the allocator's few JS-side facts (errno, the views' list of mmapped chunks), for step back
  snapshot(): unknown;
  restore(s: unknown): void;
  // read-only views (never change the machine)
  state(): OracleState;
  retInfo(p: number): OracleRet;      // ptr/size/usable or the mmapped fields, for a returned pointer
  heapText(): string;                  // pwndbg `heap`
  binsText(): string;                  // pwndbg `bins`
  visText(n?: number): string;         // pwndbg `vis_heap_chunks`
}
