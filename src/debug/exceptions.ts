// Exception filters: which endings stop the debugger before the process is gone (so the state
// at the fault can be inspected), and the leak check at exit.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { RunEvent } from '../machine/interp/events';
import type { Scenario } from '../machine/scenario';

export const EXCEPTION_FILTERS: DebugProtocol.ExceptionBreakpointsFilter[] = [
  { filter: 'sigsegv', label: 'SIGSEGV (bad access)', default: true, description: 'Stop where the program touches an unmapped address or writes a read-only page.' },
  { filter: 'sigabrt', label: 'glibc abort (SIGABRT)', default: true, description: "Stop where one of glibc's integrity checks fires, with its message." },
  { filter: 'oom', label: 'OOM kill', default: true, description: 'Stop where the OOM killer ends the process.' },
  { filter: 'assert', label: 'Failed assert', default: true },
  { filter: 'use_after_free', label: 'Use of freed memory', default: false, description: "Stop after a statement that reads or writes the user part of a chunk in one of glibc's bins (glibc's own metadata writes aside)." },
  { filter: 'leaks', label: 'Leaks at exit', default: false, description: 'At exit, stop if chunks are still allocated.' },
];

export function filterOf(e: RunEvent | null): string | null {
  if (!e) return null;
  if (e.event === 'assert') return 'assert';
  if (e.event === 'signal') return e.signame === 'SIGSEGV' ? 'sigsegv' : e.signame === 'SIGABRT' ? 'sigabrt' : e.signame === 'SIGKILL' ? 'oom' : 'sigsegv';
  return null;
}

// Chunks still allocated: heap chunks in no bin (the tcache's own struct aside) and mmapped ones.
export function leaks(sc: Scenario): { chunks: number; bytes: number } {
  const s = sc.glibc.state();
  const free = new Set<number>();
  for (const c of Object.values(s.tcache?.chains ?? {})) c.forEach((o) => free.add(o));
  for (const list of [Object.values(s.fastbins), [s.unsorted], Object.values(s.smallbins), Object.values(s.largebins)]) for (const c of list) c.forEach((o) => free.add(o));
  let chunks = 0, bytes = 0;
  for (const [off, size] of s.heap) {
    if (free.has(off) || (s.tcache && off === s.tcache.at - 16)) continue;
    chunks++; bytes += Number(size) - (Number(size) % 8);
  }
  chunks += s.mp.n_mmaps ?? 0;
  bytes += s.mp.mmapped_mem ?? 0;
  return { chunks, bytes };
}
