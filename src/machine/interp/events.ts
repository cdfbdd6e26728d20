// What a run reports, in order. Machine events (syscall, fault, reclaim) are forwarded with
// the step and line that caused them.
import type { MachineEvent } from '../events';
import type { Val } from './arith';

export interface Where { step: number; line: number }

export interface CallEvent extends Where {
  event: 'call';
  fn: string;                 // the allocator entry point
  args: Val[];
  ret: Val | null;            // raw return value (pointer, number) or null for void
  why: string[];
  by?: string;                // set when the call was made by the C library itself (stdio)
}
export interface SignalEvent extends Where {
  event: 'signal'; signal: number; signame: string; message: string;
  addr?: string; reason?: string; check?: string;
  entry?: string;             // SIGABRT: the allocator call of the program whose check fired
}
export interface AssertEvent extends Where { event: 'assert'; message: string }
export interface ErrorEvent extends Where { event: 'error'; message: string }
export interface ExitEvent { event: 'exit'; status: number }

export type RunEvent = CallEvent | SignalEvent | AssertEvent | ErrorEvent | ExitEvent
  | (MachineEvent & Partial<Where>);

export type RunSink = (e: RunEvent) => void;
