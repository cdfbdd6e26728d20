// The snapshot the webviews draw, as the `heapstep/state` request answers it. Plain JSON:
// addresses of the emulated process are numbers (user space stays below 2^53), while raw
// 64-bit words that a scenario may have overwritten with anything are hex strings.
// Types only: imported by src/debug, src/extension and media alike.

export const STATE_REQUEST = 'heapstep/state';
export const TRAVEL_REQUEST = 'heapstep/travel';

export interface StateRequestArgs {
  address?: number;        // the address to page-walk (default: the heap's first chunk)
  record?: boolean;        // add this stop to the timeline (default true; false for a mere look)
}
export interface TravelRequestArgs { step: number }

export type Hex = string;  // '0x…', exact for any 64-bit value

export const PREV_INUSE = 1, IS_MMAPPED = 2, NON_MAIN_ARENA = 4;

export type ChunkState = 'allocated' | 'free' | 'top' | 'mmapped';
export type BinKind = 'tcache' | 'fastbin' | 'unsorted' | 'small' | 'large';

export interface ChunkBin {
  kind: BinKind;
  index: number;           // tcache/fastbin index, or glibc's bin number (1 unsorted, 2-63 small, 64-126 large)
}

export interface Chunk {
  addr: number;            // the chunk (its prev_size field), as malloc.c's `p`
  size: number;            // chunksize(p): the size field without its flag bits
  flags: number;           // the size field's low bits: PREV_INUSE 1, IS_MMAPPED 2, NON_MAIN_ARENA 4
  state: ChunkState;
  bin?: ChunkBin;
  fd?: ChunkLink;          // only for a chunk in a bin: the words glibc links it by
  bk?: ChunkLink;
  preview: string;         // up to 16 bytes of user data as printable ASCII ('.' otherwise)
  changed: boolean;        // differs (new, resized or changed state) from the previous stop
}

export interface ChunkLink {
  raw: Hex;                // the word in memory
  decoded: Hex;            // after PROTECT_PTR's reveal for tcache/fastbins; equal to raw otherwise
}

export interface BinEntry {
  addr: number;            // chunk address
  size: number;
  fd: ChunkLink;
  bk?: ChunkLink;          // doubly-linked bins only
}

export interface BinList {
  kind: BinKind;
  index: number;
  label: string;           // pwndbg's label: 'tcache[0x20]', 'fastbin[0x30]', 'unsorted', 'smallbin[4]'
  count: number;           // tcache: counts[i]; the others: entries walked
  limit?: number;          // tcache: mp_.tcache_count
  entries: BinEntry[];
  truncated: boolean;      // the walk stopped at its bound (a cycle or a very long list)
}

export interface Bins {
  tcacheCount: number;     // mp_.tcache_count
  tcache: BinList[];       // non-empty bins only, likewise below
  fastbins: BinList[];
  unsorted: BinList[];
  small: BinList[];
  large: BinList[];
}

// What one page of a mapping is now. anon: resident anonymous memory (or a private copy of a
// file page); file: a page of the mapped file in the page cache, the same as on the disk;
// dirty: such a page newer than the disk (written back by the flusher, fsync, msync or
// reclaim); swap: written to swap, its pte holds the swap entry (a touch is a major fault);
// none: not present, never touched or dropped since (a touch is a minor fault, or a major one
// for a file page that must be read from the disk).
export type PageClass = 'anon' | 'file' | 'dirty' | 'swap' | 'none';
export const PAGE_CLASSES: readonly PageClass[] = ['anon', 'file', 'dirty', 'swap', 'none'];

export type PageCounts = Record<PageClass, number>;

export interface PageRun {
  cls: PageClass;
  pages: number;           // consecutive pages of that class
}

export interface Mapping {
  start: number;
  end: number;
  perms: string;           // 'rw-p'
  name: string;            // as /proc/self/maps prints it; anything a scenario names
  kind: string;
  residentPages: number;   // mincore: for a file mapping, its pages in the page cache
  pages: number;
  pageCounts: PageCounts;  // exact, and sums to `pages`
  // in address order, summing to `pages`. Exact unless `runsApproximate`: a mapping whose
  // classes change more than MAX_PAGE_RUNS times is cut into that many equal slices, each
  // shown as the commonest class among its touched pages (`none` only if it has none).
  pageRuns: PageRun[];
  runsApproximate: boolean;
}
export const MAX_PAGE_RUNS = 512;

export interface PageWalkLevelState {
  level: string;           // 'PML4' | 'PDPT' | 'PD' | 'PT' (i386: 'PDE' | 'PTE')
  index: number;
  tableAddr: number;
  entry: Hex;
  bits: { P: boolean; RW: boolean; US: boolean; A: boolean; D: boolean; NX: boolean };
  next?: number;
}

export interface PageWalkState {
  va: number;
  levels: PageWalkLevelState[];
  present: boolean;
  pa?: number;
  frame?: number;
  swapped: boolean;
  mapping?: string;        // the VMA's name (or '[anon]')
  tlb: 'hit' | 'miss' | 'none';
}

export interface TimelinePoint {
  step: number;            // the interpreter's step count at that stop
  rss: number;
  vsz: number;
  heapSize: number;        // brk - heap base
  freeBytes: number;       // mallinfo2().fordblks
  brk: number;
  // the whole machine, from /proc/meminfo, in bytes
  memFree: number;         // MemFree
  cached: number;          // Cached: the page cache, clean and dirty
  dirty: number;           // Dirty: page-cache pages newer than the disk
  swapUsed: number;        // SwapTotal - SwapFree
}

// /proc/meminfo's main lines, in bytes, at this stop.
export interface MemInfoState {
  memTotal: number;
  memFree: number;
  memAvailable: number;
  cached: number;
  dirty: number;
  swapTotal: number;
  swapFree: number;
}

export interface HeapState {
  step: number;
  arch: 'x86_64' | 'i386';
  heapBase: number;
  brk: number;
  chunks: Chunk[];         // the main heap, ascending, top last
  top: number | null;      // av->top once malloc has run
  mmapped: Chunk[];        // chunks with IS_MMAPPED, each in its own mapping
  truncated: boolean;      // the heap walk stopped at its bound
  bins: Bins;
  mappings: Mapping[];
  layout: { heapBase: number; brk: number; mmapBase: number; stackTop: number };
  vsz: number;
  rss: number;
  tlb: { hits: number; misses: number };
  meminfo: MemInfoState;
  pagewalk: PageWalkState | null;
  timeline: TimelinePoint[];
}
