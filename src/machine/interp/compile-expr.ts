// Expressions to closures. A closure computes a C value from a frame. Calls to scenario
// functions cannot happen inside a closure (the run loop owns the call stack, so that any
// statement can be paused, stepped and snapshotted); an expression containing such a call is
// compiled in A-normal form: the call becomes a Call instruction emitted before the
// statement's final closure, its result lands in a temporary, and operands that C evaluates
// earlier are materialised first so side effects keep their order.
import type { CType, Expr, Loc } from '../../lang/ast';
import type { VirtualMemory } from '../memory/types';
import { binop, cmpop, converter, shapeOf, truth, isZero, type Val } from './arith';
import { Op, type Closure, type Frame, type Ins } from './frame';
import { addrOf, loader, sizeOf, storer } from './memops';

export interface ExprCtx {
  mem: VirtualMemory;
  emit(ins: Ins): number;
  here(): number;
  patch(at: number, target: number): void;
  newTemp(): number;
  loc(): Loc;
  builtin(e: Expr & { kind: 'call' }, compile: ExprCompiler): Closure;
}

type AddrFn = (f: Frame) => number;
const callCache = new WeakMap<Expr, boolean>();

export function hasCall(e: Expr): boolean {
  const c = callCache.get(e);
  if (c !== undefined) return c;
  let r = false;
  switch (e.kind) {
    case 'call': r = e.callee.kind === 'func' || e.args.some(hasCall); break;
    case 'bin': case 'logand': case 'logor': case 'comma': case 'ptrdiff':
      r = hasCall(e.left) || hasCall(e.right); break;
    case 'ptradd': r = hasCall(e.ptr) || hasCall(e.index); break;
    case 'not': case 'neg': case 'bitnot': case 'cast': r = hasCall(e.operand); break;
    case 'addr': r = hasCall(e.operand); break;
    case 'deref': r = hasCall(e.ptr); break;
    case 'member': r = hasCall(e.object); break;
    case 'decay': r = hasCall(e.array); break;
    case 'cond': r = hasCall(e.test) || hasCall(e.then) || hasCall(e.else); break;
    case 'assign': r = hasCall(e.target) || hasCall(e.value); break;
    case 'incdec': r = hasCall(e.target); break;
    default: r = false;
  }
  callCache.set(e, r);
  return r;
}

// True when evaluating `e` early or late gives the same result (no side effects, no reads of
// anything a call could change). Constants and string addresses only.
function isStable(e: Expr): boolean {
  return e.kind === 'num' || e.kind === 'str' || (e.kind === 'cast' && isStable(e.operand));
}

export class ExprCompiler {
  constructor(private readonly ctx: ExprCtx) {}

  // Value of a scalar expression. Struct- and array-typed expressions give their address.
  val(e: Expr): Closure {
    if (hasCall(e)) return this.anf(e);
    return this.pure(e);
  }

  // Evaluate now into a temporary (used to keep C's order when a later operand calls).
  private materialise(c: Closure): Closure {
    const t = this.ctx.newTemp();
    this.ctx.emit({ op: Op.Expr, loc: this.ctx.loc(), step: false, a: (f) => (f.r[t] = c(f)) });
    return (f) => f.r[t];
  }

  // `first` is evaluated before `second` in C's order; if `second` contains a call, `first`
  // must be computed before the call is emitted.
  private ordered(first: Expr, second: Expr, asAddr = false): [Closure, Closure] {
    let a: Closure = asAddr ? this.addr(first) : this.val(first);
    if (hasCall(second) && !isStable(first)) a = this.materialise(a);
    return [a, this.val(second)];
  }

  private anf(e: Expr): Closure {
    const ctx = this.ctx;
    switch (e.kind) {
      case 'call': {
        if (e.callee.kind === 'builtin') return this.builtinCall(e);
        const args: Closure[] = [];
        for (let i = 0; i < e.args.length; i++) {
          let c = this.val(e.args[i]);
          if (e.args.slice(i + 1).some(hasCall) && !isStable(e.args[i])) c = this.materialise(c);
          args.push(c);
        }
        const t = ctx.newTemp();
        ctx.emit({ op: Op.Call, loc: e.loc, step: false, func: e.callee.func, args, dest: t });
        return (f) => f.r[t];
      }
      case 'logand': case 'logor': {
        const t = ctx.newTemp();
        const l = this.val(e.left);
        ctx.emit({ op: Op.Expr, loc: ctx.loc(), step: false, a: (f) => (f.r[t] = truth(l(f)) ? 1 : 0) });
        const j = ctx.emit({ op: e.kind === 'logand' ? Op.Jz : Op.Jnz, loc: ctx.loc(), step: false, a: (f) => f.r[t] });
        const r = this.val(e.right);
        ctx.emit({ op: Op.Expr, loc: ctx.loc(), step: false, a: (f) => (f.r[t] = truth(r(f)) ? 1 : 0) });
        this.patch(j, ctx.here());
        return (f) => f.r[t];
      }
      case 'cond': {
        const t = ctx.newTemp();
        const test = this.val(e.test);
        const j = ctx.emit({ op: Op.Jz, loc: ctx.loc(), step: false, a: test });
        const th = this.val(e.then);
        ctx.emit({ op: Op.Expr, loc: ctx.loc(), step: false, a: (f) => (f.r[t] = th(f)) });
        const jend = ctx.emit({ op: Op.Jmp, loc: ctx.loc(), step: false });
        this.patch(j, ctx.here());
        const el = this.val(e.else);
        ctx.emit({ op: Op.Expr, loc: ctx.loc(), step: false, a: (f) => (f.r[t] = el(f)) });
        this.patch(jend, ctx.here());
        return (f) => f.r[t];
      }
      case 'comma': {
        const l = this.val(e.left);
        ctx.emit({ op: Op.Expr, loc: ctx.loc(), step: false, a: l });
        return this.val(e.right);
      }
      default:
        return this.pure(e);   // children handle their own calls through val()/addr()
    }
  }

