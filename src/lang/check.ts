// The checker: declarations, scopes, storage (registers, stack frames, .data/.bss/.rodata)
// and statements. Every error is reported; a failing statement is dropped and checking goes on.
import type { CheckOptions, CType, Diagnostic, Expr, FuncDecl, FuncType, Init, Loc, Program, Stmt, StructType, VarDecl } from './ast';
import { BUILTINS } from './builtins';
import { CheckError, ExprChecker, type Env } from './check-expr';
import type { PDecl, PDeclarator, PExpr, PFunc, PInit, PStmt, PTop, PTypeName, PTypeSpec } from './syntax';
import { alignOf, alignUp, baseType, ctypes, isScalar, layoutStruct, ptrTo, sizeOf, typeStr, type Ctypes } from './types';

type Binding = VarDecl | { enumValue: bigint };

interface FuncCtx {
  decl: FuncDecl;
  slots: number;
  frame: number;
  addrTaken: Set<string>;
  loops: number;     // enclosing loops (for break/continue)
  switches: number;
}

export function check(tops: PTop[], file: string, opts: CheckOptions, diagnostics: Diagnostic[]): Program | null {
  return new Checker(file, opts, diagnostics).run(tops);
}

// An expression typed in the debugger (a breakpoint condition, a watch, a logpoint's `{...}`),
// checked against a checked program and the variables visible where it will be evaluated.
// It can declare nothing and place no string: the program's layout is already fixed.
// `object`: keep an array or struct as itself (its bytes), rather than decaying it to a pointer.
export function checkExpression(p: PExpr, program: Program, visible: Iterable<VarDecl>, mode: 'value' | 'object', diagnostics: Diagnostic[]): Expr | null {
  return Checker.forExpression(program, visible, diagnostics).expression(p, mode);
}

class Checker {
  private readonly T: Ctypes;
  private readonly scopes: Map<string, Binding>[] = [new Map()];
  private readonly funcs = new Map<string, FuncDecl>();
  private readonly structs = new Map<string, StructType>();
  private readonly typedefs = new Map<string, CType>();
  private readonly globals: VarDecl[] = [];
  private readonly strings = new Map<string, number>();
  private rodata: number[] = [];
  private fn: FuncCtx | null = null;
  private readonly X: ExprChecker;
  private scriptStyle = false;
  private readonly scriptBody: Stmt[] = [];

  constructor(private readonly file: string, private readonly opts: CheckOptions, private readonly diags: Diagnostic[]) {
    this.T = ctypes(opts.arch);
    const env: Env = {
      T: this.T,
      lookup: (n) => this.lookup(n),
      func: (n) => this.funcs.get(n),
      declareImplicit: (n, loc) => this.declareImplicit(n, loc),
      resolveTypeName: (t) => this.typeName(t),
      stringAddr: (b) => this.stringAddr(b),
      diag: (loc, message, severity = 'error') => this.diag(loc, message, severity),
    };
    this.X = new ExprChecker(env);
  }

  private exprOnly = false;
  static forExpression(program: Program, visible: Iterable<VarDecl>, diags: Diagnostic[]): Checker {
    const c = new Checker(program.file, { arch: program.arch, rodataBase: 0, dataBase: 0 }, diags);
    c.exprOnly = true;
    for (const [k, v] of program.structs) c.structs.set(k, v);
    for (const [k, v] of program.typedefs ?? []) c.typedefs.set(k, v);
    for (const [k, v] of program.funcs) c.funcs.set(k, v);
    for (const d of visible) c.scopes[0].set(d.name, d);
    return c;
  }
  expression(p: PExpr, mode: 'value' | 'object'): Expr | null {
    try { return mode === 'value' ? this.X.rvalue(p) : this.X.expr(p); } catch (e) { if (e instanceof CheckError) return null; throw e; }
  }

  private diag(loc: Loc, message: string, severity: 'error' | 'warning' = 'error'): void {
    if (this.diags.length < 200 && !this.diags.some((d) => d.loc.line === loc.line && d.loc.col === loc.col && d.message === message)) {
      this.diags.push({ loc, message, severity });
    }
  }
  private fail(loc: Loc, message: string): never { this.diag(loc, message); throw new CheckError(message); }

