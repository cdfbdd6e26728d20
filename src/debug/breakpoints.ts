// All the breakpoints of a session, and the one question the run loop asks them before every
// statement: stop here? Line breakpoints (line-breakpoints.ts), function and event
// breakpoints (event-breakpoints.ts) and data breakpoints (data-breakpoints.ts) each answer for
// themselves; this combines their answers into one stop, and prints what logpoints say.
import { OutputEvent, Source, StoppedEvent } from '@vscode/debugadapter';
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { RunEvent } from '../machine/interp/events';
import type { Frame, Ins } from '../machine/interp/frame';
import type { Scenario } from '../machine/scenario';
import { DataBreakpoints } from './data-breakpoints';
import { FunctionBreakpoints } from './event-breakpoints';
import { LineBreakpoints, type LogLine } from './line-breakpoints';
import type { VariableStore } from './variables';

export type BreakKind = 'breakpoint' | 'function breakpoint' | 'data breakpoint';

export interface Stop { kind: BreakKind; ids: number[]; description?: string; text?: string }

export class Breakpoints {
  readonly lines = new LineBreakpoints();
  readonly functions = new FunctionBreakpoints();
  readonly data = new DataBreakpoints();
  private nextId = 1;
  private reused: number[] = [];
  private readonly newId = (): number => this.reused.shift() ?? this.nextId++;

  // Placing the same breakpoints again (on a restarted program) hands out the ids the client
  // already holds, so that hitBreakpointIds still name its breakpoints.
  reuseIds<T>(ids: number[], place: () => T): T {
    this.reused = [...ids];
    try { return place(); } finally { this.reused = []; }
  }

  constructor(private readonly scenario: () => Scenario | null, private readonly program: () => string,
              private readonly log: (text: string, line: number) => void) {}

  // VS Code sends the breakpoints of every open file; only the program's own can be placed.
  setLines(source: DebugProtocol.Source, specs: DebugProtocol.SourceBreakpoint[]): DebugProtocol.Breakpoint[] {
    if (source.path && samePath(source.path, this.program()) === false) {
      return specs.map((b) => ({ id: this.newId(), verified: false, line: b.line, message: `not the program being debugged (${this.program()})` }));
    }
    return this.lines.set(this.scenario(), specs, this.newId);
  }
  setFunctions(specs: DebugProtocol.FunctionBreakpoint[]): DebugProtocol.Breakpoint[] {
    const placed = this.functions.set(this.scenario(), specs, this.newId);
    // glibc only records its events (the trace) while it narrates
    const sc = this.scenario();
    if (sc && this.functions.wantsAllocatorTrace) sc.glibc.explain = true;
    return placed;
  }
  dataInfo(store: VariableStore, args: DebugProtocol.DataBreakpointInfoArguments): DebugProtocol.DataBreakpointInfoResponse['body'] {
    return this.data.info(this.scenario(), store, args);
  }
  setData(specs: DebugProtocol.DataBreakpoint[]): DebugProtocol.Breakpoint[] {
    return this.data.set(this.scenario(), specs, this.newId);
  }

  get active(): boolean { return this.lines.size > 0 || this.functions.size > 0 || this.data.size > 0; }

  // Everything the machine reports while a statement runs (also during replays, so that
  // reverse continue finds event and data breakpoints too).
  onEvent(e: RunEvent): void {
    const sc = this.scenario();
    if (!sc || !this.active) return;
    this.functions.onEvent(e, sc.glibc.trace);
    this.data.onEvent(sc, e);
  }

  // The machine was moved without running statements through check() (a step back, a replay,
  // a write by the debugger): forget half-seen events and take the watched values as they are.
  resync(): void {
    const sc = this.scenario();
    this.functions.clearPending();
    if (sc) this.data.resync(sc);
  }

  // Before `ins` runs in frame `f`. A replay (reverse continue) looks for the last stop and
  // must leave no trace: no logpoint prints, no hit count moves.
  check(ins: Ins, f: Frame, replay = false): Stop | null {
    const sc = this.scenario();
    if (!sc || !this.active) return null;
    const data = this.data.size ? this.data.check(sc, ins, f, replay) : null;
    const fn = this.functions.size ? this.functions.check(sc, ins, f, replay) : null;
    const logs: LogLine[] = [];
    const line = ins.bp ? this.lines.check(ins, f, replay, logs) : null;
    for (const l of logs) this.log(l.text, l.line);
    if (line?.error && !replay) this.log(line.error + '\n', ins.loc.line);
    if (fn?.error && !replay) this.log(fn.error + '\n', ins.loc.line);
    if (!data && !fn && !line) return null;
    // one stop names the most specific cause first and lists every breakpoint that fired
    const kind: BreakKind = data ? 'data breakpoint' : fn ? 'function breakpoint' : 'breakpoint';
    const texts = [data?.text, fn?.text, line?.error].filter((t): t is string => !!t);
    return {
      kind,
      ids: [...(data?.ids ?? []), ...(fn?.ids ?? []), ...(line?.ids ?? [])],
      description: data?.description ?? fn?.description ?? (line?.error ? 'Paused on breakpoint (its condition failed)' : undefined),
      text: texts.length ? texts.join('\n') : undefined,
    };
  }

  // The run ended inside a statement (the OOM killer): an `oom` breakpoint stops there.
  checkFinal(): Stop | null {
    const sc = this.scenario();
    if (!sc || !this.functions.size) return null;
    const f = sc.interp.frame;
    const s = this.functions.checkFinal(sc, f, sc.interp.loc.line);
    return s && { kind: 'function breakpoint', ids: s.ids, description: s.description, text: s.text };
  }
}

// A stop as DAP tells it: the reason, a short description and the longer text (what fired, the
// event's chunk, a watched value's old and new bytes), and which breakpoints did it.
export function stoppedEvent(reason: string, threadId: number, text?: string, detail?: { description?: string; hitBreakpointIds?: number[] }): DebugProtocol.StoppedEvent {
  const e = new StoppedEvent(reason, threadId, text) as DebugProtocol.StoppedEvent;
  if (detail?.description) e.body.description = detail.description;
  if (detail?.hitBreakpointIds?.length) e.body.hitBreakpointIds = detail.hitBreakpointIds;
  return e;
}

// Output that belongs to a line of the scenario (a logpoint's message): VS Code shows the
// location next to it in the Debug Console.
export function outputEvent(text: string, category: string, path: string, line?: number): DebugProtocol.OutputEvent {
  const e = new OutputEvent(text, category) as DebugProtocol.OutputEvent;
  if (line) { e.body.source = new Source(path.split(/[\\/]/).pop() ?? path, path); e.body.line = line; e.body.column = 1; }
  return e;
}

function samePath(a: string, b: string): boolean | null {
  if (!b) return null;
  const norm = (p: string) => p.replace(/\\/g, '/').replace(/^([a-z]):/i, (_m, d: string) => d.toLowerCase() + ':');
  return norm(a) === norm(b);
}
