// Expressions of the scenario language evaluated in a stopped frame: breakpoint conditions,
// logpoint interpolations, data breakpoint targets. The program's own front end parses and
// types them and its expression compiler turns them into closures; only the memory differs:
// reads go through the inspector (no fault, no TLB fill, no accessed bit, no RSS change) and
// anything that could change the machine (assignments, ++/--, calls) is refused up front.
import type { CType, Expr, FuncDecl, Stmt, VarDecl } from '../lang/ast';
import { compileExpression } from '../lang/index';
import type { Val } from '../machine/interp/arith';
import { ExprCompiler } from '../machine/interp/compile-expr';
import type { Frame } from '../machine/interp/frame';
import type { U64, VirtualMemory } from '../machine/memory/types';
import type { Scenario } from '../machine/scenario';

export interface FrameExpr {
  text: string;
  expr: Expr;
  value(f: Frame): Val;
  // the bytes the expression names, when it is an object in memory (a variable on the stack
  // or in .data/.bss, `*p`, `s.f`, `a[i]`); register locals have none
  address: ((f: Frame) => number) | null;
}

export class ExprError extends Error {}

// A stopped frame as expressions see it: the function it runs and the line it is at.
export interface FramePlace { frame: Frame; func: FuncDecl; line: number }

export function placeOf(sc: Scenario, frameIndex?: number): FramePlace | null {
  const it = sc.interp;
  const i = frameIndex ?? it.frames.length - 1;
  const frame = it.frames[i];
  if (!frame) return null;
  // a caller is stopped at its call
  const line = i === it.frames.length - 1 ? it.loc.line : it.frames[i + 1].callLine;
  return { frame, func: frame.func, line };
}

export function compileAt(sc: Scenario, func: FuncDecl, line: number, text: string, mode: 'value' | 'object' = 'value'): FrameExpr {
  const r = compileExpression(text, sc.program, visibleAt(sc, func, line), mode);
  if (!r.expr) {
    const d = r.diagnostics.find((x) => x.severity === 'error');
    throw new ExprError(!d ? `cannot evaluate '${text}'` : d.loc.file === '<expression>' ? `${d.message} (column ${d.loc.col})` : d.message);
  }
  const expr = r.expr;
  refuseEffects(expr);
  const X = new ExprCompiler({
    mem: new InspectorMemory(sc),
    emit: () => { throw new ExprError('internal: an expression without calls emitted code'); },
    here: () => 0,
    patch: () => undefined,
    newTemp: () => { throw new ExprError('internal: an expression without calls needed a temporary'); },
    loc: () => expr.loc,
    builtin: () => { throw new ExprError('calls cannot be evaluated here'); },
  });
  const value = X.val(expr);
  let address: FrameExpr['address'] = null;
  if (isObject(expr)) {
    const a = X.addr(expr);
    address = a;
  }
  return { text, expr, value: guarded(value), address: address && guarded(address) };
}

// Runtime failures (an unmapped address, a division by zero) as ExprError with gdb's words.
function guarded<T>(fn: (f: Frame) => T): (f: Frame) => T {
  return (f) => {
    try { return fn(f); } catch (e) {
      if (e instanceof ExprError) throw e;
      throw new ExprError((e as Error)?.message ?? String(e));
    }
  };
}

function isObject(e: Expr): boolean {
  switch (e.kind) {
    case 'var': return e.decl.storage.kind !== 'reg';
    case 'deref': return true;
    case 'member': return isObject(e.object);
    default: return false;
  }
}

function refuseEffects(e: Expr): void {
  walkExpr(e, (x) => {
    if (x.kind === 'assign' || x.kind === 'incdec') throw new ExprError('an expression evaluated by the debugger cannot assign: it must not change the program');
    if (x.kind === 'call') throw new ExprError(`calls cannot be evaluated here ('${x.callee.kind === 'builtin' ? x.callee.name : x.callee.func.name}' could change the program)`);
  });
}

function walkExpr(e: unknown, visit: (x: Expr) => void): void {
  if (!e || typeof e !== 'object' || e instanceof Uint8Array) return;
  const o = e as Record<string, unknown>;
  if (typeof o.kind === 'string' && 'type' in o) visit(o as unknown as Expr);
  for (const [k, v] of Object.entries(o)) {
    if (k === 'decl' || k === 'type' || k === 'loc' || k === 'field' || k === 'callee') continue;
    if (Array.isArray(v)) v.forEach((x) => walkExpr(x, visit)); else walkExpr(v, visit);
  }
}