  private patch(at: number, target: number): void { this.ctx.patch(at, target); }

  private builtinCall(e: Expr & { kind: 'call' }): Closure {
    return this.ctx.builtin(e, this);
  }

  // Compiles arguments of a built-in in order, keeping C's order around scenario calls.
  args(list: Expr[]): Closure[] {
    const out: Closure[] = [];
    for (let i = 0; i < list.length; i++) {
      let c = this.val(list[i]);
      if (list.slice(i + 1).some(hasCall) && !isStable(list[i])) c = this.materialise(c);
      out.push(c);
    }
    return out;
  }

  private pure(e: Expr): Closure {
    const mem = this.ctx.mem;
    switch (e.kind) {
      case 'num': { const v = e.value; return () => v; }
      case 'str': { const a = e.addr; return () => a; }
      case 'var': {
        const d = e.decl;
        if (d.storage.kind === 'reg') { const s = d.storage.slot; return (f) => f.r[s]; }
        if (e.type.k === 'struct' || e.type.k === 'array') return this.addr(e) as Closure;
        const ld = loader(mem, e.type);
        if (d.storage.kind === 'global') { const a = d.storage.addr; return () => ld(a); }
        const off = d.storage.offset;
        return (f) => ld(f.base - off);
      }
      case 'bin': {
        const [l, r] = this.ordered(e.left, e.right);
        if (['<', '>', '<=', '>=', '==', '!='].includes(e.op)) {
          const c = cmpop(e.op);
          return (f) => c(l(f), r(f));
        }
        const fn = binop(e.op, shapeOf(e.type));
        return (f) => fn(l(f), r(f));
      }
      case 'ptradd': {
        const [p, i] = this.ordered(e.ptr, e.index);
        const add = binop('+', shapeOf(e.type));
        const mul = binop('*', { size: 8, signed: true });
        const scale = e.scale, neg = e.neg;
        const toSigned = converter({ size: 8, signed: true });
        return (f) => {
          let idx = i(f);
          if (typeof idx === 'number' && Math.abs(idx) < 2 ** 40) idx = idx * scale;
          else idx = mul(toSigned(idx), scale);
          if (neg) idx = typeof idx === 'number' ? -idx : -idx;
          return add(p(f), idx);
        };
      }
      case 'ptrdiff': {
        const [l, r] = this.ordered(e.left, e.right);
        const sub = binop('-', { size: 8, signed: true });
        const toS = converter({ size: 8, signed: true });
        const conv = converter(shapeOf(e.type));
        const scale = BigInt(e.scale), sc = e.scale;
        return (f) => {
          const d = sub(toS(l(f)), toS(r(f)));
          if (typeof d === 'number') return conv(Math.trunc(d / sc));
          return conv(d / scale);
        };
      }
      case 'logand': { const l = this.val(e.left), r = this.val(e.right); return (f) => (truth(l(f)) && truth(r(f)) ? 1 : 0); }
      case 'logor': { const l = this.val(e.left), r = this.val(e.right); return (f) => (truth(l(f)) || truth(r(f)) ? 1 : 0); }
      case 'not': { const o = this.val(e.operand); return (f) => (isZero(o(f)) ? 1 : 0); }
      case 'neg': { const o = this.val(e.operand); const sub = binop('-', shapeOf(e.type)); return (f) => sub(0, o(f)); }
      case 'bitnot': { const o = this.val(e.operand); const x = binop('^', shapeOf(e.type)); const ones = converter(shapeOf(e.type))(-1); return (f) => x(o(f), ones); }
      case 'cond': {
        const t = this.val(e.test), a = this.val(e.then), b = this.val(e.else);
        return (f) => (truth(t(f)) ? a(f) : b(f));
      }
      case 'comma': { const l = this.val(e.left), r = this.val(e.right); return (f) => (l(f), r(f)); }
      case 'cast': {
        const o = this.val(e.operand);
        if (e.type.k === 'void') return (f) => (o(f), 0);
        if (e.type.k !== 'int' && e.type.k !== 'ptr') return o;
        const from = e.operand.type;
        const to = shapeOf(e.type);
        if ((from.k === 'int' || from.k === 'ptr') && shapeOf(from).size === to.size && shapeOf(from).signed === to.signed) return o;
        const conv = converter(to);
        return (f) => conv(o(f));
      }
      case 'deref': case 'member': {
        if (e.type.k === 'struct' || e.type.k === 'array' || e.type.k === 'func') return this.addr(e) as Closure;
        const a = this.addr(e);
        const ld = loader(mem, e.type);
        return (f) => ld(a(f));
      }
      case 'addr': return this.addr(e.operand) as Closure;
      case 'decay': return this.addr(e.array) as Closure;
      case 'assign': return this.assign(e);
      case 'incdec': return this.incdec(e);
      case 'call': return this.anf(e);
    }
  }

