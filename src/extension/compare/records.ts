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
  note?: string;                   // why the run stopped early (timeout, output cap, step limit)
}

// Fields that describe the record rather than its outcome.
export const KEY_FIELDS = new Set(['k', 'line', 'fn']);

// Consecutive brk/sbrk calls of the program on one line are one record: the emulator's sbrk is
// one or two brk system calls, which cannot be told apart from a brk() next to it.
export function foldBreakCalls(rs: CallRecord[]): CallRecord[] {
  const out: CallRecord[] = [];
  for (const r of rs) {
    const last = out[out.length - 1];
    const isBrk = r.k === 'sys' && (r.fn === 'brk' || r.fn === 'sbrk');
    if (isBrk && last && last.k === 'sys' && last.fn === 'brk/sbrk' && last.line === r.line) { last.brk = r.brk; continue; }
    out.push(isBrk ? { k: 'sys', line: r.line, fn: 'brk/sbrk', brk: r.brk } : r);
  }
  return out;
}
