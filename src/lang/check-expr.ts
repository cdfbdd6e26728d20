// Typing expressions: every C conversion becomes an explicit node of ast.ts.
import type { CType, Diagnostic, Expr, FuncDecl, IntType, Loc, StructType, VarDecl, BinOp } from './ast';
import { BUILTINS, CONSTANTS } from './builtins';
import type { PExpr, PTypeName } from './syntax';
import { isInt, isPtr, isScalar, promote, ptrTo, sameType, sizeOf, typeStr, usual, type Ctypes } from './types';

export class CheckError extends Error {}

// What the expression checker needs from its surroundings.
export interface Env {
  T: Ctypes;
  lookup(name: string): VarDecl | { enumValue: bigint } | undefined;
  func(name: string): FuncDecl | undefined;
  declareImplicit(name: string, loc: Loc): VarDecl;
  resolveTypeName(t: PTypeName): CType;
  stringAddr(bytes: Uint8Array): number;
  diag(loc: Loc, message: string, severity?: 'error' | 'warning'): void;
}

const fail = (env: Env, loc: Loc, message: string): never => { env.diag(loc, message); throw new CheckError(message); };

const CMP = new Set(['<', '>', '<=', '>=', '==', '!=']);

export class ExprChecker {
  constructor(private readonly env: Env) {}
  private get T() { return this.env.T; }

  num(value: bigint, type: IntType, loc: Loc): Expr {
    const v = type.signed ? BigInt.asIntN(type.size * 8, value) : BigInt.asUintN(type.size * 8, value);
    const val = v >= -(2n ** 53n - 1n) && v <= 2n ** 53n - 1n ? Number(v) : v;
    return { kind: 'num', value: val, type, loc };
  }

  // An expression used for its value: arrays decay to pointers, and an implicit variable in
  // an arithmetic context reads as an unsigned long.
  rvalue(p: PExpr): Expr { return this.decay(this.expr(p)); }

  decay(e: Expr): Expr {
    if (e.type.k === 'array') return { kind: 'decay', array: e, type: ptrTo(this.T, e.type.of), loc: e.loc };
    if (e.type.k === 'func') fail(this.env, e.loc, 'function designators can only be called');
    return e;
  }

  cast(e: Expr, to: CType, implicit = true): Expr {
    if (sameType(e.type, to) && (e.type.k !== 'int' || (e.type as IntType).name === (to as IntType).name)) return e;
    if (e.kind === 'num' && to.k === 'int') return this.num(BigInt(e.value), to, e.loc);
    return { kind: 'cast', operand: e, type: to, implicit, loc: e.loc };
  }

  private isImplicitVar(e: Expr): boolean { return e.kind === 'var' && !!e.decl.implicit; }
  private isNullConst(e: Expr): boolean {
    return (e.kind === 'num' && (e.value === 0 || e.value === 0n)) || (e.kind === 'cast' && e.type.k === 'ptr' && this.isNullConst(e.operand));
  }

  // Operand of an integer-only operator: an implicit variable reads as unsigned long.
  private intOperand(e: Expr, what: string): Expr & { type: IntType } {
    if (isPtr(e.type) && this.isImplicitVar(e)) e = this.cast(e, this.T.ulong);
    if (!isInt(e.type)) fail(this.env, e.loc, `invalid operand to ${what} ('${typeStr(e.type)}')`);
    return e as Expr & { type: IntType };
  }

  // Assignment conversion (also for arguments, returns, initialisers).
  convert(e: Expr, to: CType, loc: Loc, what: string): Expr {
    const from = e.type;
    if (to.k === 'void') return this.cast(e, to);
    if (to.k === 'struct') {
      if (from !== to) fail(this.env, loc, `${what}: incompatible types ('${typeStr(from)}' to '${typeStr(to)}')`);
      return e;
    }
    if (!isScalar(from)) fail(this.env, loc, `${what}: cannot convert '${typeStr(from)}' to '${typeStr(to)}'`);
    if (to.k === 'int' && from.k === 'ptr' && !this.isImplicitVar(e)) {
      if (to.size < from.size) this.env.diag(loc, `${what}: cast from pointer to smaller integer type '${typeStr(to)}'`, 'warning');
      else if (to.name !== '_Bool') this.env.diag(loc, `${what}: incompatible pointer to integer conversion ('${typeStr(from)}' to '${typeStr(to)}')`, 'warning');
    }
    if (to.k === 'ptr' && from.k === 'int' && !this.isNullConst(e)) {
      this.env.diag(loc, `${what}: incompatible integer to pointer conversion ('${typeStr(from)}' to '${typeStr(to)}')`, 'warning');
    }
    if (to.k === 'int' && to.name === '_Bool') return this.toBool(e);
    return this.cast(e, to);
  }