  // Address of an lvalue.
  addr(e: Expr): AddrFn {
    switch (e.kind) {
      case 'var': {
        const s = e.decl.storage;
        if (s.kind === 'global') { const a = s.addr; return () => a; }
        if (s.kind === 'stack') { const off = s.offset; return (f) => f.base - off; }
        throw new Error(`internal: address of register variable '${e.decl.name}'`);
      }
      case 'deref': { const p = this.val(e.ptr); return (f) => addrOf(p(f)); }
      case 'member': {
        const o = this.addr(e.object); const off = e.field.offset;
        return (f) => o(f) + off;
      }
      case 'str': { const a = e.addr; return () => a; }
      case 'cast': return this.addr(e.operand);
      case 'decay': return this.addr(e.array);
      default: {
        // A struct-valued rvalue (e.g. `cond` of structs) evaluates to its address.
        const v = this.val(e);
        return (f) => addrOf(v(f));
      }
    }
  }

  private assign(e: Expr & { kind: 'assign' }): Closure {
    const t = e.target, mem = this.ctx.mem;
    const conv = converter(shapeOf(t.type));
    // Struct assignment copies bytes.
    if (t.type.k === 'struct' || t.type.k === 'array') {
      const [dst, src] = this.ordered(t, e.value, true) as [Closure, Closure];
      const n = sizeOf(t.type);
      return (f) => { const d = dst(f) as number; const s = addrOf(src(f)); mem.writeBytes(d, mem.readBytes(s, n)); return d; };
    }
    let combine: ((old: Val, rhs: Val) => Val) | null = null;
    if (e.op) {
      if (e.scale !== undefined) {
        const add = binop('+', shapeOf(t.type));
        const scale = e.scale, neg = e.op === '-';
        const toS = converter({ size: 8, signed: true }), mul = binop('*', { size: 8, signed: true });
        combine = (old, rhs) => { let d = mul(toS(rhs), scale); if (neg) d = typeof d === 'number' ? -d : -d; return add(old, d); };
      } else {
        const opShape = shapeOf(e.opType ?? t.type);
        const toOp = converter(opShape);
        const cmp = ['<', '>', '<=', '>=', '==', '!='].includes(e.op);
        const fn = cmp ? cmpop(e.op) : binop(e.op, opShape);
        combine = (old, rhs) => conv(fn(toOp(old), rhs));
      }
    }
    if (t.kind === 'var' && t.decl.storage.kind === 'reg') {
      const s = t.decl.storage.slot;
      const v = this.val(e.value);
      if (!combine) return (f) => (f.r[s] = conv(v(f)));
      const c = combine;
      return (f) => { const rhs = v(f); return (f.r[s] = c(f.r[s], rhs)); };
    }
    const [a, v] = this.ordered(t, e.value, true) as [Closure, Closure];
    const st = storer(mem, t.type), ld = loader(mem, t.type);
    if (!combine) return (f) => { const ad = a(f) as number; const x = conv(v(f)); st(ad, x); return x; };
    const c = combine;
    return (f) => { const ad = a(f) as number; const rhs = v(f); const x = c(ld(ad), rhs); st(ad, x); return x; };
  }

  private incdec(e: Expr & { kind: 'incdec' }): Closure {
    const t = e.target;
    const add = binop('+', shapeOf(t.type));
    const conv = converter(shapeOf(t.type));
    const d = e.delta, pre = e.prefix;
    const step = (v: Val): Val => conv(add(v, d));
    if (t.kind === 'var' && t.decl.storage.kind === 'reg') {
      const s = t.decl.storage.slot;
      if (shapeOf(t.type).size === 4 && shapeOf(t.type).signed) {
        return pre ? (f) => (f.r[s] = ((f.r[s] as number) + d) | 0)
          : (f) => { const o = f.r[s]; f.r[s] = ((o as number) + d) | 0; return o; };
      }
      return pre ? (f) => (f.r[s] = step(f.r[s])) : (f) => { const o = f.r[s]; f.r[s] = step(o); return o; };
    }
    const a = this.addr(t);
    const st = storer(this.ctx.mem, t.type), ld = loader(this.ctx.mem, t.type);
    return (f) => { const ad = a(f); const o = ld(ad); const n = step(o); st(ad, n); return pre ? n : o; };
  }
}

export function typeSize(t: CType): number { return sizeOf(t); }
