// The emulated process as the layers above see it: memory, system calls, counters and the
// textual views. Implemented by memory/ and kernel/ (see kernel/process.ts); used by glibc/
// and interp/. No VS Code, no Node.
import type { MachineConfig } from './config';
import type { EventSink } from './events';
import type { MemoryInspector, VirtualMemory } from './memory/types';
import type { MemoryPressure, PageRun } from './kernel/pressure';
import type { ProcessLayout, Syscalls, VmArea } from './kernel/types';

export interface ProcessCounters {
  rss: number;            // bytes resident (pages of the process's mappings in RAM, not page tables)
  rssAnon: number;        // RssAnon: private anonymous pages (and private copies of file pages)
  rssFile: number;        // RssFile: page-cache pages mapped by the process
  rssShmem: number;       // RssShmem: shared anonymous pages
  vsz: number;            // bytes of all mappings
  minflt: number;
  majflt: number;
  syscalls: number;       // every system call counted (each a user -> kernel -> user switch)
  tlbHits: number;
  tlbMisses: number;
  swapUsed: number;       // bytes in swap
  freeFrames: number;     // physical frames not in use
  totalFrames: number;
  pageTableFrames: number;
  committed: number;       // Committed_AS: bytes of accounted (private writable) mappings
  commitLimit: number;     // CommitLimit: swap + RAM * vm.overcommit_ratio (50%), enforced under overcommit 2
}

export interface PageWalkLevel {
  level: string;          // 'PML4' | 'PDPT' | 'PD' | 'PT' (i386: 'PDE' | 'PTE')
  index: number;          // index into that table
  tableAddr: number;      // physical address of the table
  entry: number | bigint; // raw 64-bit entry (32-bit on i386)
  bits: { P: boolean; RW: boolean; US: boolean; A: boolean; D: boolean; NX: boolean };
  next?: number;          // physical address the entry points at (table or frame)
}
export interface PageWalk {
  va: number;
  levels: PageWalkLevel[];
  present: boolean;       // translation complete
  pa?: number;            // physical address when present
  swapped?: boolean;      // non-present PTE holding a swap entry
  vma?: VmArea;
  tlb: 'hit' | 'miss' | 'none';   // whether the TLB holds this page now (no side effect)
}

export interface EmulatedProcess {
  readonly config: MachineConfig;
  readonly layout: ProcessLayout;
  readonly mem: VirtualMemory;
  readonly inspect: MemoryInspector;
  readonly sys: Syscalls;
  sink: EventSink | null;                 // where machine events go (null: nobody listens)
  counters(): ProcessCounters;
  vmas(): VmArea[];
  brkNow(): number;
  maps(): string;                         // /proc/self/maps text
  pagewalk(va: number): PageWalk;         // no side effects
  pagewalkText(va: number): string;       // a textbook page walk, every level
  residentPages(start: number, end: number): number;   // mincore over [start,end)
  meminfo(): string;                      // /proc/meminfo text
  vmstat(): string;                       // /proc/vmstat's reclaim counters
  vmEvent(name: string): number;          // one /proc/vmstat or /proc/meminfo (kB) value by name
  pressure(): MemoryPressure;             // meminfo, vmstat, watermarks, the last reclaim actions (no side effects)
  pageRuns(start: number, end: number): PageRun[];   // each page of one area by class (no side effects)
  // Background kernel work (kswapd, the flusher) between steps: the interpreter supplies the
  // clock (its step count) and is asked, through `wake`, to call background() at a step.
  attachClock(clock: () => number, wake: (atStep: number) => void): void;
  background(): void;
  stdout: ((bytes: Uint8Array) => void) | null;   // write(1, ...) / write(2, ...)
}
