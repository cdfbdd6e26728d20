// Statements to a flat instruction list per function. Control flow becomes jumps, so the run
// loop needs no JS recursion: any statement of any frame can be the place where a run pauses.
// The first instruction of each statement is marked `step` (one step = one statement).
import type { Expr, FuncDecl, Init, Loc, Stmt, VarDecl, CType } from '../../lang/ast';
import type { VirtualMemory } from '../memory/types';
import { converter, shapeOf } from './arith';
import { ExprCompiler, type ExprCtx } from './compile-expr';
import { Op, type Closure, type Frame, type Ins } from './frame';
import { loader, sizeOf, storer } from './memops';

export interface CompiledFunc { func: FuncDecl; code: Ins[]; slots: number }

export interface LowerEnv {
  mem: VirtualMemory;
  builtin: ExprCtx['builtin'];
  // globals initialised at program start (their `decl` statement must not re-run them)
  startupInit: Set<VarDecl>;
  // the synthetic main of a script-style file has no closing brace to stop on
  scriptMain: FuncDecl | null;
}

interface LoopCtx { breaks: number[]; continues: number[] | null }

export function lowerFunction(func: FuncDecl, env: LowerEnv): CompiledFunc {
  const code: Ins[] = [];
  let temps = 0;
  let curLoc: Loc = func.loc;
  const ctx: ExprCtx = {
    mem: env.mem,
    emit: (ins) => code.push(ins) - 1,
    here: () => code.length,
    patch: (at, target) => { code[at].target = target; },
    newTemp: () => func.regSlots + temps++,
    loc: () => curLoc,
    builtin: env.builtin,
  };
  const X = new ExprCompiler(ctx);
  const loops: LoopCtx[] = [];

  // Emit `emitBody` as one statement starting at `loc`: its first instruction is the step.
  const statement = (loc: Loc, emitBody: () => void, s?: Stmt): void => {
    const prev = curLoc; curLoc = loc;
    const start = code.length;
    emitBody();
    if (code.length > start) {
      code[start].step = true; code[start].loc = loc;
      const calls = s ? builtinCalls(s) : [];
      if (calls.length) code[start].calls = calls;
    }
    curLoc = prev;
  };
  const exprStmt = (loc: Loc, c: Closure) => ctx.emit({ op: Op.Expr, loc, step: false, a: c });

  const lowerInit = (d: VarDecl, init: Init): Closure => compileInit(X, env.mem, d, init);

  const lower = (s: Stmt): void => {
    switch (s.kind) {
      case 'empty': return;
      case 'block': for (const c of s.body) lower(c); return;
      case 'expr': statement(s.loc, () => exprStmt(s.loc, X.val(s.expr)), s); return;
      case 'decl':
        statement(s.loc, () => {
          for (const { decl, init } of s.decls) {
            if (!init || env.startupInit.has(decl)) continue;
            exprStmt(s.loc, lowerInit(decl, init));
          }
        }, s);
        return;
      case 'if':
        statement(s.loc, () => {
          const t = X.val(s.test);
          const jz = ctx.emit({ op: Op.Jz, loc: s.loc, step: false, a: t });
          lower(s.then);
          if (s.else) {
            const jend = ctx.emit({ op: Op.Jmp, loc: s.loc, step: false });
            ctx.patch(jz, code.length);
            lower(s.else);
            ctx.patch(jend, code.length);
          } else ctx.patch(jz, code.length);
        });
        return;
      case 'while': {
        const top = code.length;
        let jz = -1;
        statement(s.loc, () => { jz = ctx.emit({ op: Op.Jz, loc: s.loc, step: false, a: X.val(s.test) }); });
        const l: LoopCtx = { breaks: [], continues: [] };
        loops.push(l); lower(s.body); loops.pop();
        ctx.emit({ op: Op.Jmp, loc: s.loc, step: false, target: top });
        ctx.patch(jz, code.length);
        for (const b of l.breaks) ctx.patch(b, code.length);
        for (const c of l.continues!) ctx.patch(c, top);
        return;
      }
      case 'dowhile': {
        const top = code.length;
        ctx.emit({ op: Op.Nop, loc: s.loc, step: true });
        const l: LoopCtx = { breaks: [], continues: [] };
        loops.push(l); lower(s.body); loops.pop();
        const cont = code.length;
        statement(s.test.loc, () => { ctx.emit({ op: Op.Jnz, loc: s.test.loc, step: false, a: X.val(s.test), target: top }); });
        for (const b of l.breaks) ctx.patch(b, code.length);
        for (const c of l.continues!) ctx.patch(c, cont);
        return;
      }
      case 'for': {
        if (s.init) lower(s.init);
        const top = code.length;
        let jz = -1;
        statement(s.loc, () => {
          if (s.test) jz = ctx.emit({ op: Op.Jz, loc: s.loc, step: false, a: X.val(s.test) });
          else ctx.emit({ op: Op.Nop, loc: s.loc, step: false });
        });
        const l: LoopCtx = { breaks: [], continues: [] };
        loops.push(l); lower(s.body); loops.pop();
        const cont = code.length;
        if (s.update) { const u = s.update; const prev = curLoc; curLoc = s.loc; exprStmt(s.loc, X.val(u)); curLoc = prev; }
        ctx.emit({ op: Op.Jmp, loc: s.loc, step: false, target: top });
        if (jz >= 0) ctx.patch(jz, code.length);
        for (const b of l.breaks) ctx.patch(b, code.length);
        for (const c of l.continues!) ctx.patch(c, cont);
        return;
      }
      case 'break': {
        const l = loops[loops.length - 1];
        const j = ctx.emit({ op: Op.Jmp, loc: s.loc, step: true });
        l?.breaks.push(j);
        return;
      }
      case 'continue': {
        for (let i = loops.length - 1; i >= 0; i--) {
          if (loops[i].continues) { loops[i].continues!.push(ctx.emit({ op: Op.Jmp, loc: s.loc, step: true })); return; }
        }
        return;
      }
      case 'return':
        statement(s.loc, () => {
          const v = s.value ? X.val(s.value) : undefined;
          ctx.emit({ op: Op.Ret, loc: s.loc, step: false, a: v });
        }, s);
        return;
      case 'switch': {
        const table = new Map<number | bigint, number>();
        let sw = -1;
        statement(s.loc, () => { sw = ctx.emit({ op: Op.Switch, loc: s.loc, step: false, a: X.val(s.test), table }); });
        const l: LoopCtx = { breaks: [], continues: null };
        let deflt = -1;
        const lowerCases = (st: Stmt): void => {
          if (st.kind === 'case') {
            if (st.value === null) deflt = code.length;
            else if (!table.has(st.value)) table.set(st.value, code.length);
            lowerCases(st.body);
          } else if (st.kind === 'block') for (const c of st.body) lowerCases(c);
          else lower(st);
        };
        loops.push(l); lowerCases(s.body); loops.pop();
        code[sw].target = deflt >= 0 ? deflt : code.length;
        for (const b of l.breaks) ctx.patch(b, code.length);
        return;
      }
      case 'case': lower(s.body); return;
    }
  };

  if (func.body) lower(func.body);
  // Falling off the end: a step on the closing brace, then return (0 for main, as C99 says).
  ctx.emit({ op: Op.Nop, loc: func.endLoc, step: func !== env.scriptMain });
  ctx.emit({ op: Op.Ret, loc: func.endLoc, step: false });
  return { func, code, slots: func.regSlots + temps };
}

