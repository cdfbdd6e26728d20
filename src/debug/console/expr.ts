// Expressions typed in the debugger (console, hover, watch, setExpression): the language's own
// front end types them against the variables visible in the selected frame, and the
// interpreter's own expression compiler evaluates them, on DebuggerMemory instead of the MMU.
// Nothing here can fault a page in or fill the TLB; a store happens only when the caller
// allows debugger writes.
import type { CType, Expr, VarDecl } from '../../lang/ast';
import { compileExpression } from '../../lang/index';
import type { Val } from '../../machine/interp/arith';
import { ExprCompiler, type ExprCtx } from '../../machine/interp/compile-expr';
import type { Frame } from '../../machine/interp/frame';
import type { Scenario } from '../../machine/scenario';
import { MachineSignal } from '../../machine/signals';
import { placeOf, visibleAt } from '../frame-expr';
import { DebugAccessError, DebuggerMemory, SideEffectError, type WrittenRange } from './debug-memory';

// Built-ins that only read the kernel's counters: as harmless in a watch as a variable.
const COUNTERS: Record<string, (sc: Scenario) => number> = {
  rss: (sc) => sc.proc.counters().rss,
  vsz: (sc) => sc.proc.counters().vsz,
  minflt: (sc) => sc.proc.counters().minflt,
  majflt: (sc) => sc.proc.counters().majflt,
  brk_now: (sc) => sc.proc.brkNow(),
  syscalls: (sc) => sc.proc.counters().syscalls,
  tlb_misses: (sc) => sc.proc.counters().tlbMisses,
};
export const COUNTER_BUILTINS = Object.keys(COUNTERS);

export interface FrameView { frame: Frame | undefined; line: number }

// The frame a DAP frameId names (stack.ts uses the index into interp.frames; none given: the
// innermost), at its line; before main and after the exit there is none, only globals.
export function frameView(sc: Scenario, frameId: number | undefined): FrameView {
  const fs = sc.interp.frames;
  const p = placeOf(sc, frameId !== undefined && fs[frameId] ? frameId : undefined);
  return p ? { frame: p.frame, line: p.line } : { frame: undefined, line: 0 };
}

// What C's scoping makes visible at that line (frame-expr.ts, shared with breakpoint conditions).
export function visibleDecls(sc: Scenario, fv: FrameView): VarDecl[] {
  return fv.frame ? visibleAt(sc, fv.frame.func, fv.line) : [...sc.program.globals];
}

export function compileIn(sc: Scenario, fv: FrameView, text: string, mode: 'value' | 'object' = 'object'): Expr {
  if (!text.trim()) throw new Error('an expression is needed');
  const r = compileExpression(text, sc.program, visibleDecls(sc, fv), mode);
  if (!r.expr) {
    const d = r.diagnostics.find((x) => x.severity === 'error') ?? r.diagnostics[0];
    // the checker gives a local whose address the program never takes a register slot
    const reg = d && /^internal: '(\w+)' has no address$/.exec(d.message);
    if (reg) throw new Error(`'${reg[1]}' lives in a register (the program never takes its address), so it has no address`);
    throw new Error(d ? `${d.message}${d.loc.col > 1 ? ` (at column ${d.loc.col})` : ''}` : `cannot evaluate '${text}'`);
  }
  return r.expr;
}

// The first thing in `e` that would change the program, described for the user; null if none.
// `callsOnly`: only calls count (the console allows assignments, never calls).
export function sideEffect(e: Expr, callsOnly = false): string | null {
  if (!callsOnly && e.kind === 'assign') return 'assigns';
  if (!callsOnly && e.kind === 'incdec') return e.delta > 0 ? 'increments' : 'decrements';
  if (e.kind === 'call') {
    if (e.callee.kind === 'func') return `calls the scenario function ${e.callee.func.name}()`;
    if (!Object.hasOwn(COUNTERS, e.callee.name)) return `calls ${e.callee.name}()`;
  }
  for (const k of kids(e)) { const r = sideEffect(k, callsOnly); if (r) return r; }
  return null;
}

function kids(e: Expr): Expr[] {
  switch (e.kind) {
    case 'bin': case 'logand': case 'logor': case 'comma': case 'ptrdiff': return [e.left, e.right];
    case 'ptradd': return [e.ptr, e.index];
    case 'not': case 'neg': case 'bitnot': case 'cast': case 'addr': return [e.operand];
    case 'deref': return [e.ptr];
    case 'member': return [e.object];
    case 'decay': return [e.array];
    case 'cond': return [e.test, e.then, e.else];
    case 'assign': return [e.target, e.value];
    case 'incdec': return [e.target];
    case 'call': return e.args;
    default: return [];
  }
}

