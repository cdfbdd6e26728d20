// Runs a checked program on the emulated process, one statement (step) at a time.
//
// The call stack is an explicit array of frames and each function a flat instruction list, so
// `run(n)` can stop after any step and be resumed later: that is what the CLI's step limit,
// the debugger's pause/step/breakpoints and snapshots build on.
import type { FuncDecl, Loc, Program } from '../../lang/ast';
import type { Allocator } from '../glibc/types';
import type { EmulatedProcess } from '../process';
import { MachineError, MachineSignal } from '../signals';
import { truth, type Val } from './arith';
import { compileBuiltin } from './builtins';
import { ExprCompiler, type ExprCtx } from './compile-expr';
import { Op, type Frame, type Ins } from './frame';
import { compileInit, lowerFunction, type CompiledFunc } from './lower';
import type { RunEvent, RunSink } from './events';

// Ends the run from inside a built-in (exit(), a failed assert).
export class ProgramExit extends Error {
  constructor(readonly status: number) { super(`exit ${status}`); }
}

export type RunState = 'ready' | 'running' | 'exited';

export interface InterpSnapshot {
  steps: number; loc: Loc; state: RunState; exitStatus: number; stdoutReady: boolean; resumeAfterBreak: boolean; bgDue: number;
  frames: Frame[]; proc: unknown; glibc: unknown;
}
export type StopReason = 'exited' | 'limit' | 'break';

export interface InterpOptions {
  source: string;           // the scenario text (assert messages quote it)
  sink?: RunSink;
}

export class Interpreter {
  readonly funcs = new Map<FuncDecl, CompiledFunc>();
  frames: Frame[] = [];
  steps = 0;
  loc: Loc;
  state: RunState = 'ready';
  exitStatus = 0;
  sink: RunSink | null;
  // Checked at every step marker when set (the debugger's breakpoints and stepping).
  breakHook: ((ins: Ins, frame: Frame) => boolean) | null = null;
  // After a stop by the hook, the next run starts by executing that same step without
  // asking the hook again (otherwise a breakpoint would stop forever at the same place).
  resumeAfterBreak = false;
  stdoutReady = false;
  // The step before which the kernel's background work (kswapd, the flusher) runs next.
  bgDue = Infinity;
  readonly sourceLines: string[];
  private readonly startup: CompiledFunc;

  constructor(readonly program: Program, readonly proc: EmulatedProcess, readonly glibc: Allocator, opts: InterpOptions) {
    this.sink = opts.sink ?? null;
    this.sourceLines = opts.source.split('\n');
    this.loc = { file: program.file, line: 0, col: 0 };
    proc.sink = (e) => { if (this.sink) this.sink({ ...e, step: this.steps, line: this.loc.line }); };
    proc.attachClock(() => this.steps, (at) => { if (at < this.bgDue) this.bgDue = at; });
    // write(1, ...) bypasses stdio: no stdout buffer is allocated for it
    proc.stdout = (bytes) => this.emit({ event: 'output', text: decodeOutput(bytes) });
    const startupInit = new Set(program.globals.filter((g) => g.init));
    const env = { mem: proc.mem, builtin: (e: Parameters<ExprCtx['builtin']>[0], X: ExprCompiler) => compileBuiltin(e, X, this), startupInit,
      scriptMain: program.scriptStyle ? program.funcs.get('main') ?? null : null };
    for (const f of program.funcs.values()) if (f.body) this.funcs.set(f, lowerFunction(f, env));
    this.startup = this.compileStartup(env);
  }

  // Global initialisers run before main, as the C runtime's .data image would have them.
  private compileStartup(env: Parameters<typeof lowerFunction>[1]): CompiledFunc {
    const code: Ins[] = [];
    const fake: FuncDecl = {
      name: '_start', type: { k: 'func', ret: { k: 'void' }, params: [], variadic: false },
      loc: { file: this.program.file, line: 0, col: 0 }, params: [], regSlots: 0, frameSize: 0,
      endLoc: { file: this.program.file, line: 0, col: 0 },
    };
    let temps = 0;
    const ctx: ExprCtx = {
      mem: env.mem, emit: (i) => code.push(i) - 1, here: () => code.length,
      patch: (a, t) => { code[a].target = t; }, newTemp: () => temps++, loc: () => fake.loc, builtin: env.builtin,
    };
    const X = new ExprCompiler(ctx);
    for (const g of this.program.globals) {
      if (!g.init) continue;
      code.push({ op: Op.Expr, loc: g.loc, step: false, a: compileInit(X, env.mem, g, g.init) });
    }
    return { func: fake, code, slots: temps };
  }

  emit(e: RunEvent): void { if (this.sink) this.sink(e); }

  // Between two steps: the kernel's own threads run; their events carry the coming step's line.
  private background(loc: Loc): void {
    this.bgDue = Infinity;
    this.loc = loc;
    this.proc.background();
  }

