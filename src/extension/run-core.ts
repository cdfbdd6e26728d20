// `heapstep run FILE` without a process: the CLI's own text printer over the same scenario
// loader, run in slices so the extension host stays responsive and the run can be cancelled.
// No vscode import, so unit tests run it as they run the CLI.
import { formatDiagnostic } from '../lang/index';
import type { MachineConfig } from '../machine/config';
import type { RunEvent } from '../machine/interp/events';
import { loadScenario } from '../machine/scenario';
import { TextPrinter } from '../cli/text';

export interface RunOptions {
  overrides?: Partial<MachineConfig>;
  maxSteps?: number;                 // the CLI's default: 50,000,000
  slice?: number;                    // steps between yields to the event loop
  cancelled?: () => boolean;
}

// `status` follows the CLI's exit statuses (LANGUAGE.md): 2 for a file with errors, 124 when
// the step limit stopped the run; `cancelled` runs have no status of their own.
export interface RunOutcome { status: number; cancelled: boolean }

const EXIT_SYNTAX = 2, EXIT_STEP_LIMIT = 124;
const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 0));

export async function runScenarioText(text: string, file: string, write: (s: string) => void, opts: RunOptions = {}): Promise<RunOutcome> {
  const maxSteps = opts.maxSteps ?? 50_000_000, slice = opts.slice ?? 200_000;
  let printer: TextPrinter | null = null;
  const loaded = loadScenario(text, file, opts.overrides ?? {}, (e: RunEvent) => printer?.event(e));
  if (!loaded.ok) {
    for (const d of loaded.diagnostics) write(formatDiagnostic(d) + '\n');
    return { status: EXIT_SYNTAX, cancelled: false };
  }
  const sc = loaded.scenario;
  for (const d of sc.diagnostics) write(formatDiagnostic(d) + '\n');
  printer = new TextPrinter(sc, write, write, false);
  let left = maxSteps;
  for (;;) {
    const n = Math.min(slice, left);
    const reason = sc.interp.run(n);
    if (reason !== 'limit') break;
    left -= n;
    if (left <= 0) {
      const l = sc.interp.loc;
      printer.flush();
      write(`${l.file}:${l.line}:${l.col}: error: stopped after ${maxSteps} steps (a runaway loop?)\n`);
      return { status: EXIT_STEP_LIMIT, cancelled: false };
    }
    await tick();
    if (opts.cancelled?.()) { printer.flush(); write('(run cancelled)\n'); return { status: 0, cancelled: true }; }
  }
  printer.flush();
  return { status: sc.interp.exitStatus, cancelled: false };
}