// The variables C's scoping makes visible at `line` of `func`: globals, parameters, then the
// declarations of every block enclosing the line, declared on or before it (inner ones hide
// outer ones). An implicit local (assigned without a declaration) lives in the function's
// outermost scope from its first assignment on.
export function visibleAt(sc: Scenario, func: FuncDecl, line: number): VarDecl[] {
  const vis = new Map<string, VarDecl>();
  for (const g of sc.program.globals) vis.set(g.name, g);
  for (const p of func.params) vis.set(p.name, p);
  walkStmt(func.body, (x) => walkExpr(x, (v) => {
    if (v.kind === 'var' && v.decl.implicit && v.decl.storage.kind !== 'global' && v.decl.loc.line <= line) vis.set(v.decl.name, v.decl);
  }));
  const contains = (s: Stmt | undefined): boolean => !!s && s.loc.line <= line && line <= lastLine(s);
  const visit = (s: Stmt | undefined): void => {
    if (!s) return;
    switch (s.kind) {
      case 'decl': for (const d of s.decls) if (d.decl.loc.line <= line) vis.set(d.decl.name, d.decl); break;
      case 'block': if (contains(s)) for (const c of s.body) { if (c.loc.line > line) break; visit(c); } break;
      case 'if': if (contains(s.then)) visit(s.then); else if (contains(s.else)) visit(s.else); break;
      case 'while': case 'dowhile': if (contains(s.body)) visit(s.body); break;
      case 'for': if (contains(s)) { visit(s.init); if (contains(s.body)) visit(s.body); } break;
      case 'switch': if (contains(s.body)) visit(s.body); break;
      case 'case': if (contains(s.body)) visit(s.body); break;
    }
  };
  if (func.body) for (const c of func.body.body) { if (c.loc.line > line) break; visit(c); }
  return [...vis.values()];
}

function children(s: Stmt): (Stmt | undefined)[] {
  switch (s.kind) {
    case 'block': return s.body;
    case 'if': return [s.then, s.else];
    case 'while': case 'dowhile': case 'switch': case 'case': return [s.body];
    case 'for': return [s.init, s.body];
    default: return [];
  }
}

const lastLines = new WeakMap<Stmt, number>();
function lastLine(s: Stmt): number {
  let n = lastLines.get(s);
  if (n === undefined) {
    n = s.loc.line;
    for (const c of children(s)) if (c) n = Math.max(n, lastLine(c));
    lastLines.set(s, n);
  }
  return n;
}

// Every expression of a statement tree, for `visit`.
function walkStmt(s: Stmt | undefined, visit: (e: Expr) => void): void {
  if (!s) return;
  switch (s.kind) {
    case 'expr': visit(s.expr); break;
    case 'decl': for (const d of s.decls) if (d.init) walkExpr(d.init, visit); break;
    case 'if': case 'while': case 'dowhile': case 'switch': visit(s.test); break;
    case 'for': if (s.test) visit(s.test); if (s.update) visit(s.update); break;
    case 'return': if (s.value) visit(s.value); break;
  }
  for (const c of children(s)) walkStmt(c, visit);
}

// Emulated memory as the debugger reads it: resident bytes as they are, a mapped page never
// touched as the zeroes the kernel would fault in, anything else unreadable. Never writes.
export class InspectorMemory implements VirtualMemory {
  constructor(private readonly sc: Scenario) {}

  readBytes(va: number, n: number): Uint8Array {
    const whole = this.sc.proc.inspect.peekBytes(va, n);
    if (whole) return whole;
    const out = new Uint8Array(n);
    for (let done = 0; done < n;) {
      const a = va + done;
      const k = Math.min(n - done, 4096 - (a % 4096));
      const b = this.sc.proc.inspect.peekBytes(a, k);
      if (b) out.set(b, done);
      else if (!this.zeroFilled(a)) throw new ExprError(`cannot access memory at address 0x${a.toString(16)}`);
      done += k;
    }
    return out;
  }
  private zeroFilled(va: number): boolean {
    if (!Number.isSafeInteger(va) || va < 0) return false;
    if (!this.sc.proc.vmas().some((v) => va >= v.vm_start && va < v.vm_end)) return false;
    return !this.sc.proc.pagewalk(va).swapped;
  }

  read8(va: number): number { return this.readBytes(va, 1)[0]; }
  read16(va: number): number { const b = this.readBytes(va, 2); return b[0] | (b[1] << 8); }
  read32(va: number): number { const b = this.readBytes(va, 4); return (b[0] | (b[1] << 8) | (b[2] << 16) | (b[3] << 24)) >>> 0; }
  read64(va: number): U64 {
    const lo = this.read32(va), hi = this.read32(va + 4);
    if (hi < 0x200000) return hi * 2 ** 32 + lo;
    return (BigInt(hi) << 32n) | BigInt(lo);
  }
  private refuse(): never { throw new ExprError('an expression evaluated by the debugger cannot write memory'); }
  write8(): void { this.refuse(); }
  write16(): void { this.refuse(); }
  write32(): void { this.refuse(); }
  write64(): void { this.refuse(); }
  writeBytes(): void { this.refuse(); }
  fill(): void { this.refuse(); }
}

// A value as a log line or a stop message shows it: pointers in hex, integers in decimal.
export function formatValue(t: CType, v: Val): string {
  if (t.k === 'ptr') return '0x' + BigInt.asUintN(t.size * 8, BigInt(v)).toString(16);
  if (t.k === 'int') return BigInt(v).toString();
  if (t.k === 'struct' || t.k === 'array') return `${t.k === 'struct' ? `struct ${t.name}` : 'array'} @ 0x${BigInt(v).toString(16)}`;
  return String(v);
}