// A declaration's initialiser as one closure that stores it (scalars, arrays, structs,
// strings); elements not named are zeroed, as C requires for partial initialisers.
export function compileInit(X: ExprCompiler, mem: VirtualMemory, d: VarDecl, init: Init): Closure {
  const s = d.storage;
  if (s.kind === 'reg') {
    if (init.kind !== 'expr') return () => 0;
    const v = X.val(init.expr); const slot = s.slot; const conv = converter(shapeOf(d.type));
    return (f) => (f.r[slot] = conv(v(f)));
  }
  const base: (f: Frame) => number = s.kind === 'global' ? (() => { const a = s.addr; return () => a; })()
    : (() => { const off = s.offset; return (f: Frame) => f.base - off; })();
  const writer = initWriter(X, mem, d.type, init);
  return (f) => { writer(f, base(f)); return 0; };
}

type Writer = (f: Frame, addr: number) => void;

function initWriter(X: ExprCompiler, mem: VirtualMemory, t: CType, init: Init): Writer {
  const size = sizeOf(t);
  if (init.kind === 'string') {
    const bytes = init.bytes;
    return (_f, a) => {
      const buf = new Uint8Array(size);
      buf.set(bytes.subarray(0, size));
      mem.writeBytes(a, buf);
    };
  }
  if (init.kind === 'expr') {
    if (t.k === 'struct' || t.k === 'array') {
      const src = X.val(init.expr);
      return (f, a) => mem.writeBytes(a, mem.readBytes(Number(src(f)), size));
    }
    const v = X.val(init.expr); const st = storer(mem, t); const conv = converter(shapeOf(t));
    return (f, a) => st(a, conv(v(f)));
  }
  // brace list
  const parts: { off: number; w: Writer }[] = [];
  if (t.k === 'array') {
    const es = sizeOf(t.of);
    init.items.forEach((it, i) => { if (i < t.len) parts.push({ off: i * es, w: initWriter(X, mem, t.of, it) }); });
  } else if (t.k === 'struct') {
    init.items.forEach((it, i) => { const fl = t.fields[i]; if (fl) parts.push({ off: fl.offset, w: initWriter(X, mem, fl.type, it) }); });
  } else if (init.items.length > 0) {
    parts.push({ off: 0, w: initWriter(X, mem, t, init.items[0]) });
  }
  return (f, a) => {
    mem.fill(a, 0, size);
    for (const p of parts) p.w(f, a + p.off);
  };
}

export { loader };
export type { Expr };

// The built-in functions a simple statement calls (not those of nested statements).
function builtinCalls(s: Stmt): string[] {
  const out = new Set<string>();
  const walk = (x: unknown): void => {
    if (!x || typeof x !== 'object' || x instanceof Uint8Array) return;
    const o = x as Record<string, unknown>;
    if (o.kind === 'call' && (o.callee as { kind: string; name?: string }).kind === 'builtin') out.add((o.callee as { name: string }).name);
    for (const [k, v] of Object.entries(o)) {
      if (k === 'decl' || k === 'type' || k === 'func' || k === 'loc' || k === 'field') continue;
      if (Array.isArray(v)) v.forEach(walk); else walk(v);
    }
  };
  if (s.kind === 'expr') walk(s.expr);
  else if (s.kind === 'return') walk(s.value);
  else if (s.kind === 'decl') for (const d of s.decls) walk(d.init);
  return [...out];
}