  private toBool(e: Expr): Expr {
    const z = isPtr(e.type) ? this.cast(this.num(0n, this.T.long, e.loc), e.type) : this.num(0n, e.type as IntType, e.loc);
    return this.cast({ kind: 'bin', op: '!=', left: e, right: z, type: this.T.int, loc: e.loc }, this.T.bool);
  }

  private scalarTest(p: PExpr): Expr {
    const e = this.rvalue(p);
    if (!isScalar(e.type)) fail(this.env, e.loc, `statement requires expression of scalar type ('${typeStr(e.type)}' invalid)`);
    return e;
  }
  condition(p: PExpr): Expr { return this.scalarTest(p); }

  private isLvalue(e: Expr): boolean {
    return (e.kind === 'var') || e.kind === 'deref' || (e.kind === 'member' && this.isLvalue(e.object) || (e.kind === 'member' && e.object.kind === 'deref'));
  }

  private arith(op: BinOp, l: Expr, r: Expr, loc: Loc): Expr {
    const T = this.T;
    if ((op === '+' || op === '-') && (isPtr(l.type) || isPtr(r.type))) return this.pointerArith(op, l, r, loc);
    const what = `binary '${op}'`;
    const a = this.intOperand(l, what), b = this.intOperand(r, what);
    if (op === '<<' || op === '>>') {
      const t = promote(T, a.type);
      return { kind: 'bin', op, left: this.cast(a, t), right: this.cast(b, promote(T, b.type)), type: t, loc };
    }
    const t = usual(T, a.type, b.type);
    return { kind: 'bin', op, left: this.cast(a, t), right: this.cast(b, t), type: t, loc };
  }

  private scaleOf(p: CType): number {
    const to = (p as { to: CType }).to;
    if (to.k === 'struct' && !to.complete) return 1;
    return sizeOf(to);
  }

  private pointerArith(op: '+' | '-', l: Expr, r: Expr, loc: Loc): Expr {
    const T = this.T;
    if (isPtr(l.type) && isPtr(r.type)) {
      if (op === '+') fail(this.env, loc, `invalid operands to binary expression ('${typeStr(l.type)}' and '${typeStr(r.type)}')`);
      return { kind: 'ptrdiff', left: l, right: r, scale: this.scaleOf(l.type), type: T.long, loc };
    }
    if (isPtr(r.type)) { if (op === '-') fail(this.env, loc, `invalid operands to binary expression ('${typeStr(l.type)}' and '${typeStr(r.type)}')`); [l, r] = [r, l]; }
    const idx = this.intOperand(r, `binary '${op}'`);
    return { kind: 'ptradd', ptr: l, index: this.cast(idx, idx.type.signed ? T.long : T.ulong), scale: this.scaleOf(l.type), neg: op === '-', type: l.type, loc };
  }

  private compare(op: BinOp, l: Expr, r: Expr, loc: Loc): Expr {
    const T = this.T;
    if (isPtr(l.type) || isPtr(r.type)) {
      if (isPtr(l.type) && !isPtr(r.type)) { if (!this.isNullConst(r)) this.env.diag(loc, 'comparison between pointer and integer', 'warning'); r = this.cast(this.intOperand(r, 'comparison'), l.type); }
      else if (!isPtr(l.type) && isPtr(r.type)) { if (!this.isNullConst(l)) this.env.diag(loc, 'comparison between pointer and integer', 'warning'); l = this.cast(this.intOperand(l, 'comparison'), r.type); }
      else r = this.cast(r, l.type);
      return { kind: 'bin', op, left: l, right: r, type: T.int, loc };
    }
    const a = this.intOperand(l, 'comparison'), b = this.intOperand(r, 'comparison');
    const t = usual(T, a.type, b.type);
    return { kind: 'bin', op, left: this.cast(a, t), right: this.cast(b, t), type: T.int, loc };
  }

