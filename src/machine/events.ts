// Events the machine emits while a program runs. The CLI prints them, the debugger turns them
// into stops and output, the views read them. Plain data only (they are snapshotted and sent
// over DAP as JSON).

export interface SyscallEvent {
  event: 'syscall';
  name: string;                       // 'brk' | 'mmap' | 'munmap' | ...
  args: (number | string)[];          // numbers; > 2^53 as decimal strings
  ret: number | string;               // raw return (negative errno for failures, as the kernel returns)
  errno?: number;
  by?: string;                        // who asked: 'program' | 'malloc' | 'free' | ...
}

export interface FaultEvent {
  event: 'fault';
  kind: 'minor' | 'major';            // minor: zero-fill, first touch, page cache hit; major: disk or swap read
  addr: number;                       // faulting virtual address
  page: number;                       // page-aligned address
  write: boolean;
  file?: string;                      // a file mapping's path
  cow?: boolean;                      // a store to a private file mapping copied the page
}

export interface ReclaimEvent {
  event: 'reclaim';
  // swapout: an anonymous page written to swap; drop: a clean page-cache page freed;
  // writeback: a dirty page-cache page written to the disk; kswapd_wake / kswapd_sleep:
  // background reclaim between steps; direct_reclaim: an allocation stalled to reclaim;
  // oom_kill: a process killed
  action: 'swapout' | 'drop' | 'writeback' | 'kswapd_wake' | 'kswapd_sleep' | 'direct_reclaim' | 'oom_kill';
  page?: number;
  file?: string;
  index?: number;                     // page index in the file
  by?: string;                        // kswapd, direct, flusher, fsync, msync
  detail?: string;
}

export interface OutputEvent { event: 'output'; text: string }

export type MachineEvent = SyscallEvent | FaultEvent | ReclaimEvent | OutputEvent;

// Event delivery is a plain callback: cheap when nobody listens.
export type EventSink = (e: MachineEvent) => void;
