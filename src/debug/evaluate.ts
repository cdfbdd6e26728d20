// evaluate: the Debug Console, hovers, watches and Copy Value. In the console and in watches
// a line may be a command (heap, bins, chunk, x/4gx, try_free, help, ...); anything else is an
// expression of the scenario language, evaluated in the selected frame without side effects,
// except that the console lets an assignment write, as gdb's `print p = 0` does.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Scenario } from '../machine/scenario';
import { findCommand, type ConsoleCommand } from './console/commands';
import type { ConsoleContext } from './console/context';
import { compileIn, evaluateText, frameView, visibleDecls } from './console/expr';
import { present, type EvalBody } from './console/present';

const REFUSE: Record<string, string> = {
  hover: 'a hover never changes the program',
  watch: 'a watch never changes the program (assign in the Debug Console)',
  clipboard: 'copying a value never changes the program',
};

interface CommandLine { cmd: ConsoleCommand; slash: string; rest: string }

// `x/4gx p`, `chunk p`, `help`: a command, unless a variable of the command's name is in scope
// and the whole line is a valid expression (`x / 2`, `p + 1` with locals x and p).
export function parseCommand(sc: Scenario, text: string, frameId: number | undefined): CommandLine | null {
  const m = /^([A-Za-z_]\w*)(?:\/(\S*))?(?:\s+([\s\S]*))?$/.exec(text);
  const cmd = m && findCommand(m[1]);
  if (!m || !cmd) return null;
  const fv = frameView(sc, frameId);
  if (visibleDecls(sc, fv).some((d) => d.name === m[1])) {
    try { compileIn(sc, fv, text); return null; } catch { /* not an expression: the command */ }
  }
  return { cmd, slash: m[2] ?? '', rest: m[3] ?? '' };
}

export function evaluate(con: ConsoleContext, args: DebugProtocol.EvaluateArguments): EvalBody {
  const sc = con.scenario;
  const text = args.expression.trim().replace(/;+$/, '').trim();
  const context = args.context ?? 'repl';
  const refuseWrites = context === 'repl' ? null : REFUSE[context] ?? 'this evaluation never changes the program';
  if (context === 'repl' || context === 'watch') {
    const line = parseCommand(sc, text, args.frameId);
    if (line) {
      const out = line.cmd.run({ con, sc, slash: line.slash, rest: line.rest, frameId: args.frameId, refuseWrites });
      return typeof out === 'string' ? { result: out.replace(/\n$/, ''), variablesReference: 0 } : out;
    }
  }
  const ev = evaluateText(sc, args.frameId, text, { refuseWrites });
  if (ev.assigned) con.announceWrites(ev.writes);
  return present(sc, con.store, ev);
}
