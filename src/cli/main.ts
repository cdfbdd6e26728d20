// `heapstep run FILE [--jsonl | --quiet]`: the headless front end (LANGUAGE.md's CLI contract).
import { readFileSync } from 'node:fs';
import { formatDiagnostic } from '../lang/index';
import type { MachineConfig } from '../machine/config';
import { configOverridesFromArgs, USAGE } from './args';
import { JsonlPrinter } from './jsonl';
import { TextPrinter } from './text';
import { loadScenario } from '../machine/scenario';
import type { RunEvent } from '../machine/interp/events';

export const EXIT_SYNTAX = 2, EXIT_STEP_LIMIT = 124, EXIT_INTERNAL = 70;

function main(argv: string[]): number {
  const [cmd, ...rest] = argv;
  if (!cmd || cmd === '--help' || cmd === '-h' || cmd === 'help') { process.stdout.write(USAGE); return cmd ? 0 : 2; }
  if (cmd === '--version') { process.stdout.write('heapstep 0.1.0 (glibc 2.36 ptmalloc2 on an emulated Linux x86-64 process)\n'); return 0; }
  if (cmd !== 'run') { process.stderr.write(`heapstep: unknown command '${cmd}'\n${USAGE}`); return 2; }
  const file = rest.find((a, i) => !a.startsWith('--') && !isOptionValue(rest, i));
  if (!file) { process.stderr.write(`heapstep: run needs a FILE\n${USAGE}`); return 2; }
  const jsonl = rest.includes('--jsonl'), quiet = rest.includes('--quiet');
  let overrides: Partial<MachineConfig>, maxSteps: number;
  try { ({ overrides, maxSteps } = configOverridesFromArgs(rest)); } catch (e) { process.stderr.write(`heapstep: ${(e as Error).message}\n`); return 2; }
  let text: string;
  try { text = readFileSync(file, 'utf8'); } catch (e) { process.stderr.write(`heapstep: cannot read ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}\n`); return 2; }

  // a reader that goes away (`| head`) ends the run quietly, as a C program killed by SIGPIPE would
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(0); throw e; });
  const out = (s: string) => { process.stdout.write(s); };
  const err = (s: string) => { process.stderr.write(s); };
  let printer: { event(e: RunEvent): void; flush(): void } | null = null;
  const loaded = loadScenario(text, file, overrides, (e) => printer?.event(e));
  if (!loaded.ok) {
    for (const d of loaded.diagnostics) err(formatDiagnostic(d) + '\n');
    return EXIT_SYNTAX;
  }
  const sc = loaded.scenario;
  for (const d of sc.diagnostics) if (!jsonl) err(formatDiagnostic(d) + '\n');
  printer = jsonl ? new JsonlPrinter(sc, out) : new TextPrinter(sc, out, err, quiet);
  if (quiet || rest.includes('--no-why')) sc.glibc.explain = false;   // nobody reads the narration
  const reason = sc.interp.run(maxSteps);
  if (reason === 'limit') {
    const l = sc.interp.loc;
    err(`${l.file}:${l.line}:${l.col}: error: stopped after ${maxSteps} steps (a runaway loop?); raise the limit with --max-steps N\n`);
    printer.flush();
    return EXIT_STEP_LIMIT;
  }
  printer.flush();
  return sc.interp.exitStatus;
}

function isOptionValue(args: string[], i: number): boolean {
  return i > 0 && /^--(max-steps|ram|swap|arch|overcommit|seed|aslr|stdio-buffers|glibc)$/.test(args[i - 1]);
}

let status: number;
try {
  status = main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`heapstep: internal error: ${(e as Error)?.stack ?? e}\n`);
  status = EXIT_INTERNAL;
}
process.exitCode = status;
