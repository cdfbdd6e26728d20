// What one side of the comparison saw, call by call, in the shape the host prelude
// (resources/compare/heapstep-host.h) writes its lines: offsets from the heap base, chunk
// header fields, the program break after the call. The emulator's side is built to the same
// shape (emulate.ts), so the two compare field by field.
export type Json = number | string | boolean | null;

export interface CallRecord {
  k: 'call' | 'sys' | 'assert';
  line: number;
  fn: string;
  // call: where (heap|image|mmap|other), off, size, usable, prev_size, page_off, moved, rc,
  // ptr (null), errno, value; sys: value, failed, errno, page_off; assert: ok; both: brk
  [field: string]: Json;
}

export interface SideRun {
  records: CallRecord[];
  status: number;                  // the CLI's exit statuses: 134 SIGABRT, 139 SIGSEGV, 1 failed assert
  signal?: string;                 // SIGABRT, SIGSEGV, ...
  abortMessage?: string;           // glibc's message when one of its checks fired
  assertFailed?: { line: number; at: number };   // at: records before the failed assert
  finalBrk?: number;               // the program break at a normal end (exit or return from main)
  note?: string;                   // why the run stopped early (timeout, output cap, step limit)
}

// Fields that describe the record rather than its outcome.
export const KEY_FIELDS = new Set(['k', 'line', 'fn']);

// The program's own brk() and sbrk() are left out of the call-by-call comparison: glibc's
// sbrk answers from its cached break without a system call, so the emulator's trace (system
// calls) cannot pair them one for one. Their effect is compared all the same, as the program
// break every later record carries and the break at the end.
export function withoutBreakCalls(rs: CallRecord[]): CallRecord[] {
  return rs.filter((r) => !(r.k === 'sys' && (r.fn === 'brk' || r.fn === 'sbrk')));
}
