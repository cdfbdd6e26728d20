// Line breakpoints: placed on the first executable line at or after the one asked for, with a
// condition, a hit condition, or a log message (a logpoint prints instead of stopping).
// Conditions and log messages are compiled when the breakpoint is set, against the variables
// visible at its line, so a typo shows at once as an unverified breakpoint with the compiler's
// message (VS Code shows it on the breakpoint), instead of stopping or failing later.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { FuncDecl } from '../lang/ast';
import type { Frame, Ins } from '../machine/interp/frame';
import type { Scenario } from '../machine/scenario';
import { compileCondition, compileLogMessage, parseHitCondition, passGate, renderLog, type Gate, type LogPart } from './conditions';
import type { FrameExpr } from './frame-expr';

interface LineBp extends Gate {
  id: number;
  line: number;
  condition?: string;
  cond: Map<FuncDecl, FrameExpr>;
  log: Map<FuncDecl, LogPart[]> | null;
}

export interface LineStop { ids: number[]; error?: string }
export interface LogLine { text: string; line: number }

export class LineBreakpoints {
  private byLine = new Map<number, LineBp[]>();
  private marked: Ins[] = [];

  get size(): number { return this.byLine.size; }

  set(sc: Scenario | null, specs: DebugProtocol.SourceBreakpoint[], newId: () => number): DebugProtocol.Breakpoint[] {
    for (const ins of this.marked) ins.bp = false;
    this.marked = [];
    this.byLine.clear();
    if (!sc) return specs.map((b) => ({ id: newId(), verified: false, line: b.line, message: 'no program is loaded' }));
    const lines = stepLines(sc);
    const sorted = [...lines.keys()].sort((a, b) => a - b);
    return specs.map((spec) => {
      const id = newId();
      const line = sorted.find((l) => l >= spec.line);
      if (line === undefined) return { id, line: spec.line, verified: false, message: 'no statement at or after this line' };
      const here = lines.get(line)!;
      const funcs = [...new Set(here.map((h) => h.func))];
      const bp: LineBp = { id, line, hits: 0, cond: new Map(), log: null, condition: spec.condition?.trim() || undefined };
      const refuse = (message: string): DebugProtocol.Breakpoint => ({ id, line, verified: false, message });
      try { if (spec.hitCondition?.trim()) bp.hit = parseHitCondition(spec.hitCondition); } catch (e) { return refuse((e as Error).message); }
      try {
        if (bp.condition) for (const f of funcs) bp.cond.set(f, compileCondition(sc, f, line, bp.condition));
      } catch (e) { return refuse(`condition '${bp.condition}': ${(e as Error).message}`); }
      try {
        if (spec.logMessage) bp.log = new Map(funcs.map((f) => [f, compileLogMessage(sc, f, line, spec.logMessage!)]));
      } catch (e) { return refuse((e as Error).message); }
      for (const h of here) { h.ins.bp = true; this.marked.push(h.ins); }
      this.byLine.set(line, [...(this.byLine.get(line) ?? []), bp]);
      return { id, line, verified: true };
    });
  }

  // At a statement marked `bp`: which of its breakpoints stop, and the lines logpoints print.
  check(ins: Ins, f: Frame, replay: boolean, logs: LogLine[]): LineStop | null {
    const bps = this.byLine.get(ins.loc.line);
    if (!bps) return null;
    const ids: number[] = [];
    let error: string | undefined;
    for (const bp of bps) {
      const r = passGate(bp, bp.condition ? bp.cond.get(f.func) ?? null : null, f, replay);
      if (r.error) { error = `breakpoint condition '${bp.condition}' could not be evaluated: ${r.error}`; ids.push(bp.id); continue; }
      if (!r.stop) continue;
      const parts = bp.log?.get(f.func);
      if (parts) { if (!replay) logs.push({ text: renderLog(parts, f) + '\n', line: bp.line }); continue; }
      ids.push(bp.id);
    }
    return ids.length ? { ids, error } : null;
  }
}

// Every instruction that starts a statement, by line, with the function it belongs to.
function stepLines(sc: Scenario): Map<number, { ins: Ins; func: FuncDecl }[]> {
  const m = new Map<number, { ins: Ins; func: FuncDecl }[]>();
  for (const cf of sc.interp.funcs.values()) {
    for (const ins of cf.code) {
      if (!ins.step) continue;
      const l = m.get(ins.loc.line) ?? [];
      l.push({ ins, func: cf.func });
      m.set(ins.loc.line, l);
    }
  }
  return m;
}
