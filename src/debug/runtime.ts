// The debuggee as the debug session sees it: a scenario running on the emulated machine,
// driven in chunks of steps so that pause requests are heard between chunks. Knows nothing of
// DAP (vscode-mock-debug's runtime/session split).
import type { Diagnostic } from '../lang/ast';
import type { MachineConfig } from '../machine/config';
import type { RunEvent } from '../machine/interp/events';
import type { Frame, Ins } from '../machine/interp/frame';
import type { InterpSnapshot, StopReason } from '../machine/interp/interpreter';
import { loadScenario, type Scenario } from '../machine/scenario';
import { filterOf, leaks } from './exceptions';
import { Breakpoints, type Stop } from './breakpoints';
import { GlibcPath, type PathMove } from './glibc-path';
import { FreedMemoryCheck } from './freed-memory';

export interface FileAccessor { readFile(path: string): Promise<string> }

export type StopKind = 'entry' | 'step' | 'breakpoint' | 'function breakpoint' | 'data breakpoint' | 'pause' | 'exception';

// What a breakpoint stop adds: a short label and the breakpoints that fired.
export interface StopDetail { description?: string; hitBreakpointIds?: number[] }

export interface RuntimeListener {
  stopped(kind: StopKind, text?: string, detail?: StopDetail): void;
  // `line`: the source line the text is about (a logpoint's)
  output(text: string, category: 'stdout' | 'stderr' | 'console', line?: number): void;
  event(e: RunEvent): void;
  exited(status: number): void;
}

type StopAt = { kind: StopKind; text?: string; description?: string; ids?: number[] };

const CHUNK = 100_000;   // steps between chances to hear a pause request
// Step back replays from the nearest snapshot before its target: one every SPACING steps keeps
// that replay short. A snapshot compares every frame in use with the one before (phys.ts), so
// a large memory spaces them further apart; past MAX_SNAPSHOTS the older half thins out.
const SPACING = 10_000;
const STEPS_PER_FRAME = 16;
const MAX_SNAPSHOTS = 256;

export class HeapStepRuntime {
  scenario: Scenario | null = null;
  path = '';
  private paused = false;
  private running = false;
  private lastSignal: RunEvent | null = null;

  readonly breakpoints: Breakpoints;
  // an allocator call's path through glibc, walked after a step into its statement
  readonly glibcPath = new GlibcPath();

  constructor(private readonly files: FileAccessor, private readonly listener: RuntimeListener) {
    this.breakpoints = new Breakpoints(() => this.scenario, () => this.path, (text, line) => this.listener.output(text, 'console', line));
  }

  async load(path: string, overrides: Partial<MachineConfig>): Promise<Diagnostic[] | null> {
    this.path = path;
    const text = await this.files.readFile(path);
    const r = loadScenario(text, path, overrides, (e) => this.onEvent(e));
    if (!r.ok) return r.diagnostics;
    this.scenario = r.scenario;
    this.scenario.interp.start();
    this.snapshots = [this.scenario.interp.snapshot()];
    this.freed.enable(this.filters.has('use_after_free') ? this.scenario : null);
    return null;
  }

  // The program again from disk, on a fresh machine. A file that no longer compiles leaves the
  // current run as it is (load installs nothing then).
  async reload(overrides: Partial<MachineConfig>): Promise<Diagnostic[] | null> {
    if (this.running) throw new Error('restart: pause the program first');
    const diags = await this.load(this.path, overrides);
    if (diags) return diags;
    this.glibcPath.leave();
    this.lastSignal = null;
    this.leakText = null;
    this.pendingExit = null;
    this.terminated = false;
    this.uafText = null;
    return null;
  }