  expr(p: PExpr): Expr {
    const T = this.T, env = this.env;
    switch (p.k) {
      case 'error': throw new CheckError('syntax');
      case 'num': return this.num(p.value, this.literalType(p.value, p.suffix, p.radix, p.loc), p.loc);
      case 'char': return this.num(p.value, T.int, p.loc);
      case 'str': {
        const bytes = new Uint8Array(p.bytes.length + 1); bytes.set(p.bytes);
        return { kind: 'str', bytes, addr: env.stringAddr(bytes), type: { k: 'array', of: T.char, len: bytes.length, size: bytes.length }, loc: p.loc };
      }
      case 'id': {
        const d = env.lookup(p.name);
        if (d && 'enumValue' in d) return this.num(d.enumValue, T.int, p.loc);
        if (d) return { kind: 'var', decl: d, type: d.type, loc: p.loc };
        const c = CONSTANTS[p.name];
        if (c) return this.constant(p.name, c, p.loc);
        if (env.func(p.name) || BUILTINS[p.name]) fail(env, p.loc, `function '${p.name}' can only be called`);
        return fail(env, p.loc, `use of undeclared identifier '${p.name}'`);
      }
      case 'bin': {
        if (p.op === '&&' || p.op === '||') {
          const l = this.scalarTest(p.l), r = this.scalarTest(p.r);
          return { kind: p.op === '&&' ? 'logand' : 'logor', left: l, right: r, type: T.int, loc: p.loc };
        }
        const l = this.rvalue(p.l), r = this.rvalue(p.r);
        if (CMP.has(p.op)) return this.compare(p.op as BinOp, l, r, p.loc);
        return this.arith(p.op as BinOp, l, r, p.loc);
      }
      case 'assign': return this.assign(p);
      case 'unary': return this.unary(p);
      case 'postfix': return this.incdec(p.e, p.op === '++' ? 1 : -1, false, p.loc);
      case 'cond': {
        const c = this.scalarTest(p.c);
        let t = this.rvalue(p.t), f = this.rvalue(p.f);
        let type: CType;
        if (isInt(t.type) && isInt(f.type)) { type = usual(T, t.type, f.type); t = this.cast(t, type); f = this.cast(f, type); }
        else if (isPtr(t.type) && isPtr(f.type)) { type = t.type; f = this.cast(f, type); }
        else if (isPtr(t.type) && isInt(f.type)) { type = t.type; f = this.cast(f, type); }
        else if (isInt(t.type) && isPtr(f.type)) { type = f.type; t = this.cast(t, type); }
        else if (t.type.k === 'void' && f.type.k === 'void') type = T.void;
        else if (t.type.k === 'struct' && t.type === f.type) type = t.type;
        else return fail(env, p.loc, `incompatible operand types ('${typeStr(t.type)}' and '${typeStr(f.type)}')`);
        return { kind: 'cond', test: c, then: t, else: f, type, loc: p.loc };
      }
      case 'comma': {
        const l = this.expr(p.l), r = this.rvalue(p.r);
        return { kind: 'comma', left: l, right: r, type: r.type, loc: p.loc };
      }
      case 'call': return this.call(p);
      case 'index': {
        let a = this.rvalue(p.a), i = this.rvalue(p.i);
        if (!isPtr(a.type) && isPtr(i.type)) [a, i] = [i, a];
        if (!isPtr(a.type)) fail(env, p.loc, `subscripted value is not an array or pointer ('${typeStr(a.type)}')`);
        const to = (a.type as { to: CType }).to;
        if (to.k === 'void') fail(env, p.loc, "subscript of pointer to incomplete type 'void'");
        const sum = this.pointerArith('+', a, i, p.loc);
        return { kind: 'deref', ptr: sum, type: to, loc: p.loc };
      }
      case 'member': {
        let o = p.arrow ? this.rvalue(p.o) : this.expr(p.o);
        if (p.arrow) {
          if (!isPtr(o.type)) fail(env, p.loc, `member reference type '${typeStr(o.type)}' is not a pointer`);
          o = { kind: 'deref', ptr: o, type: (o.type as { to: CType }).to, loc: p.loc };
        }
        const st = o.type;
        if (st.k !== 'struct') return fail(env, p.loc, `member reference base type '${typeStr(st)}' is not a structure`);
        if (!st.complete) fail(env, p.loc, `incomplete definition of type 'struct ${st.name}'`);
        const field = (st as StructType).fields.find((f) => f.name === p.name);
        if (!field) return fail(env, p.loc, `no member named '${p.name}' in 'struct ${st.name}'`);
        return { kind: 'member', object: o, field, type: field.type, loc: p.loc };
      }
      case 'cast': {
        const to = env.resolveTypeName(p.type);
        const e = this.rvalue(p.e);
        if (to.k === 'void') return this.cast(e, to, false);
        if (!isScalar(to)) fail(env, p.loc, `used type '${typeStr(to)}' where arithmetic or pointer type is required`);
        if (!isScalar(e.type)) fail(env, p.loc, `operand of type '${typeStr(e.type)}' where arithmetic or pointer type is required`);
        return { kind: 'cast', operand: e, type: to, implicit: false, loc: p.loc };
      }
      case 'sizeofType': return this.num(BigInt(this.sizeOfChecked(env.resolveTypeName(p.type), p.loc)), T.sizeT, p.loc);
      case 'sizeofExpr': {
        const e = this.expr(p.e);
        return this.num(BigInt(this.sizeOfChecked(e.type, p.loc)), T.sizeT, p.loc);
      }
    }
  }

