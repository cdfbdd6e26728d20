// "Compare with Your Machine": the scenario on the emulator and, translated to C, on the host's
// gcc and glibc; the two traces compared call by call. Node only (host.ts runs gcc).
import { scenarioToC, type Unsupported } from '../../lang/to-c';
import { compareRuns, type Comparison } from './align';
import { startEmulation } from './emulate';
import { runOnHost, type HostOptions } from './host';

export type CompareOutcome =
  | { kind: 'unsupported'; file: string; unsupported: Unsupported[] }
  | { kind: 'errors'; file: string; errors: string[] }
  | { kind: 'failed'; file: string; reason: 'no-compiler' | 'build-failed' | 'run-failed'; message: string; c?: string }
  | { kind: 'compared'; file: string; comparison: Comparison; hostGlibc: string; c: string; hostStdout: string; hostStderr: string };

export interface CompareOptions extends HostOptions { maxSteps?: number; cancelled?: () => boolean }

// What a host run cannot be held to, said in every report.
export const NOT_COMPARED = [
  'Absolute addresses (the host has ASLR): heap pointers are compared as offsets from the heap base, mmapped chunks by their header and page offset, other pointers by the region they fall in.',
  "The program's output (printf, maps(), read()): it prints absolute addresses.",
  "rss(), vsz(), minflt(), majflt(): the host's counters include the C runtime's own pages; they are compared only through the scenario's asserts.",
  "heap(), bins(), vis(), pagewalk(): the emulator's view of glibc and the page tables; the host run prints a note.",
  "The allocator's calls made by the C library itself (such as stdio's buffer), and the narration (why).",
  "The program's own brk() and sbrk() one by one (glibc's sbrk often answers from its cached break, without the system call the emulator's trace shows): their effect is compared as the program break after each later call and at the end.",
];

export async function compareScenario(text: string, file: string, opts: CompareOptions): Promise<CompareOutcome> {
  const t = scenarioToC(text, file);
  if (!t.ok) return t.errors.length ? { kind: 'errors', file, errors: t.errors } : { kind: 'unsupported', file, unsupported: t.unsupported };
  const started = startEmulation(text, file, { maxSteps: opts.maxSteps, cancelled: opts.cancelled });
  if (!started.ok) return { kind: 'errors', file, errors: started.errors };
  const [emu, host] = await Promise.all([started.run(), runOnHost(t.c, { heapBase: started.heapBase, ...opts })]);
  if (!emu.ok) return { kind: 'errors', file, errors: emu.errors };
  if (!host.ok) return { kind: 'failed', file, reason: host.kind, message: host.message, c: t.c };
  const comparison = compareRuns(emu.run, host.run);
  if (host.glibc !== '2.36') comparison.notes.unshift(`The host's glibc is ${host.glibc}; the emulator follows glibc 2.36, so differences are expected.`);
  if (!host.heapLow) comparison.notes.push("The host's heap could not be placed at the emulator's address modulo 64 MiB: results computed from the heap's absolute address may differ.");
  return { kind: 'compared', file, comparison, hostGlibc: host.glibc, c: t.c, hostStdout: host.stdout, hostStderr: host.stderr };
}