  private lookup(name: string): Binding | undefined {
    for (let i = this.scopes.length - 1; i >= 0; i--) { const b = this.scopes[i].get(name); if (b) return b; }
    return undefined;
  }

  private stringAddr(bytes: Uint8Array): number {
    if (this.exprOnly) this.fail({ file: this.file, line: 1, col: 1 }, 'string literals cannot be used here');
    const key = Array.from(bytes).join(',');
    const have = this.strings.get(key);
    if (have !== undefined) return have;
    const addr = this.opts.rodataBase + this.rodata.length;
    this.rodata.push(...bytes);
    this.strings.set(key, addr);
    return addr;
  }

  // ---- types --------------------------------------------------------------------------
  private spec(s: PTypeSpec): CType {
    switch (s.k) {
      case 'base': { const t = baseType(this.T, s.words); if (typeof t === 'string') this.fail(s.loc, t); return t as CType; }
      case 'typedef': return this.typedefs.get(s.name)!;
      case 'enum': {
        let next = 0n;
        for (const it of s.items ?? []) {
          if (it.value) next = this.constValue(it.value);
          this.scopes[this.scopes.length - 1].set(it.name, { enumValue: next });
          next++;
        }
        return this.T.int;
      }
      case 'struct': {
        const name = s.name ?? `<anonymous@${s.loc.line}:${s.loc.col}>`;
        let st = this.structs.get(name);
        if (!st) { st = { k: 'struct', name, fields: [], size: 0, align: 1, complete: false }; this.structs.set(name, st); }
        if (s.fields) {
          if (st.complete) this.fail(s.loc, `redefinition of 'struct ${name}'`);
          const fields: { name: string; type: CType }[] = [];
          for (const f of s.fields) {
            const t = this.derive(this.spec(f.spec), f.decl);
            if (!f.decl.name) continue;
            if (t.k === 'struct' && !t.complete) this.fail(f.decl.loc, `field has incomplete type 'struct ${t.name}'`);
            if (t.k === 'void') this.fail(f.decl.loc, "field has incomplete type 'void'");
            if (fields.some((x) => x.name === f.decl.name)) this.fail(f.decl.loc, `duplicate member '${f.decl.name}'`);
            fields.push({ name: f.decl.name, type: t });
          }
          layoutStruct(this.T, st, fields);
        }
        return st;
      }
    }
  }

  private derive(base: CType, d: PDeclarator): CType {
    let t = base;
    // derived parts are listed from the base type outwards (pointers bind first)
    for (let i = 0; i < d.derived.length; i++) {
      const x = d.derived[i];
      if (x.k === 'ptr') t = ptrTo(this.T, t);
      else if (x.k === 'array') {
        const len = x.size ? Number(this.constValue(x.size)) : 0;
        if (x.size && (len < 0 || len > 2 ** 32)) this.fail(d.loc, `array size ${len} is invalid`);
        if (t.k === 'void') this.fail(d.loc, "array has incomplete element type 'void'");
        t = { k: 'array', of: t, len, size: len * sizeOf(t) };
      } else {
        const params = x.params.map((p) => {
          let pt = this.derive(this.spec(p.spec), p.decl);
          if (pt.k === 'array') pt = ptrTo(this.T, pt.of);      // parameters adjust arrays to pointers
          return pt;
        });
        t = { k: 'func', ret: t, params, variadic: x.variadic } as FuncType;
      }
    }
    return t;
  }

  private typeName(t: PTypeName): CType { return this.derive(this.spec(t.spec), t.decl); }