  // Prepares the initial frame: runs the global initialisers, then enters main.
  start(): void {
    if (this.state !== 'ready') return;
    this.state = 'running';
    const main = this.program.funcs.get('main');
    if (!main || !main.body) { this.finish(0); return; }
    const sp0 = this.proc.layout.stackTop - 0x1c00;   // below argv, envp and auxv, as main sees it
    try {
      const f: Frame = { func: this.startup.func, code: this.startup.code, pc: 0, r: new Array(this.startup.slots).fill(0), base: sp0, sp: sp0, dest: -1, callLine: 0 };
      for (const ins of this.startup.code) ins.a!(f);
      const args: Val[] = [];
      if (main.params.length >= 2) {
        // argv[0] = "scenario", argv[1] = NULL, near the top of the stack as the kernel puts them
        const ptr = this.proc.config.arch === 'i386' ? 4 : 8;
        const name = this.proc.layout.stackTop - 0x40, argv = this.proc.layout.stackTop - 0x80;
        this.proc.mem.writeBytes(name, new TextEncoder().encode('./scenario\0'));
        if (ptr === 8) { this.proc.mem.write64(argv, name); this.proc.mem.write64(argv + 8, 0); }
        else { this.proc.mem.write32(argv, name); this.proc.mem.write32(argv + 4, 0); }
        args.push(1, argv);
      }
      this.pushFrame(this.funcs.get(main)!, args, -1, sp0, 0);
    } catch (e) { this.fault(e); }
  }

  private pushFrame(cf: CompiledFunc, args: Val[], dest: number, sp: number, callLine: number): Frame {
    const mem = this.proc.mem;
    const ptr = this.proc.config.arch === 'i386' ? 4 : 8;
    // The call pushes a return address and the prologue saves the caller's frame pointer:
    // real stack traffic, so deep recursion really grows (and can overflow) the stack.
    sp -= ptr;
    if (ptr === 8) mem.write64(sp, this.proc.layout.textBase + 0x1000 + (callLine & 0xfff)); else mem.write32(sp, (this.proc.layout.textBase + 0x1000 + (callLine & 0xfff)) >>> 0);
    const prevBase = this.frames.length ? this.frames[this.frames.length - 1].base : 0;
    sp -= ptr;
    if (ptr === 8) mem.write64(sp, prevBase); else mem.write32(sp, prevBase >>> 0);
    const base = sp;
    const r: Val[] = new Array(cf.slots).fill(0);
    const f: Frame = { func: cf.func, code: cf.code, pc: 0, r, base, sp: base - cf.func.frameSize, dest, callLine };
    // Parameters: register slots, or the stack when their address is taken.
    const params = cf.func.params;
    for (let i = 0; i < params.length && i < args.length; i++) {
      const st = params[i].storage;
      if (st.kind === 'reg') r[st.slot] = args[i];
      else if (st.kind === 'stack') this.storeParam(base - st.offset, params[i].type, args[i]);
    }
    this.frames.push(f);
    return f;
  }

  private storeParam(addr: number, t: FuncDecl['params'][number]['type'], v: Val): void {
    const size = t.k === 'int' || t.k === 'ptr' ? t.size : 8;
    const mem = this.proc.mem;
    if (size === 8) mem.write64(addr, v);
    else if (size === 4) mem.write32(addr, Number(BigInt.asUintN(32, BigInt(v))));
    else if (size === 2) mem.write16(addr, Number(BigInt.asUintN(16, BigInt(v))));
    else mem.write8(addr, Number(BigInt.asUintN(8, BigInt(v))));
  }

  get frame(): Frame | undefined { return this.frames[this.frames.length - 1]; }

