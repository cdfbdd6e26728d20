// The runtime shapes shared by the compiler and the run loop.
import type { FuncDecl, Loc } from '../../lang/ast';
import type { Val } from './arith';

// One activation of a scenario function. `r` holds register-like locals and compiler
// temporaries; stack-stored locals live in emulated memory below `base`.
export interface Frame {
  func: FuncDecl;
  code: Ins[];
  pc: number;
  r: Val[];
  base: number;        // frame base address on the emulated stack (locals at base - offset)
  sp: number;          // the stack pointer while this frame runs (base - frameSize)
  dest: number;        // caller's slot for the return value, -1 to discard
  callLine: number;    // where the caller called from (for stack traces)
}

export type Closure = (f: Frame) => Val;

export const enum Op {
  Expr,       // evaluate `a` for its effects
  Jz,         // if a(f) is zero goto target
  Jnz,        // if a(f) is non-zero goto target
  Jmp,        // goto target
  Call,       // call `func` with `args`, result into r[dest]
  Ret,        // return a(f) (or nothing)
  Switch,     // goto table.get(a(f)) ?? target
  Nop,        // a step with nothing to do (e.g. the closing brace of a function)
}

export interface Ins {
  op: Op;
  loc: Loc;
  step: boolean;          // a statement starts here: counts as one step, may stop
  a?: Closure;
  target?: number;
  func?: FuncDecl;
  args?: Closure[];
  dest?: number;
  table?: Map<Val, number>;
  bp?: boolean;           // a line breakpoint is set here (maintained by the debugger)
  calls?: string[];       // built-ins this statement calls (for function breakpoints)
}