  // Snapshots taken at stops and while running: stepping back restores the nearest one
  // before the target and replays forward (the machine is deterministic), with events muted.
  private snapshots: InterpSnapshot[] = [];
  private replaying = false;
  private remember(): void {
    const it = this.scenario!.interp;
    const last = this.snapshots[this.snapshots.length - 1];
    if (last && last.steps >= it.steps) return;
    this.snapshots.push(it.snapshot());
    if (this.snapshots.length > MAX_SNAPSHOTS) {
      const half = this.snapshots.length >> 1;
      this.snapshots = this.snapshots.filter((_, i) => i === 0 || i >= half || i % 2 === 0);
    }
  }
  // Runs up to n steps with a snapshot every spacing steps.
  private runRemembering(n: number): StopReason {
    const sc = this.scenario!, it = sc.interp;
    const end = it.steps + n;
    const c = sc.proc.counters();
    const spacing = Math.max(SPACING, (c.totalFrames - c.freeFrames) * STEPS_PER_FRAME);
    for (;;) {
      const last = this.snapshots[this.snapshots.length - 1]?.steps ?? 0;
      const r = it.run(Math.max(1, Math.min(end, last + spacing) - it.steps));
      if (r !== 'limit') return r;
      if (it.steps >= last + spacing) this.remember();
      if (it.steps >= end) return r;
    }
  }
  private replayTo(target: number): void {
    this.glibcPath.leave();
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
    this.freed.invalidate();
    this.breakpoints.resync();
  }

  stepBack(): void {
    const it = this.scenario?.interp;
    if (!it || this.running) return;
    if (this.onPath('back')) return;
    this.replayTo(Math.max(0, it.steps - 1));
    this.listener.stopped('step');
  }

  // The machine after `step` statements (see travel.ts); a run in progress must pause first.
  get busy(): boolean { return this.running; }
  travelTo(step: number): void {
    const it = this.scenario?.interp;
    if (!it || this.running) return;
    this.replayTo(step);
    this.listener.stopped('step');
  }

  // Back to the most recent earlier stop of a breakpoint (or the start).
  reverseContinue(): void {
    const it = this.scenario?.interp;
    if (!it || this.running) return;
    const goal = it.steps;
    let last = -1;
    let lastStop: Stop | null = null;
    this.replayTo(0);
    it.resumeAfterBreak = false;      // the first statement may itself be the breakpoint
    this.replaying = true;
    try {
      it.breakHook = (ins, f) => {
        const stop = this.breakpoints.check(ins, f, true);
        if (stop && it.steps < goal) { last = it.steps; lastStop = stop; }
        return false;
      };
      if (goal > 0) it.run(goal - it.steps);
    } finally { this.replaying = false; }
    this.replayTo(Math.max(0, last));
    const found = lastStop as Stop | null;
    if (found) this.stopAt(found);
    else this.listener.stopped('entry');
  }

  private onEvent(e: RunEvent): void {
    this.breakpoints.onEvent(e);   // replays too: reverse continue finds event breakpoints
    if (this.replaying) return;
    this.glibcPath.record(e);
    if (e.event === 'output') this.listener.output(e.text, 'stdout');
    else if (e.event === 'signal' || e.event === 'assert' || e.event === 'error') this.lastSignal = e;
    this.listener.event(e);
  }

  // which endings stop (see exceptions.ts); all but the leak check by default
  private filters = new Set(['sigsegv', 'sigabrt', 'oom', 'assert']);
  get exceptionFilters(): Set<string> { return this.filters; }
  set exceptionFilters(f: Set<string>) {
    this.filters = f;
    this.freed.enable(f.has('use_after_free') ? this.scenario : null);
  }
  private leakText: string | null = null;
  private readonly freed = new FreedMemoryCheck();
  private uafText: string | null = null;
  // a use of freed memory seen during the last statement: the stop comes before the next one
  private freedStop(): StopAt | null {
    const hit = this.freed.hit;
    const it = this.scenario?.interp;
    if (!hit || !it) return null;
    this.freed.hit = null;
    const src = it.sourceText({ ...it.loc, line: hit.line }).trim();
    this.uafText = `use of freed memory: ${hit.text}, by line ${hit.line}${src ? ` (${src})` : ''}`;
    return { kind: 'exception', text: this.uafText };
  }