  private sizeOfChecked(t: CType, loc: Loc): number {
    if (t.k === 'struct' && !t.complete) fail(this.env, loc, `invalid application of 'sizeof' to an incomplete type 'struct ${t.name}'`);
    if (t.k === 'func') fail(this.env, loc, "invalid application of 'sizeof' to a function type");
    return sizeOf(t);
  }

  private constant(name: string, [value, kind]: [bigint, string], loc: Loc): Expr {
    const T = this.T;
    if (T.arch === 'i386') {
      if (name === 'SIZE_MAX') value = 0xffffffffn;
      if (name === 'LONG_MAX' || name === 'PTRDIFF_MAX') value = 0x7fffffffn;
      if (name === 'LONG_MIN') value = -0x80000000n;
    }
    if (kind === 'void*') return this.cast(this.num(value, T.long, loc), ptrTo(T, T.void), false);
    return this.num(value, kind === 'int' ? T.int : kind === 'long' ? T.long : T.ulong, loc);
  }

  // C's type of an integer literal, from its value, suffix and radix (as gcc on this ABI).
  literalType(v: bigint, suffix: string, radix: number, loc: Loc): IntType {
    const T = this.T;
    const fits = (t: IntType) => (t.signed ? v <= (1n << BigInt(t.size * 8 - 1)) - 1n : v <= (1n << BigInt(t.size * 8)) - 1n);
    const u = suffix.includes('u');
    const l = suffix.includes('ll') ? 2 : suffix.includes('l') ? 1 : 0;
    let cands: IntType[];
    if (u) cands = l === 0 ? [T.uint, T.ulong, T.ullong] : l === 1 ? [T.ulong, T.ullong] : [T.ullong];
    else if (radix === 10) cands = l === 0 ? [T.int, T.long, T.llong] : l === 1 ? [T.long, T.llong] : [T.llong];
    else cands = l === 0 ? [T.int, T.uint, T.long, T.ulong, T.llong, T.ullong] : l === 1 ? [T.long, T.ulong, T.llong, T.ullong] : [T.llong, T.ullong];
    const t = cands.find(fits);
    if (t) return t;
    this.env.diag(loc, 'integer literal is too large to be represented in a signed integer type, interpreting as unsigned', 'warning');
    return T.ullong.size === 8 && T.ptrSize === 8 ? T.ulong : T.ullong;
  }

