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
  kind: 'minor' | 'major';            // minor: zero-fill / first touch; major: swap-in
  addr: number;                       // faulting virtual address
  page: number;                       // page-aligned address
  write: boolean;
}

export interface ReclaimEvent {
  event: 'reclaim';
  action: 'swapout' | 'drop' | 'oom_kill';
  page?: number;
  detail?: string;
}

export interface OutputEvent { event: 'output'; text: string }

export type MachineEvent = SyscallEvent | FaultEvent | ReclaimEvent | OutputEvent;

// Event delivery is a plain callback: cheap when nobody listens.
export type EventSink = (e: MachineEvent) => void;