  get stopEvent(): RunEvent | null { return this.lastSignal; }

  get exceptionText(): string | undefined {
    if (this.uafText) return this.uafText;
    if (this.leakText) return this.leakText;
    const e = this.lastSignal;
    if (!e) return undefined;
    if (e.event === 'signal') return `${e.signame}: ${e.message}`;
    if (e.event === 'assert' || e.event === 'error') return e.message;
    return undefined;
  }

  private stopAt(s: StopAt): void {
    this.listener.stopped(s.kind, s.text, s.ids?.length ? { description: s.description, hitBreakpointIds: s.ids } : undefined);
  }

  continue(): void { this.glibcPath.leave(); this.go(() => () => false, 'breakpoint'); }
  stepIn(): void {
    if (this.onPath('in')) return;
    if (!this.running) this.glibcPath.arm(this.scenario, this.path);
    this.go(() => () => true, 'step');
  }
  next(): void {
    if (this.onPath('over')) return;
    const depth = this.scenario?.interp.frames.length ?? 0;
    this.go(() => () => this.scenario!.interp.frames.length <= depth, 'step');
  }
  stepOut(): void {
    if (this.onPath('out')) return;
    const depth = this.scenario?.interp.frames.length ?? 0;
    this.go(() => () => this.scenario!.interp.frames.length < depth, 'step');
  }
  pause(): void { if (this.running) this.paused = true; }
  // The session is over: a run in progress stops at its next chunk, silently, and none starts.
  private terminated = false;
  terminate(): void { this.terminated = true; }

  // A step while on glibc's path moves along it. Past its end the statement has run already:
  // the stop is where its step ended (or the exit, if the call aborted).
  private onPath(how: PathMove): boolean {
    if (this.running || !this.glibcPath.active) return false;
    if (this.glibcPath.move(how)) { this.listener.stopped('step'); return true; }
    if (how === 'back') return false;
    if (this.pendingExit !== null) this.go(() => () => true, 'step');
    else this.listener.stopped('step');
    return true;
  }

  private go(makeHook: () => (ins: Ins, f: Frame) => boolean, kind: StopKind): void {
    const sc = this.scenario;
    if (!sc || this.running || this.terminated) return;
    const it = sc.interp;
    const hook = makeHook();
    // breakpoints first: their checks count hits and print logpoints at every statement
    this.uafText = null;
    it.breakHook = (ins, f) => {
      const freed = this.freed.hit ? this.freedStop() : null;
      if (freed) { this.stop = freed; return true; }
      const stop = this.breakpoints.check(ins, f);
      if (stop) { this.stop = stop; return true; }
      if (hook(ins, f)) { this.stop = { kind }; return true; }
      return false;
    };
    // what the debugger itself changed while stopped is not a change a data breakpoint reports
    this.breakpoints.resync();
    this.running = true;
    this.paused = false;
    const chunk = (): void => {
      if (this.terminated) { this.running = false; return; }
      let reason;
      this.freed.running = true;
      try { reason = this.runRemembering(CHUNK); } catch (e) { reason = 'exited' as const; this.listener.output(`internal error: ${(e as Error).message}\n`, 'stderr'); }
      finally { this.freed.running = false; }
      if (reason === 'limit') {
        this.remember();
        if (this.paused) { this.running = false; this.listener.stopped('pause'); return; }
        setTimeout(chunk, 0);
        return;
      }
      this.running = false;
      if (reason === 'break') { this.remember(); this.stopAt(this.stop); return; }
      // the last statement used freed memory: that stop comes before the exit
      const freedLast = this.freedStop();
      if (freedLast) { this.stopAt(freedLast); this.pendingExit = it.exitStatus; return; }
      const final = this.breakpoints.checkFinal();
      if (final) { this.stopAt(final); this.pendingExit = it.exitStatus; return; }
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
  private stop: StopAt = { kind: 'step' };
  private pendingExit: number | null = null;
}