  // Runs until `maxSteps` more steps have started (the limit stops *before* a step), the
  // program ends, or the break hook asks to stop. Never throws.
  run(maxSteps: number): StopReason {
    if (this.state === 'ready') this.start();
    if (this.state === 'exited') return 'exited';
    const limit = this.steps + maxSteps;
    let f = this.frames[this.frames.length - 1];
    let code = f.code, pc = f.pc;
    const hook = this.breakHook;
    let skipHook = this.resumeAfterBreak;
    this.resumeAfterBreak = false;
    try {
      for (;;) {
        const ins = code[pc];
        if (ins.step) {
          if (this.steps >= limit) { f.pc = pc; this.loc = ins.loc; this.resumeAfterBreak = skipHook; return 'limit'; }
          if (hook !== null && !skipHook && hook(ins, f)) { f.pc = pc; this.loc = ins.loc; this.resumeAfterBreak = true; return 'break'; }
          skipHook = false;
          if (this.steps >= this.bgDue) this.background(ins.loc);
          this.steps++;
          this.loc = ins.loc;
        }
        switch (ins.op) {
          case Op.Expr: ins.a!(f); pc++; break;
          case Op.Jz: pc = truth(ins.a!(f)) ? pc + 1 : ins.target!; break;
          case Op.Jnz: pc = truth(ins.a!(f)) ? ins.target! : pc + 1; break;
          case Op.Jmp: pc = ins.target!; break;
          case Op.Nop: pc++; break;
          case Op.Switch: { const v = ins.a!(f); const t = ins.table!.get(v); pc = t === undefined ? ins.target! : t; break; }
          case Op.Call: {
            const args = ins.args!.map((a) => a(f));
            f.pc = pc + 1;
            const cf = this.funcs.get(ins.func!);
            if (!cf) throw new MachineError(`function '${ins.func!.name}' has no body`);
            f = this.pushFrame(cf, args, ins.dest!, f.sp, ins.loc.line);
            code = f.code; pc = 0;
            break;
          }
          case Op.Ret: {
            const v = ins.a ? ins.a(f) : 0;
            this.frames.pop();
            if (this.frames.length === 0) { this.finish(Number(BigInt.asIntN(32, BigInt(v))) & 0xff); return 'exited'; }
            const dest = f.dest;
            f = this.frames[this.frames.length - 1];
            if (dest >= 0) f.r[dest] = v;
            code = f.code; pc = f.pc;
            break;
          }
        }
      }
    } catch (e) {
      f.pc = pc;
      this.fault(e);
      return 'exited';
    }
  }

  // Turns whatever ended the run into events and an exit status.
  private fault(e: unknown): void {
    const where = { step: this.steps, line: this.loc.line };
    if (e instanceof ProgramExit) { this.finish(e.status); return; }
    if (e instanceof MachineSignal) {
      const ev = { event: 'signal' as const, ...where, signal: e.signo, signame: e.signame, message: e.message,
        ...(e.addr !== undefined ? { addr: '0x' + BigInt.asUintN(64, BigInt(e.addr)).toString(16) } : {}),
        ...(e.reason ? { reason: e.reason } : {}), ...(e.check ? { check: e.check } : {}), ...(e.entry ? { entry: e.entry } : {}) };
      this.emit(ev);
      this.finish(128 + e.signo);
      return;
    }
    const message = e instanceof MachineError ? e.message : `internal error: ${(e as Error)?.stack ?? String(e)}`;
    this.emit({ event: 'error', ...where, message });
    this.finish(70);
  }

  finish(status: number): void {
    if (this.state === 'exited') return;
    this.state = 'exited';
    this.exitStatus = status;
    this.emit({ event: 'exit', status });
  }

  // --- services for built-ins -----------------------------------------------------------
  output(text: string): void {
    if (!this.stdoutReady) {
      this.stdoutReady = true;
      const mode = this.proc.config.stdioBuffers;
      if (mode !== 'off') {
        // glibc's stdout allocates its buffer at the first output: st_blksize (4096) for a pipe
        // or file, 1024 for a terminal.
        const n = mode === 'tty' ? 1024 : 4096;
        const p = this.glibc.malloc(n);
        this.emit({ event: 'call', step: this.steps, line: this.loc.line, fn: 'malloc', args: [n], ret: p, why: [...this.glibc.why], by: 'stdio' });
      }
    }
    this.emit({ event: 'output', text });
  }

  sourceText(loc: Loc): string { return this.sourceLines[loc.line - 1] ?? ''; }

  // The whole machine at this step: frames, the process, the allocator's JS-side facts. The
  // machine is deterministic, so a snapshot plus a replay of N steps reaches any later step.
  snapshot(): InterpSnapshot {
    const proc = this.proc as EmulatedProcess & { snapshot(): unknown };
    return {
      steps: this.steps, loc: this.loc, state: this.state, exitStatus: this.exitStatus, stdoutReady: this.stdoutReady, bgDue: this.bgDue,
      resumeAfterBreak: this.resumeAfterBreak,
      frames: this.frames.map((f) => ({ ...f, r: f.r.slice() })),
      proc: proc.snapshot(), glibc: this.glibc.snapshot(),
    };
  }
  restore(s: InterpSnapshot): void {
    (this.proc as EmulatedProcess & { restore(x: unknown): void }).restore(s.proc);
    this.glibc.restore(s.glibc);
    this.steps = s.steps; this.loc = s.loc; this.state = s.state; this.exitStatus = s.exitStatus;
    this.bgDue = s.bgDue;
    this.stdoutReady = s.stdoutReady; this.resumeAfterBreak = s.resumeAfterBreak;
    this.frames = s.frames.map((f) => ({ ...f, r: f.r.slice() }));
  }
}

function decodeOutput(b: Uint8Array): string {
  try { return new TextDecoder('utf-8', { fatal: true }).decode(b); } catch { return String.fromCharCode(...b); }
}