  private constValue(p: PExpr): bigint {
    const e = this.X.rvalue(p);
    const v = this.fold(e);
    if (v === null) this.fail(p.loc, 'expression is not an integer constant expression');
    return v!;
  }
  private fold(e: Expr): bigint | null {
    switch (e.kind) {
      case 'num': return BigInt(e.value);
      case 'cast': { const v = this.fold(e.operand); if (v === null || e.type.k !== 'int') return v; return e.type.signed ? BigInt.asIntN(e.type.size * 8, v) : BigInt.asUintN(e.type.size * 8, v); }
      case 'neg': { const v = this.fold(e.operand); return v === null ? null : -v; }
      case 'bitnot': { const v = this.fold(e.operand); return v === null ? null : ~v; }
      case 'not': { const v = this.fold(e.operand); return v === null ? null : v === 0n ? 1n : 0n; }
      case 'bin': {
        const a = this.fold(e.left), b = this.fold(e.right);
        if (a === null || b === null) return null;
        const ops: Record<string, () => bigint> = {
          '+': () => a + b, '-': () => a - b, '*': () => a * b, '/': () => (b === 0n ? 0n : a / b), '%': () => (b === 0n ? 0n : a % b),
          '<<': () => a << b, '>>': () => a >> b, '&': () => a & b, '|': () => a | b, '^': () => a ^ b,
          '<': () => BigInt(a < b), '>': () => BigInt(a > b), '<=': () => BigInt(a <= b), '>=': () => BigInt(a >= b), '==': () => BigInt(a === b), '!=': () => BigInt(a !== b),
        };
        const v = ops[e.op]();
        const t = e.type;
        return t.k === 'int' ? (t.signed ? BigInt.asIntN(t.size * 8, v) : BigInt.asUintN(t.size * 8, v)) : v;
      }
      case 'cond': { const c = this.fold(e.test); if (c === null) return null; return this.fold(c !== 0n ? e.then : e.else); }
      case 'logand': case 'logor': { const a = this.fold(e.left), b = this.fold(e.right); if (a === null || b === null) return null; return BigInt(e.kind === 'logand' ? a !== 0n && b !== 0n : a !== 0n || b !== 0n); }
      default: return null;
    }
  }

  // ---- storage ------------------------------------------------------------------------
  private globalAddr = 0;    // assigned at the end (data first, then bss)
  private placeLocal(name: string, t: CType, loc: Loc): VarDecl {
    const f = this.fn!;
    const mustStack = t.k === 'array' || t.k === 'struct' || f.addrTaken.has(name);
    if (!mustStack) return { name, type: t, loc, storage: { kind: 'reg', slot: f.slots++ } };
    const size = Math.max(sizeOf(t), 1);
    f.frame = alignUp(f.frame + size, alignOf(this.T, t));
    return { name, type: t, loc, storage: { kind: 'stack', offset: f.frame } };
  }
  private newGlobal(name: string, t: CType, loc: Loc): VarDecl {
    const d: VarDecl = { name, type: t, loc, storage: { kind: 'global', addr: 0 } };
    this.globals.push(d);
    return d;
  }

  private declareImplicit(name: string, loc: Loc): VarDecl {
    if (this.exprOnly) this.fail(loc, `use of undeclared identifier '${name}'`);
    const t = ptrTo(this.T, this.T.char);
    let d: VarDecl;
    if (this.fn && this.fn.decl !== this.scriptMain) {
      d = this.placeLocal(name, t, loc);
      this.scopes[1].set(name, d);   // the function's outermost scope: visible to the end
    } else {
      d = this.newGlobal(name, t, loc);
      this.scopes[0].set(name, d);
    }
    d.implicit = true;
    return d;
  }
  private inScriptTop = false;
  private scriptMain: FuncDecl | null = null;