export interface Evaluated {
  expr: Expr;
  type: CType;
  value: Val;                 // a scalar's value; a struct's or array's address
  addr: number | null;        // where an lvalue lives in memory (null: a register local or an rvalue)
  writes: WrittenRange[];
  assigned: boolean;          // something (memory or a register local) was written
}

export interface EvalOptions {
  // null: debugger writes allowed (the console); else why none may happen (hover, watch)
  refuseWrites: string | null;
}

function compilerFor(sc: Scenario, mem: DebuggerMemory): ExprCompiler {
  const loc = { file: '<expression>', line: 1, col: 1 };
  const ctx: ExprCtx = {
    mem,
    // A console expression is one closure: calls to scenario functions are refused before
    // compiling, so nothing asks for instructions or temporaries.
    emit: () => { throw new SideEffectError('the console does not call scenario functions'); },
    here: () => 0,
    patch: () => undefined,
    newTemp: () => { throw new SideEffectError('the console does not call scenario functions'); },
    loc: () => loc,
    builtin: (e) => {
      const name = e.callee.kind === 'builtin' ? e.callee.name : '';
      const read = Object.hasOwn(COUNTERS, name) ? COUNTERS[name] : undefined;
      if (!read) throw new SideEffectError(`the console does not call ${name}()`);
      return () => read(sc);
    },
  };
  return new ExprCompiler(ctx);
}

// A frame to evaluate against when the program has none (before main, after exit): only
// globals are visible then, and they need no frame.
const NO_FRAME: Frame = { func: { name: '', type: { k: 'func', ret: { k: 'void' }, params: [], variadic: false }, loc: { file: '', line: 0, col: 0 }, params: [], regSlots: 0, frameSize: 0, endLoc: { file: '', line: 0, col: 0 } }, code: [], pc: 0, r: [], base: 0, sp: 0, dest: -1, callLine: 0 };

function isMemoryLvalue(e: Expr): boolean {
  return (e.kind === 'var' && e.decl.storage.kind !== 'reg') || e.kind === 'deref' || e.kind === 'member';
}

export function evaluateCompiled(sc: Scenario, fv: FrameView, expr: Expr, opts: EvalOptions): Evaluated {
  const call = sideEffect(expr, true);
  if (call) throw new SideEffectError(`not evaluated: the expression ${call}, and the debugger does not run program code (try_free EXPR shows what free would do)`);
  const effect = sideEffect(expr);
  if (effect && opts.refuseWrites !== null) throw new SideEffectError(`not evaluated: the expression ${effect}; ${opts.refuseWrites}`);
  if (expr.type.k === 'func') throw new Error('a function: the console shows values, it does not call functions');
  const mem = new DebuggerMemory(sc, opts.refuseWrites);
  const X = compilerFor(sc, mem);
  const f = fv.frame ?? NO_FRAME;
  return guarded(() => {
    const value = X.val(expr)(f);
    const addr = isMemoryLvalue(expr) ? X.addr(expr)(f) : null;
    return { expr, type: expr.type, value, addr, writes: mem.writes, assigned: effect !== null };
  });
}

// Where the object an lvalue expression designates lives (setExpression's target), read
// without side effects; a register local has no address and is the caller's to handle.
export function lvalueAddress(sc: Scenario, fv: FrameView, e: Expr): number {
  if (!isMemoryLvalue(e)) throw new Error('not something that can be assigned (a variable, *pointer, s.field, p->field or a[i])');
  const X = compilerFor(sc, new DebuggerMemory(sc, 'finding where an object lives changes nothing'));
  return guarded(() => X.addr(e)(fv.frame ?? NO_FRAME));
}

export function evaluateText(sc: Scenario, frameId: number | undefined, text: string, opts: EvalOptions): Evaluated {
  const fv = frameView(sc, frameId);
  return evaluateCompiled(sc, fv, compileIn(sc, fv, text), opts);
}

// The machine's own faults, said the way gdb says them.
export function guarded<T>(work: () => T): T {
  try {
    return work();
  } catch (e) {
    if (e instanceof MachineSignal) {
      if (e.signame === 'SIGFPE') throw new Error('Division by zero');
      if (e.signame === 'SIGSEGV' && e.addr !== undefined) throw new DebugAccessError(`Cannot access memory at address 0x${BigInt.asUintN(64, BigInt(e.addr)).toString(16)}`);
      throw new Error(e.message);
    }
    throw e;
  }
}

// An integer or pointer result as an address (x, chunk, try_free, pagewalk).
export function asAddress(ev: Evaluated): number {
  if (ev.type.k === 'struct' || ev.type.k === 'array') return ev.value as number;
  const v = typeof ev.value === 'bigint' ? ev.value : BigInt(ev.value);
  const u = BigInt.asUintN(64, v);
  if (u > BigInt(Number.MAX_SAFE_INTEGER)) throw new DebugAccessError(`Cannot access memory at address 0x${u.toString(16)} (beyond the address space)`);
  return Number(u);
}
