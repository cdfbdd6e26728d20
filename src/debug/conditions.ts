// What decides whether a breakpoint that is reached stops: its condition (an expression of the
// scenario language in the stopped frame), its hit condition (codelldb's and node-debug's
// syntax), and for a logpoint the message it prints instead of stopping.
import type { FuncDecl } from '../lang/ast';
import { truth } from '../machine/interp/arith';
import type { Frame } from '../machine/interp/frame';
import type { Scenario } from '../machine/scenario';
import { compileAt, ExprError, formatValue, type FrameExpr } from './frame-expr';

// ---- hit conditions ------------------------------------------------------------------------
// `N` (the same as `>= N`), `>= N`, `> N`, `== N` or `= N`, `< N`, `<= N`, `% N` (every Nth hit).
export interface HitCondition { op: '>=' | '>' | '==' | '<' | '<=' | '%'; n: number; text: string }

export function parseHitCondition(text: string): HitCondition {
  const m = /^\s*(>=|<=|==|=|>|<|%)?\s*(\d+)\s*$/.exec(text);
  if (!m) throw new ExprError(`hit condition '${text}' is not understood: use a count N (the same as >= N), >= N, > N, == N, < N, <= N or % N`);
  const op = (m[1] === '=' ? '==' : m[1] ?? '>=') as HitCondition['op'];
  const n = Number(m[2]);
  if (op === '%' && n === 0) throw new ExprError(`hit condition '${text}': % 0 would never stop`);
  return { op, n, text };
}

export function hitMatches(h: HitCondition, count: number): boolean {
  switch (h.op) {
    case '>=': return count >= h.n;
    case '>': return count > h.n;
    case '==': return count === h.n;
    case '<': return count < h.n;
    case '<=': return count <= h.n;
    case '%': return count % h.n === 0;
  }
}

// ---- logpoint messages -----------------------------------------------------------------------
// `{expr}` is replaced by the expression's value in the stopped frame; the rest is literal.
export type LogPart = string | FrameExpr;

export function splitLogMessage(text: string): (string | { expr: string })[] {
  const out: (string | { expr: string })[] = [];
  let i = 0;
  while (i < text.length) {
    const open = text.indexOf('{', i);
    if (open < 0) { out.push(text.slice(i)); break; }
    if (open > i) out.push(text.slice(i, open));
    const close = text.indexOf('}', open + 1);
    if (close < 0) throw new ExprError(`log message: '{' at column ${open + 1} has no matching '}'`);
    const inner = text.slice(open + 1, close).trim();
    if (!inner) throw new ExprError(`log message: empty '{}' at column ${open + 1}`);
    out.push({ expr: inner });
    i = close + 1;
  }
  return out;
}

export function compileLogMessage(sc: Scenario, func: FuncDecl, line: number, text: string): LogPart[] {
  return splitLogMessage(text).map((p) => {
    if (typeof p === 'string') return p;
    try { return compileAt(sc, func, line, p.expr); } catch (e) { throw new ExprError(`log message {${p.expr}}: ${(e as Error).message}`); }
  });
}

// An expression that fails at run time (an unmapped pointer) shows its error in place, as
// js-debug does, rather than losing the whole line.
export function renderLog(parts: LogPart[], f: Frame): string {
  return parts.map((p) => {
    if (typeof p === 'string') return p;
    try { return formatValue(p.expr.type, p.value(f)); } catch (e) { return `<${(e as Error).message}>`; }
  }).join('');
}

// ---- conditions ------------------------------------------------------------------------------
export type ConditionResult = { ok: true; value: boolean } | { ok: false; error: string };

export function compileCondition(sc: Scenario, func: FuncDecl, line: number, text: string): FrameExpr {
  const c = compileAt(sc, func, line, text);
  const t = c.expr.type;
  if (t.k !== 'int' && t.k !== 'ptr') throw new ExprError(`its value is a ${t.k}, not a number or a pointer`);
  return c;
}

export function testCondition(c: FrameExpr, f: Frame): ConditionResult {
  try { return { ok: true, value: truth(c.value(f)) }; } catch (e) { return { ok: false, error: (e as Error).message }; }
}

// What every kind of breakpoint shares: an optional condition and hit condition, and a count
// of the times its condition held (the count a hit condition tests).
export interface Gate { condition?: string; hit?: HitCondition; hits: number }

export type GateResult = { stop: boolean; error?: string };

// Conditions of breakpoints that are not tied to one line (function, event and data
// breakpoints) are compiled where they are tested, once per function and line.
export class ConditionCache {
  private readonly cache = new Map<string, FrameExpr | ExprError>();
  get(sc: Scenario, text: string, func: FuncDecl, line: number): FrameExpr | ExprError {
    const key = `${func.name}:${line}:${text}`;
    let c = this.cache.get(key);
    if (!c) {
      try { c = compileCondition(sc, func, line, text); } catch (e) { c = e instanceof ExprError ? e : new ExprError(String(e)); }
      this.cache.set(key, c);
    }
    return c;
  }
  clear(): void { this.cache.clear(); }
}

// Condition first, then the hit count, as codelldb does: the count is of the times the
// condition held. In a replay (reverse continue) counts are neither tested nor advanced.
export function passGate(g: Gate, cond: FrameExpr | ExprError | null, f: Frame, replay: boolean): GateResult {
  if (cond instanceof ExprError) return { stop: true, error: cond.message };
  if (cond) {
    const r = testCondition(cond, f);
    if (!r.ok) return { stop: true, error: r.error };
    if (!r.value) return { stop: false };
  }
  if (replay) return { stop: true };
  g.hits++;
  return { stop: !g.hit || hitMatches(g.hit, g.hits) };
}