  // ---- declarations ---------------------------------------------------------------------
  private declare(p: PDecl, where: 'global' | 'local' | 'script'): { decl: VarDecl; init?: Init }[] {
    const out: { decl: VarDecl; init?: Init }[] = [];
    let base: CType;
    try { base = this.spec(p.spec); } catch (e) { if (e instanceof CheckError) return out; throw e; }
    for (const item of p.items) {
      try {
        const name = item.decl.name!;
        let t = this.derive(base, item.decl);
        if (p.isTypedef) { this.typedefs.set(name, t); continue; }
        if (t.k === 'func') { this.fail(item.decl.loc, `function prototypes are not needed: define '${name}' anywhere in the file`); }
        // char buf[] = "..." / int a[] = {...}: the size comes from the initialiser
        if (t.k === 'array' && t.len === 0 && item.init) {
          const n = item.init.k === 'list' ? item.init.items.length : item.init.e.k === 'str' ? item.init.e.bytes.length + 1 : 0;
          t = { k: 'array', of: t.of, len: n, size: n * sizeOf(t.of) };
        }
        if (t.k === 'void') this.fail(item.decl.loc, `variable has incomplete type 'void'`);
        if (t.k === 'struct' && !t.complete) this.fail(item.decl.loc, `variable has incomplete type 'struct ${t.name}'`);
        const scope = this.scopes[this.scopes.length - 1];
        const prev = scope.get(name);
        if (prev) this.fail(item.decl.loc, `redefinition of '${name}'`);
        const isStatic = p.storage.includes('static');
        let d: VarDecl;
        if (where === 'local' && !isStatic) d = this.placeLocal(name, t, item.decl.loc);
        else d = this.newGlobal(name, t, item.decl.loc);
        scope.set(name, d);
        let init: Init | undefined;
        if (item.init) init = this.init(item.init, t, item.decl.loc);
        if (init && (where === 'global' || (where === 'local' && isStatic))) {
          this.requireConstInit(init);
          d.init = init;
        }
        out.push({ decl: d, init });
      } catch (e) { if (!(e instanceof CheckError)) throw e; }
    }
    return out;
  }

  private init(p: PInit, t: CType, loc: Loc): Init {
    if (p.k === 'list') {
      if (t.k === 'array') {
        if (p.items.length > t.len) this.diag(p.loc, 'excess elements in array initializer', 'warning');
        return { kind: 'list', items: p.items.slice(0, t.len).map((it) => this.init(it, t.of, loc)), loc: p.loc };
      }
      if (t.k === 'struct') {
        if (p.items.length > t.fields.length) this.diag(p.loc, 'excess elements in struct initializer', 'warning');
        return { kind: 'list', items: p.items.slice(0, t.fields.length).map((it, i) => this.init(it, t.fields[i].type, loc)), loc: p.loc };
      }
      if (p.items.length === 0) return { kind: 'list', items: [], loc: p.loc };
      return this.init(p.items[0], t, loc);
    }
    if (t.k === 'array' && p.e.k === 'str' && t.of.k === 'int' && t.of.size === 1) {
      const bytes = new Uint8Array(p.e.bytes.length + 1); bytes.set(p.e.bytes);
      if (bytes.length - 1 > t.len) this.diag(p.e.loc, 'initializer-string for char array is too long', 'warning');
      return { kind: 'string', bytes, loc: p.e.loc };
    }
    if (t.k === 'array') this.fail(p.e.loc, 'array initializer must be an initializer list or string literal');
    const e = t.k === 'struct' ? this.X.expr(p.e) : this.X.rvalue(p.e);
    return { kind: 'expr', expr: this.X.convert(e, t, p.e.loc, 'initializing') };
  }

  private requireConstInit(i: Init): void {
    if (i.kind === 'list') { i.items.forEach((x) => this.requireConstInit(x)); return; }
    if (i.kind === 'string') return;
    const ok = (e: Expr): boolean => {
      switch (e.kind) {
        case 'num': case 'str': return true;
        case 'cast': return ok(e.operand);
        case 'addr': return e.operand.kind === 'var' ? e.operand.decl.storage.kind === 'global' : e.operand.kind === 'str' || (e.operand.kind === 'deref' && ok(e.operand.ptr));
        case 'decay': return e.array.kind === 'str' || (e.array.kind === 'var' && e.array.decl.storage.kind === 'global');
        case 'ptradd': return ok(e.ptr) && ok(e.index);
        case 'bin': case 'logand': case 'logor': return ok(e.left) && ok(e.right);
        case 'neg': case 'bitnot': case 'not': return ok(e.operand);
        case 'cond': return ok(e.test) && ok(e.then) && ok(e.else);
        default: return false;
      }
    };
    if (!ok(i.expr)) this.fail(i.expr.loc, 'initializer element is not a compile-time constant');
  }

  // ---- statements -----------------------------------------------------------------------
  private stmt(p: PStmt): Stmt | null {
    try { return this.stmtInner(p); } catch (e) { if (e instanceof CheckError) return null; throw e; }
  }