  private unary(p: PExpr & { k: 'unary' }): Expr {
    const T = this.T, env = this.env;
    switch (p.op) {
      case '++': case '--': return this.incdec(p.e, p.op === '++' ? 1 : -1, true, p.loc);
      case '&': {
        const e = this.expr(p.e);
        if (e.kind === 'deref') return this.cast(e.ptr, ptrTo(T, e.type));    // &*p is p
        if (!this.isLvalue(e) && e.kind !== 'str') fail(env, p.loc, 'cannot take the address of an rvalue');
        if (e.kind === 'var' && e.decl.storage.kind === 'reg') fail(env, p.loc, `internal: '${e.decl.name}' has no address`);
        return { kind: 'addr', operand: e, type: ptrTo(T, e.type), loc: p.loc };
      }
      case '*': {
        const e = this.rvalue(p.e);
        if (!isPtr(e.type)) return fail(env, p.loc, `indirection requires pointer operand ('${typeStr(e.type)}' invalid)`);
        const to = e.type.to;
        if (to.k === 'func') fail(env, p.loc, 'function pointers are not supported');
        return { kind: 'deref', ptr: e, type: to, loc: p.loc };
      }
      case '!': { const e = this.scalarTest(p.e); return { kind: 'not', operand: e, type: T.int, loc: p.loc }; }
      case '-': case '+': case '~': {
        const e = this.intOperand(this.rvalue(p.e), `unary '${p.op}'`);
        const t = promote(T, e.type);
        const o = this.cast(e, t);
        if (p.op === '+') return o;
        if (p.op === '-' && o.kind === 'num') return this.num(-BigInt(o.value), t, p.loc);
        return { kind: p.op === '-' ? 'neg' : 'bitnot', operand: o, type: t, loc: p.loc };
      }
    }
    return fail(env, p.loc, `unknown operator '${p.op}'`);
  }

  private lvalue(p: PExpr, what: string): Expr {
    const e = this.expr(p);
    if (e.type.k === 'array') fail(this.env, e.loc, `array type '${typeStr(e.type)}' is not assignable`);
    if (!this.isLvalue(e)) fail(this.env, e.loc, `expression is not assignable (${what})`);
    return e;
  }

  private incdec(pe: PExpr, sign: 1 | -1, prefix: boolean, loc: Loc): Expr {
    const t = this.lvalue(pe, sign > 0 ? 'increment' : 'decrement');
    if (!isScalar(t.type)) fail(this.env, loc, `cannot ${sign > 0 ? 'increment' : 'decrement'} value of type '${typeStr(t.type)}'`);
    const delta = isPtr(t.type) ? sign * this.scaleOf(t.type) : sign;
    return { kind: 'incdec', target: t, delta, prefix, type: t.type, loc };
  }

  private assign(p: PExpr & { k: 'assign' }): Expr {
    const env = this.env, T = this.T;
    if (p.op === '=' && p.l.k === 'id' && !env.lookup(p.l.name) && !CONSTANTS[p.l.name] && !env.func(p.l.name) && !BUILTINS[p.l.name]) {
      const r = this.rvalue(p.r);
      const d = env.declareImplicit(p.l.name, p.l.loc);
      const target: Expr = { kind: 'var', decl: d, type: d.type, loc: p.l.loc };
      if (!isScalar(r.type)) fail(env, p.loc, `cannot assign '${typeStr(r.type)}' to an implicit variable`);
      return { kind: 'assign', target, value: this.cast(r, d.type), type: d.type, loc: p.loc };
    }
    const target = this.lvalue(p.l, 'assignment');
    const r = this.rvalue(p.r);
    if (p.op === '=') return { kind: 'assign', target, value: this.convert(r, target.type, p.loc, 'assigning'), type: target.type, loc: p.loc };
    const op = p.op.slice(0, -1) as BinOp;
    if (isPtr(target.type) && (op === '+' || op === '-') && !this.isImplicitVarTargetArith(target, r)) {
      const idx = this.intOperand(r, `'${p.op}'`);
      return { kind: 'assign', target, value: this.cast(idx, idx.type.signed ? T.long : T.ulong), op, scale: this.scaleOf(target.type), type: target.type, loc: p.loc };
    }
    let tt = target.type;
    if (isPtr(tt) && this.isImplicitVar(target)) tt = T.ulong;
    if (!isInt(tt)) return fail(env, p.loc, `invalid operands to '${p.op}' ('${typeStr(target.type)}')`);
    const b = this.intOperand(r, `'${p.op}'`);
    const opType = op === '<<' || op === '>>' ? promote(T, tt) : usual(T, tt, b.type);
    const value = op === '<<' || op === '>>' ? this.cast(b, promote(T, b.type)) : this.cast(b, opType);
    return { kind: 'assign', target, value, op, opType, type: target.type, loc: p.loc };
  }
  private isImplicitVarTargetArith(_t: Expr, r: Expr): boolean { return isPtr(r.type); }

