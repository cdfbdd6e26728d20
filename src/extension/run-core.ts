// `heapstep run FILE` without a process: the CLI's own text printer over the same scenario
// loader, run in slices so the extension host stays responsive and the run can be cancelled.
// No vscode import, so unit tests run it as they run the CLI.
import { formatDiagnostic } from '../lang/index';
import type { MachineConfig } from '../machine/config';
import type { RunEvent } from '../machine/interp/events';
import { loadScenario } from '../machine/scenario';
import { TextPrinter } from '../cli/text';
import { DEFAULT_MAX_STEPS, runInSlices, type SliceOptions } from './run-slices';

export interface RunOptions extends SliceOptions {
  overrides?: Partial<MachineConfig>;
}

// `status` follows the CLI's exit statuses (LANGUAGE.md): 2 for a file with errors, 124 when
// the step limit stopped the run; `cancelled` runs have no status of their own.
export interface RunOutcome { status: number; cancelled: boolean }

const EXIT_SYNTAX = 2, EXIT_STEP_LIMIT = 124;

export async function runScenarioText(text: string, file: string, write: (s: string) => void, opts: RunOptions = {}): Promise<RunOutcome> {
  let printer: TextPrinter | null = null;
  const loaded = loadScenario(text, file, opts.overrides ?? {}, (e: RunEvent) => printer?.event(e));
  if (!loaded.ok) {
    for (const d of loaded.diagnostics) write(formatDiagnostic(d) + '\n');
    return { status: EXIT_SYNTAX, cancelled: false };
  }
  const sc = loaded.scenario;
  for (const d of sc.diagnostics) write(formatDiagnostic(d) + '\n');
  printer = new TextPrinter(sc, write, write, false);
  const end = await runInSlices(sc, opts);
  printer.flush();
  if (end === 'limit') {
    const l = sc.interp.loc;
    write(`${l.file}:${l.line}:${l.col}: error: stopped after ${opts.maxSteps ?? DEFAULT_MAX_STEPS} steps (a runaway loop?)\n`);
    return { status: EXIT_STEP_LIMIT, cancelled: false };
  }
  if (end === 'cancelled') { write('(run cancelled)\n'); return { status: 0, cancelled: true }; }
  return { status: sc.interp.exitStatus, cancelled: false };
}