  private block(body: PStmt[], loc: Loc, newScope = true): Stmt & { kind: 'block' } {
    if (newScope) this.scopes.push(new Map());
    const out: Stmt[] = [];
    for (const s of body) { const c = this.stmt(s); if (c) out.push(c); }
    if (newScope) this.scopes.pop();
    return { kind: 'block', body: out, loc };
  }

  private stmtInner(p: PStmt): Stmt {
    const X = this.X, f = this.fn!;
    switch (p.k) {
      case 'empty': return { kind: 'empty', loc: p.loc };
      case 'expr': return { kind: 'expr', expr: X.expr(p.e), loc: p.loc };
      case 'decl': {
        const where = this.inScriptTop ? 'script' : 'local';
        return { kind: 'decl', decls: this.declare(p, where), loc: p.loc };
      }
      case 'block': {
        const wasTop = this.inScriptTop; this.inScriptTop = false;
        try { return this.block(p.body, p.loc); } finally { this.inScriptTop = wasTop; }
      }
      case 'if': {
        const test = X.condition(p.c);
        const wasTop = this.inScriptTop; this.inScriptTop = false;
        try {
          const then = this.stmt(p.t) ?? { kind: 'empty', loc: p.t.loc };
          const els = p.f ? this.stmt(p.f) ?? { kind: 'empty', loc: p.f.loc } : undefined;
          return { kind: 'if', test, then, else: els, loc: p.loc };
        } finally { this.inScriptTop = wasTop; }
      }
      case 'while': case 'do': {
        const test = X.condition(p.c);
        f.loops++;
        const wasTop = this.inScriptTop; this.inScriptTop = false;
        try {
          const body = this.stmt(p.body) ?? { kind: 'empty', loc: p.body.loc };
          return p.k === 'while' ? { kind: 'while', test, body, loc: p.loc } : { kind: 'dowhile', body, test, loc: p.loc };
        } finally { f.loops--; this.inScriptTop = wasTop; }
      }
      case 'for': {
        const wasTop = this.inScriptTop; this.inScriptTop = false;
        this.scopes.push(new Map());
        f.loops++;
        try {
          const init = p.init ? this.stmt(p.init) ?? undefined : undefined;
          const test = p.c ? X.condition(p.c) : undefined;
          const update = p.step ? X.expr(p.step) : undefined;
          const body = this.stmt(p.body) ?? { kind: 'empty', loc: p.body.loc };
          return { kind: 'for', init, test, update, body, loc: p.loc };
        } finally { f.loops--; this.scopes.pop(); this.inScriptTop = wasTop; }
      }
      case 'break': if (f.loops + f.switches === 0) this.fail(p.loc, "'break' statement not in loop or switch statement"); return { kind: 'break', loc: p.loc };
      case 'continue': if (f.loops === 0) this.fail(p.loc, "'continue' statement not in loop statement"); return { kind: 'continue', loc: p.loc };
      case 'return': {
        const ret = f.decl.type.ret;
        if (!p.e) {
          if (ret.k !== 'void' && f.decl.name !== 'main') this.diag(p.loc, `non-void function '${f.decl.name}' should return a value`, 'warning');
          return { kind: 'return', loc: p.loc };
        }
        const e = ret.k === 'struct' ? X.expr(p.e) : X.rvalue(p.e);
        if (ret.k === 'void') { this.diag(p.loc, `void function '${f.decl.name}' should not return a value`, 'warning'); return { kind: 'return', value: X.cast(e, ret), loc: p.loc }; }
        return { kind: 'return', value: X.convert(e, ret, p.loc, 'returning'), loc: p.loc };
      }
      case 'switch': {
        const t0 = X.rvalue(p.c);
        if (t0.type.k !== 'int') this.fail(p.c.loc, `statement requires expression of integer type ('${typeStr(t0.type)}' invalid)`);
        const test = X.cast(t0, this.T.int.size >= t0.type.size ? this.T.int : t0.type);
        const cases: { value: number | bigint | null; stmt: Stmt }[] = [];
        this.caseStack.push({ cases, type: test.type as import('./ast').IntType });
        f.switches++;
        const wasTop = this.inScriptTop; this.inScriptTop = false;
        try {
          const body = this.stmt(p.body) ?? { kind: 'empty', loc: p.body.loc };
          return { kind: 'switch', test, body, cases, loc: p.loc };
        } finally { f.switches--; this.caseStack.pop(); this.inScriptTop = wasTop; }
      }
      case 'case': {
        const sw = this.caseStack[this.caseStack.length - 1];
        if (!sw) this.fail(p.loc, `'${p.value ? 'case' : 'default'}' statement not in switch statement`);
        let value: number | bigint | null = null;
        if (p.value) {
          const v = this.constValue(p.value);
          const t = sw.type;
          const w = t.signed ? BigInt.asIntN(t.size * 8, v) : BigInt.asUintN(t.size * 8, v);
          value = w >= -(2n ** 53n - 1n) && w <= 2n ** 53n - 1n ? Number(w) : w;
          if (sw.cases.some((c) => c.value === value)) this.fail(p.loc, `duplicate case value '${v}'`);
        } else if (sw.cases.some((c) => c.value === null)) this.fail(p.loc, "multiple default labels in one switch");
        const body = this.stmt(p.body) ?? { kind: 'empty', loc: p.body.loc };
        const s: Stmt = { kind: 'case', value, body, loc: p.loc };
        sw.cases.push({ value, stmt: s });
        return s;
      }
    }
  }
  private readonly caseStack: { cases: { value: number | bigint | null; stmt: Stmt }[]; type: import('./ast').IntType }[] = [];

