// The debuggee as the debug session sees it: a scenario running on the emulated machine,
// driven in chunks of steps so that pause requests are heard between chunks. Knows nothing of
// DAP (vscode-mock-debug's runtime/session split).
import type { Diagnostic } from '../lang/ast';
import type { MachineConfig } from '../machine/config';
import type { RunEvent } from '../machine/interp/events';
import type { Frame, Ins } from '../machine/interp/frame';
import type { InterpSnapshot } from '../machine/interp/interpreter';
import { loadScenario, type Scenario } from '../machine/scenario';
import { filterOf, leaks } from './exceptions';

export interface FileAccessor { readFile(path: string): Promise<string> }

export type StopKind = 'entry' | 'step' | 'breakpoint' | 'pause' | 'exception';

export interface RuntimeListener {
  stopped(kind: StopKind, text?: string): void;
  output(text: string, category: 'stdout' | 'stderr' | 'console'): void;
  event(e: RunEvent): void;
  exited(status: number): void;
}

export interface SourceBreakpoint { line: number }
export interface PlacedBreakpoint { line: number; verified: boolean; message?: string }

const CHUNK = 100_000;   // steps between chances to hear a pause request (and between snapshots)

export class HeapStepRuntime {
  scenario: Scenario | null = null;
  path = '';
  private bpLines = new Set<number>();
  private paused = false;
  private running = false;
  private lastSignal: RunEvent | null = null;

  constructor(private readonly files: FileAccessor, private readonly listener: RuntimeListener) {}

  async load(path: string, overrides: Partial<MachineConfig>): Promise<Diagnostic[] | null> {
    this.path = path;
    const text = await this.files.readFile(path);
    const r = loadScenario(text, path, overrides, (e) => this.onEvent(e));
    if (!r.ok) return r.diagnostics;
    this.scenario = r.scenario;
    this.scenario.interp.start();
    this.snapshots = [this.scenario.interp.snapshot()];
    return null;
  }

  // Snapshots taken at stops and every CHUNK steps: stepping back restores the nearest one
  // before the target and replays forward (the machine is deterministic), with events muted.
  private snapshots: InterpSnapshot[] = [];
  private replaying = false;
  private remember(): void {
    const it = this.scenario!.interp;
    const last = this.snapshots[this.snapshots.length - 1];
    if (!last || last.steps < it.steps) this.snapshots.push(it.snapshot());
  }
  private replayTo(target: number): void {
    const it = this.scenario!.interp;
    let k = this.snapshots.length - 1;
    while (k > 0 && this.snapshots[k].steps > target) k--;
    const snap = this.snapshots[k];
    this.snapshots.length = k + 1;     // later ones belong to the future being rewritten
    this.replaying = true;
    try {
      it.restore(snap);
      it.breakHook = null;
      if (target > snap.steps) it.run(target - snap.steps);
      // stopped here as at a breakpoint: show this statement, and let the next run execute it
      const f = it.frame;
      if (f) it.loc = f.code[Math.min(f.pc, f.code.length - 1)].loc;
      it.resumeAfterBreak = true;
    } finally { this.replaying = false; }
    this.lastSignal = null;
    this.pendingExit = null;
  }

  stepBack(): void {
    const it = this.scenario?.interp;
    if (!it || this.running) return;
    this.replayTo(Math.max(0, it.steps - 1));
    this.listener.stopped('step');
  }

  // Back to the most recent earlier stop of a breakpoint (or the start).
  reverseContinue(): void {
    const it = this.scenario?.interp;
    if (!it || this.running) return;
    const goal = it.steps;
    let last = -1;
    this.replayTo(0);
    it.resumeAfterBreak = false;      // the first statement may itself be the breakpoint
    this.replaying = true;
    try {
      it.breakHook = (ins) => { if (this.hit(ins) && it.steps < goal) last = it.steps; return false; };
      if (goal > 0) it.run(goal - it.steps);
    } finally { this.replaying = false; }
    this.replayTo(Math.max(0, last));
    this.listener.stopped(last >= 0 ? 'breakpoint' : 'entry');
  }

  private onEvent(e: RunEvent): void {
    if (this.replaying) return;
    if (e.event === 'output') this.listener.output(e.text, 'stdout');
    else if (e.event === 'signal' || e.event === 'assert' || e.event === 'error') this.lastSignal = e;
    this.listener.event(e);
  }

  // which endings stop (see exceptions.ts); all but the leak check by default
  exceptionFilters = new Set(['sigsegv', 'sigabrt', 'oom', 'assert']);
  private leakText: string | null = null;