  private call(p: PExpr & { k: 'call' }): Expr {
    const env = this.env, T = this.T;
    if (p.callee.k !== 'id') return fail(env, p.loc, 'only named functions can be called');
    const name = p.callee.name;
    const local = env.lookup(name);
    if (local) return fail(env, p.loc, `called object type '${typeStr((local as VarDecl).type ?? T.int)}' is not a function`);
    const f = env.func(name);
    if (f) {
      const ps = f.type.params;
      if (p.args.length !== ps.length) fail(env, p.loc, `too ${p.args.length < ps.length ? 'few' : 'many'} arguments to function call, expected ${ps.length}, have ${p.args.length}`);
      const args = p.args.map((a, i) => this.convert(this.rvalue(a), ps[i], a.loc, `passing argument ${i + 1} to '${name}'`));
      return { kind: 'call', callee: { kind: 'func', func: f }, args, type: f.type.ret, loc: p.loc };
    }
    if ((name === 'read' || name === 'write') && p.args.length === 3 && this.isDescriptor(p.args[0])) {
      return this.call({ ...p, callee: { ...p.callee, name: `__${name}` } });
    }
    const b = BUILTINS[name];
    if (!b) return fail(env, p.loc, `call to undeclared function '${name}'`);
    const min = b.minArgs ?? b.params.length;
    if (p.args.length < min || (!b.variadic && p.args.length > b.params.length)) {
      const few = p.args.length < min;
      fail(env, p.loc, `too ${few ? 'few' : 'many'} arguments to function call, expected ${few ? min : b.params.length}, have ${p.args.length}`);
    }
    const args: Expr[] = p.args.map((a, i) => {
      const e = this.rvalue(a);
      const pt = b.params[i];
      if (pt === undefined) {   // variadic: default argument promotions
        if (isInt(e.type)) return this.cast(e, promote(T, e.type));
        if (!isScalar(e.type)) fail(env, a.loc, `cannot pass '${typeStr(e.type)}' to a variadic function`);
        return e;
      }
      if (pt === 'scalar' || pt === 'any') {
        if (!isScalar(e.type)) fail(env, a.loc, `passing '${typeStr(e.type)}' where a scalar is required`);
        return e;
      }
      return this.convert(e, this.builtinType(pt), a.loc, `passing argument ${i + 1} to '${name}'`);
    });
    return { kind: 'call', callee: { kind: 'builtin', name }, args, type: this.builtinType(b.ret), loc: p.loc };
  }

  // read/write's first argument: an int (or narrower) is a file descriptor, anything else (a
  // pointer, a long address) keeps the memory meaning.
  private isDescriptor(a: PExpr): boolean {
    const env = this.env, diag = env.diag;
    env.diag = () => {};     // the argument is checked again, with its diagnostics, as the call's
    try { const t = this.rvalue(a).type; return isInt(t) && t.size <= 4; } catch { return false; } finally { env.diag = diag; }
  }

  builtinType(name: string): CType {
    const T = this.T;
    const v = T.void, c = T.char;
    switch (name) {
      case 'void': return v;
      case 'int': return T.int;
      case 'long': return T.long;
      case 'size_t': return T.sizeT;
      case 'intptr_t': return { ...T.long, name: 'intptr_t' };
      case 'void*': return ptrTo(T, v);
      case 'void**': return ptrTo(T, ptrTo(T, v));
      case 'char*': return ptrTo(T, c);
    }
    throw new Error(`unknown builtin type ${name}`);
  }
}

export type { Diagnostic };