  // ---- functions and the program ---------------------------------------------------------
  private addrTakenIn(body: PStmt | PStmt[]): Set<string> {
    const names = new Set<string>();
    const seen = (x: unknown): void => {
      if (!x || typeof x !== 'object') return;
      if (Array.isArray(x)) { x.forEach(seen); return; }
      const o = x as Record<string, unknown>;
      if (o.k === 'unary' && o.op === '&') {
        let e = o.e as PExpr;
        while (e.k === 'member' && !e.arrow) e = e.o;
        if (e.k === 'id') names.add(e.name);
      }
      for (const v of Object.values(o)) if (v && typeof v === 'object' && !(v instanceof Uint8Array)) seen(v);
    };
    seen(body);
    return names;
  }

  private defineFunc(p: PFunc): void {
    const d = p.decl;
    const name = d.name!;
    const loc = d.loc;
    try {
      const ft = this.derive(this.spec(p.spec), d);
      if (ft.k !== 'func') this.fail(loc, `'${name}' is not a function`);
      if (BUILTINS[name]) this.fail(loc, `'${name}' is a built-in function and cannot be redefined`);
      if (this.funcs.has(name)) this.fail(loc, `redefinition of '${name}'`);
      const fd: FuncDecl = { name, type: ft as FuncType, loc, params: [], body: undefined, regSlots: 0, frameSize: 0, endLoc: p.body.end };
      this.funcs.set(name, fd);
      this.pending.push({ p, fd });
    } catch (e) { if (!(e instanceof CheckError)) throw e; }
  }
  private readonly pending: { p: PFunc; fd: FuncDecl }[] = [];

  private checkBody(p: PFunc, fd: FuncDecl): void {
    const pd = p.decl.derived[p.decl.derived.length - 1];
    const params = pd.k === 'func' ? pd.params : [];
    const ctx: FuncCtx = { decl: fd, slots: 0, frame: 0, addrTaken: this.addrTakenIn(p.body.body), loops: 0, switches: 0 };
    this.fn = ctx;
    const scope = new Map<string, Binding>();
    this.scopes.push(scope);
    params.forEach((pp, i) => {
      if (!pp.decl.name) { if (params.length > 0 && fd.name !== 'main') this.diag(pp.loc, 'parameter name omitted'); return; }
      const v = this.placeLocal(pp.decl.name, fd.type.params[i], pp.decl.loc);
      if (scope.has(v.name)) this.diag(pp.loc, `redefinition of parameter '${v.name}'`);
      scope.set(v.name, v);
      fd.params.push(v);
    });
    fd.body = this.block(p.body.body, p.body.loc, true);
    this.scopes.pop();
    fd.regSlots = ctx.slots;
    fd.frameSize = alignUp(ctx.frame, 16);
    this.fn = null;
  }