  get exceptionText(): string | undefined {
    if (this.leakText) return this.leakText;
    const e = this.lastSignal;
    if (!e) return undefined;
    if (e.event === 'signal') return `${e.signame}: ${e.message}`;
    if (e.event === 'assert' || e.event === 'error') return e.message;
    return undefined;
  }

  // Every instruction that starts a statement, by line: where a breakpoint can be.
  private stepLines(): Map<number, Ins[]> {
    const m = new Map<number, Ins[]>();
    for (const cf of this.scenario?.interp.funcs.values() ?? []) {
      for (const ins of cf.code) {
        if (!ins.step) continue;
        const l = m.get(ins.loc.line) ?? [];
        l.push(ins); m.set(ins.loc.line, l);
      }
    }
    return m;
  }

  // Puts each breakpoint on the nearest executable line at or after the one asked for.
  setBreakpoints(bps: SourceBreakpoint[]): PlacedBreakpoint[] {
    const lines = this.stepLines();
    const sorted = [...lines.keys()].sort((a, b) => a - b);
    for (const list of lines.values()) for (const ins of list) ins.bp = false;
    this.bpLines.clear();
    return bps.map((bp) => {
      const line = sorted.find((l) => l >= bp.line);
      if (line === undefined) return { line: bp.line, verified: false, message: 'no statement at or after this line' };
      for (const ins of lines.get(line)!) ins.bp = true;
      this.bpLines.add(line);
      return { line, verified: true };
    });
  }

  // Function breakpoints: stop before a statement that calls one of these built-ins.
  private fnBps = new Set<string>();
  setFunctionBreakpoints(names: string[], known: (n: string) => boolean): PlacedBreakpoint[] {
    this.fnBps = new Set(names.filter(known));
    return names.map((n) => (known(n) ? { line: 0, verified: true } : { line: 0, verified: false, message: `'${n}' is not a built-in function` }));
  }
  private hit(ins: Ins): boolean {
    return ins.bp === true || (this.fnBps.size > 0 && !!ins.calls && ins.calls.some((c) => this.fnBps.has(c)));
  }

  continue(): void { this.go(() => (ins) => this.hit(ins), 'breakpoint'); }
  stepIn(): void { this.go(() => () => true, 'step'); }
  next(): void {
    const depth = this.scenario?.interp.frames.length ?? 0;
    this.go(() => (ins) => this.hit(ins) || (this.scenario!.interp.frames.length <= depth), 'step');
  }
  stepOut(): void {
    const depth = this.scenario?.interp.frames.length ?? 0;
    this.go(() => (ins) => this.hit(ins) || this.scenario!.interp.frames.length < depth, 'step');
  }
  pause(): void { if (this.running) this.paused = true; }

  private go(makeHook: () => (ins: Ins, f: Frame) => boolean, kind: StopKind): void {
    const sc = this.scenario;
    if (!sc || this.running) return;
    const it = sc.interp;
    const hook = makeHook();
    it.breakHook = (ins, f) => {
      if (hook(ins, f)) { this.stopKind = this.hit(ins) && kind !== 'step' ? 'breakpoint' : kind; return true; }
      return false;
    };
    this.running = true;
    this.paused = false;
    const chunk = (): void => {
      let reason;
      try { reason = it.run(CHUNK); } catch (e) { reason = 'exited' as const; this.listener.output(`internal error: ${(e as Error).message}\n`, 'stderr'); }
      if (reason === 'limit') {
        this.remember();
        if (this.paused) { this.running = false; this.listener.stopped('pause'); return; }
        setTimeout(chunk, 0);
        return;
      }
      this.running = false;
      if (reason === 'break') { this.remember(); this.listener.stopped(this.stopKind); return; }
      const filter = filterOf(this.lastSignal);
      if (filter && this.exceptionFilters.has(filter)) {
        // stop at the fault so the user can look around, as gdb does on a signal
        this.listener.stopped('exception', this.exceptionText);
        this.lastSignal = { ...this.lastSignal, event: 'error', message: this.exceptionText ?? '' } as RunEvent;
        this.pendingExit = it.exitStatus;
        return;
      }
      if (!filter && this.exceptionFilters.has('leaks') && this.leakText === null) {
        const l = leaks(sc);
        if (l.chunks > 0) {
          this.leakText = `leaks at exit: ${l.chunks} chunk${l.chunks === 1 ? '' : 's'} (${l.bytes} bytes) still allocated`;
          this.listener.stopped('exception', this.leakText);
          this.pendingExit = it.exitStatus;
          return;
        }
      }
      this.listener.exited(it.exitStatus);
    };
    if (this.pendingExit !== null) { this.running = false; const s = this.pendingExit; this.pendingExit = null; this.listener.exited(s); return; }
    setTimeout(chunk, 0);
  }
  private stopKind: StopKind = 'step';
  private pendingExit: number | null = null;
}