  run(tops: PTop[]): Program | null {
    // Pass 1: types, globals and function signatures, so order of definition does not matter.
    this.newGlobal('errno', this.T.int, { file: this.file, line: 0, col: 0 });
    this.scopes[0].set('errno', this.globals[0]);
    const hasMain = tops.some((t) => t.k === 'func' && t.decl.name === 'main');
    this.scriptStyle = !hasMain;
    const scriptStmts: PStmt[] = [];
    for (const t of tops) {
      if (t.k === 'func') this.defineFunc(t);
      else if (t.k === 'decl') {
        if (this.scriptStyle) scriptStmts.push(t);
        else {
          const ds = this.declare(t, 'global');
          for (const d of ds) if (d.init && !d.decl.init) d.decl.init = d.init;
        }
      } else if (this.scriptStyle) scriptStmts.push(t.s);
      else this.diag(t.s.loc, "a file with 'main' cannot have statements outside functions");
    }
    // Pass 2: bodies. A script's statements form the body of a synthetic main.
    let main = this.funcs.get('main');
    if (this.scriptStyle) {
      const end = scriptStmts.length ? { ...scriptStmts[scriptStmts.length - 1].loc } : { file: this.file, line: 1, col: 1 };
      const fd: FuncDecl = { name: 'main', type: { k: 'func', ret: this.T.int, params: [], variadic: false }, loc: { file: this.file, line: 1, col: 1 }, params: [], regSlots: 0, frameSize: 0, endLoc: end };
      const ctx: FuncCtx = { decl: fd, slots: 0, frame: 0, addrTaken: this.addrTakenIn(scriptStmts), loops: 0, switches: 0 };
      this.fn = ctx;
      this.scriptMain = fd;
      this.inScriptTop = true;
      const body: Stmt[] = [];
      // top-level names (declarations, implicit variables) live in the global scope
      for (const s of scriptStmts) { const c = this.stmt(s); if (c) body.push(c); }
      this.inScriptTop = false;
      fd.body = { kind: 'block', body, loc: fd.loc };
      fd.regSlots = ctx.slots;
      fd.frameSize = alignUp(ctx.frame, 16);
      this.fn = null;
      this.funcs.set('main', fd);
      main = fd;
    }
    for (const { p, fd } of this.pending) this.checkBody(p, fd);
    if (main && main.type.params.length > 0) {
      const ps = main.type.params;
      if (ps.length !== 2 || ps[0].k !== 'int' || ps[1].k !== 'ptr') this.diag(main.loc, "'main' takes no parameters or (int argc, char **argv)");
    }
    // Place globals: initialised ones in .data, the rest in .bss (errno first there).
    let addr = this.opts.dataBase;
    const data = this.globals.filter((g) => g.init);
    const bss = this.globals.filter((g) => !g.init);
    for (const g of data) { addr = alignUp(addr, alignOf(this.T, g.type)); (g.storage as { addr: number }).addr = addr; addr += Math.max(sizeOf(g.type), 1); }
    const dataSize = addr - this.opts.dataBase;
    const bssStart = addr;
    for (const g of bss) { addr = alignUp(addr, Math.max(alignOf(this.T, g.type), g.type.k === 'array' && sizeOf(g.type) >= 32 ? 32 : 1)); (g.storage as { addr: number }).addr = addr; addr += Math.max(sizeOf(g.type), 1); }
    if (this.diags.some((d) => d.severity === 'error')) return null;
    return {
      file: this.file, arch: this.opts.arch, pragmas: [], globals: this.globals, funcs: this.funcs, scriptStyle: this.scriptStyle,
      rodata: { addr: this.opts.rodataBase, bytes: Uint8Array.from(this.rodata) }, dataSize, bssSize: addr - bssStart, structs: this.structs,
      typedefs: this.typedefs,
    };
  }
}

export { isScalar };
