// Recursive-descent parser for the scenario language (C with its precedence). Errors are
// reported and parsing resumes at the next `;` or `}` (panic mode), so one file gives every
// syntax error it has; nesting is bounded so no input can exhaust the JS stack.
import type { Diagnostic, Loc } from './ast';
import type { Token } from './scan';
import type { PDecl, PDeclarator, PDerived, PExpr, PFunc, PInit, PParam, PStmt, PTop, PTypeName, PTypeSpec, PField } from './syntax';

const BASE_WORDS = new Set(['void', 'char', 'short', 'int', 'long', 'signed', 'unsigned', '_Bool', 'bool',
  'size_t', 'ssize_t', 'uintptr_t', 'intptr_t', 'ptrdiff_t', 'uint8_t', 'uint16_t', 'uint32_t', 'uint64_t',
  'int8_t', 'int16_t', 'int32_t', 'int64_t', 'off_t', 'u8', 'u16', 'u32', 'u64']);
const QUALIFIERS = new Set(['const', 'volatile', 'restrict', '__restrict', 'register', 'inline', 'static', 'extern', 'auto', '_Noreturn']);
const KEYWORDS = new Set(['if', 'else', 'while', 'do', 'for', 'break', 'continue', 'return', 'switch', 'case',
  'default', 'sizeof', 'struct', 'enum', 'typedef', 'union', 'goto', ...BASE_WORDS, ...QUALIFIERS]);

const BINARY: Record<string, number> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7,
  '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};
const ASSIGN = new Set(['=', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '<<=', '>>=']);
const MAX_DEPTH = 200;

class Bail extends Error {}

export class Parser {
  private p = 0;
  private depth = 0;
  readonly diagnostics: Diagnostic[] = [];
  private readonly typedefs = new Set<string>();
  private lastErrorAt = -1;

  // `typedefs`: names a program already declared, for an expression typed outside it (a
  // debugger's condition) whose casts may use them
  constructor(private readonly toks: Token[], typedefs: Iterable<string> = []) {
    for (const n of typedefs) this.typedefs.add(n);
  }

  private get t(): Token { return this.toks[this.p]; }
  private peek(n = 1): Token { return this.toks[Math.min(this.p + n, this.toks.length - 1)]; }
  private is(v: string): boolean { const t = this.t; return (t.k === 'op' || t.k === 'id') && t.v === v; }
  private next(): Token { const t = this.t; if (t.k !== 'eof') this.p++; return t; }
  private accept(v: string): boolean { if (this.is(v)) { this.p++; return true; } return false; }

  private error(loc: Loc, message: string): never {
    // one error per token position: panic mode must not repeat itself
    if (this.lastErrorAt !== this.p && this.diagnostics.length < 100) this.diagnostics.push({ loc, message, severity: 'error' });
    this.lastErrorAt = this.p;
    throw new Bail();
  }
  private expect(v: string, what?: string): Token {
    if (this.is(v)) return this.next();
    const at = this.t.k === 'eof' ? this.t.loc : this.t.loc;
    this.error(at, `expected '${v}'${what ? ' ' + what : ''}`);
  }
  private enter(loc: Loc): void { if (++this.depth > MAX_DEPTH) { this.depth = 0; this.error(loc, 'nesting too deep'); } }
  private leave(): void { this.depth--; }

  // Skip to a place where parsing can resume: after a `;`, or before a `}` at this level.
  private recover(stopAtBrace = true): void {
    let depth = 0;
    while (this.t.k !== 'eof') {
      if (this.is('{')) depth++;
      else if (this.is('}')) { if (depth === 0) { if (!stopAtBrace) this.next(); return; } depth--; if (depth === 0) { this.next(); return; } }
      else if (this.is(';') && depth === 0) { this.next(); return; }
      this.next();
    }
  }

  isTypeStart(t: Token = this.t): boolean {
    if (t.k !== 'id') return false;
    return BASE_WORDS.has(t.v) || QUALIFIERS.has(t.v) || t.v === 'struct' || t.v === 'enum' || t.v === 'union' || t.v === 'typedef' || this.typedefs.has(t.v);
  }

  // ---- top level ------------------------------------------------------------------------
  parseProgram(): PTop[] {
    const out: PTop[] = [];
    while (this.t.k !== 'eof') {
      const start = this.p;
      try {
        if (this.isTypeStart()) {
          const d = this.declOrFunc();
          if (d) out.push(d);
        } else out.push({ k: 'stmt', s: this.statement() });
      } catch (e) {
        if (!(e instanceof Bail)) throw e;
        this.depth = 0;
        this.recover(false);
      }
      if (this.p === start) this.next();   // always make progress
    }
    return out;
  }

  private storageAndSpec(): { spec: PTypeSpec; storage: string[]; isTypedef: boolean } {
    const storage: string[] = [];
    let isTypedef = false;
    const words: string[] = [];
    let spec: PTypeSpec | null = null;
    const loc = this.t.loc;
    for (;;) {
      const t = this.t;
      if (t.k !== 'id') break;
      if (t.v === 'typedef') { isTypedef = true; this.next(); continue; }
      if (QUALIFIERS.has(t.v)) { if (t.v === 'static' || t.v === 'extern') storage.push(t.v); this.next(); continue; }
      if (BASE_WORDS.has(t.v)) { if (spec) break; words.push(t.v); this.next(); continue; }
      if ((t.v === 'struct' || t.v === 'union') && !spec && words.length === 0) { spec = this.structSpec(); continue; }
      if (t.v === 'enum' && !spec && words.length === 0) { spec = this.enumSpec(); continue; }
      if (this.typedefs.has(t.v) && !spec && words.length === 0) { spec = { k: 'typedef', name: t.v, loc: t.loc }; this.next(); continue; }
      break;
    }
    if (!spec) {
      if (words.length === 0) this.error(this.t.loc, 'expected a type');
      spec = { k: 'base', words, loc };
    }
    return { spec, storage, isTypedef };
  }

  private structSpec(): PTypeSpec {
    const kw = this.next();
    if (kw.v === 'union') this.error(kw.loc, 'unions are not supported');
    let name: string | null = null;
    if (this.t.k === 'id' && !KEYWORDS.has(this.t.v)) name = this.next().v;
    let fields: PField[] | null = null;
    if (this.accept('{')) {
      fields = [];
      while (!this.is('}') && this.t.k !== 'eof') {
        try {
          const { spec } = this.storageAndSpec();
          do {
            const decl = this.declarator(false);
            fields.push({ spec, decl });
          } while (this.accept(','));
          this.expect(';', 'after struct field');
        } catch (e) { if (!(e instanceof Bail)) throw e; this.recover(); }
      }
      this.expect('}');
    } else if (!name) this.error(this.t.loc, "expected '{' or a struct name");
    return { k: 'struct', name, fields, loc: kw.loc };
  }

  private enumSpec(): PTypeSpec {
    const kw = this.next();
    let name: string | null = null;
    if (this.t.k === 'id' && !KEYWORDS.has(this.t.v)) name = this.next().v;
    let items: { name: string; value: PExpr | null; loc: Loc }[] | null = null;
    if (this.accept('{')) {
      items = [];
      while (!this.is('}') && this.t.k !== 'eof') {
        const t = this.next();
        if (t.k !== 'id') this.error(t.loc, 'expected an enumerator name');
        const value = this.accept('=') ? this.assignment() : null;
        items.push({ name: t.v, value, loc: t.loc });
        if (!this.accept(',')) break;
      }
      this.expect('}');
    }
    return { k: 'enum', name, items, loc: kw.loc };
  }

  // declarator: pointers, a name (optional when abstract), then array/function suffixes
  declarator(abstract: boolean): PDeclarator {
    const loc = this.t.loc;
    this.enter(loc);
    try {
      let ptrs = 0;
      while (this.is('*')) { this.next(); ptrs++; while (this.t.k === 'id' && QUALIFIERS.has(this.t.v)) this.next(); }
      let inner: PDeclarator | null = null;
      let name: string | null = null;
      let nameLoc = this.t.loc;
      if (this.is('(') && (this.peek().v === '*' || (abstract && this.peek().v === '('))) {
        this.next();
        inner = this.declarator(abstract);
        this.expect(')');
      } else if (this.t.k === 'id' && !KEYWORDS.has(this.t.v)) {
        nameLoc = this.t.loc; name = this.next().v;
      } else if (!abstract) this.error(this.t.loc, 'expected identifier');
      const suffix: PDerived[] = [];
      for (;;) {
        if (this.accept('[')) {
          const size = this.is(']') ? null : this.expression();
          this.expect(']');
          suffix.push({ k: 'array', size });
        } else if (this.is('(')) {
          this.next();
          suffix.push(this.paramList());
        } else break;
      }
      // C reads suffixes before pointers: int *a[3] is an array of 3 pointers.
      const derived: PDerived[] = [];
      for (let i = 0; i < ptrs; i++) derived.push({ k: 'ptr' });
      for (let i = suffix.length - 1; i >= 0; i--) derived.push(suffix[i]);
      if (inner) return { name: inner.name, loc: inner.loc, derived: [...derived, ...inner.derived] };
      return { name, loc: name ? nameLoc : loc, derived };
    } finally { this.leave(); }
  }

  private paramList(): PDerived {
    const params: PParam[] = [];
    let variadic = false;
    if (this.is('void') && this.peek().v === ')') { this.next(); this.next(); return { k: 'func', params, variadic }; }
    while (!this.is(')') && this.t.k !== 'eof') {
      if (this.accept('...')) { variadic = true; break; }
      const loc = this.t.loc;
      const { spec } = this.storageAndSpec();
      const decl = this.declarator(true);
      params.push({ spec, decl, loc });
      if (!this.accept(',')) break;
    }
    this.expect(')');
    return { k: 'func', params, variadic };
  }

  private declOrFunc(): PTop | null {
    const loc = this.t.loc;
    const { spec, storage, isTypedef } = this.storageAndSpec();
    if (this.accept(';')) return { k: 'decl', loc, spec, storage, items: [], isTypedef };
    const first = this.declarator(false);
    // the outermost derivation is the last: `char *f(void)` is a function (returning a pointer)
    if (first.derived.at(-1)?.k === 'func' && this.is('{') && !isTypedef) {
      const body = this.block();
      return { k: 'func', loc, spec, storage, decl: first, body } as PFunc;
    }
    return this.declRest(loc, spec, storage, isTypedef, first);
  }

  private declRest(loc: Loc, spec: PTypeSpec, storage: string[], isTypedef: boolean, first: PDeclarator): PDecl {
    const items = [];
    let d: PDeclarator = first;
    for (;;) {
      const init = this.accept('=') ? this.initializer() : null;
      items.push({ decl: d, init });
      if (isTypedef && d.name) this.typedefs.add(d.name);
      if (!this.accept(',')) break;
      d = this.declarator(false);
    }
    this.expect(';', 'after declaration');
    return { k: 'decl', loc, spec, storage, items, isTypedef };
  }

  private initializer(): PInit {
    if (this.is('{')) {
      const loc = this.next().loc;
      this.enter(loc);
      try {
        const items: PInit[] = [];
        while (!this.is('}') && this.t.k !== 'eof') {
          if (this.is('.') || this.is('[')) this.error(this.t.loc, 'designated initialisers are not supported');
          items.push(this.initializer());
          if (!this.accept(',')) break;
        }
        this.expect('}');
        return { k: 'list', items, loc };
      } finally { this.leave(); }
    }
    return { k: 'expr', e: this.assignment() };
  }

  // ---- statements -------------------------------------------------------------------------
  block(): PStmt & { k: 'block' } {
    const open = this.expect('{');
    const body: PStmt[] = [];
    this.enter(open.loc);
    try {
      while (!this.is('}') && this.t.k !== 'eof') {
        const start = this.p;
        try { body.push(this.statement()); } catch (e) { if (!(e instanceof Bail)) throw e; this.recover(); }
        if (this.p === start) this.next();
      }
    } finally { this.leave(); }
    const end = this.t.loc;
    if (this.t.k === 'eof') this.error(end, "expected '}'");
    this.next();
    return { k: 'block', loc: open.loc, body, end };
  }

  statement(): PStmt {
    const t = this.t;
    const loc = t.loc;
    this.enter(loc);
    try {
      if (t.k === 'op' && t.v === '{') return this.block();
      if (t.k === 'op' && t.v === ';') { this.next(); return { k: 'empty', loc }; }
      if (this.isTypeStart()) {
        const { spec, storage, isTypedef } = this.storageAndSpec();
        if (this.accept(';')) return { k: 'decl', loc, spec, storage, items: [], isTypedef };
        const first = this.declarator(false);
        if (first.derived.at(-1)?.k === 'func' && this.is('{')) this.error(loc, 'function definitions are not allowed here');
        return this.declRest(loc, spec, storage, isTypedef, first);
      }
      if (t.k === 'id') {
        switch (t.v) {
          case 'if': {
            this.next(); this.expect('(', "after 'if'"); const c = this.expression(); this.expect(')');
            const th = this.statement();
            const f = this.accept('else') ? this.statement() : null;
            return { k: 'if', loc, c, t: th, f };
          }
          case 'while': {
            this.next(); this.expect('(', "after 'while'"); const c = this.expression(); this.expect(')');
            return { k: 'while', loc, c, body: this.statement() };
          }
          case 'do': {
            this.next(); const body = this.statement();
            this.expect('while', "in do/while loop"); this.expect('('); const c = this.expression(); this.expect(')'); this.expect(';', 'after do/while statement');
            return { k: 'do', loc, body, c };
          }
          case 'for': {
            this.next(); this.expect('(', "after 'for'");
            let init: PStmt | null = null;
            if (this.accept(';')) init = null;
            else if (this.isTypeStart()) init = this.statement();
            else { const e = this.expression(); this.expect(';', 'in for statement'); init = { k: 'expr', loc: e.loc, e }; }
            const c = this.is(';') ? null : this.expression(); this.expect(';', 'in for statement');
            const step = this.is(')') ? null : this.expression(); this.expect(')');
            return { k: 'for', loc, init, c, step, body: this.statement() };
          }
          case 'break': this.next(); this.expect(';', "after 'break'"); return { k: 'break', loc };
          case 'continue': this.next(); this.expect(';', "after 'continue'"); return { k: 'continue', loc };
          case 'return': { this.next(); const e = this.is(';') ? null : this.expression(); this.expect(';', 'after return statement'); return { k: 'return', loc, e }; }
          case 'switch': {
            this.next(); this.expect('(', "after 'switch'"); const c = this.expression(); this.expect(')');
            return { k: 'switch', loc, c, body: this.statement() };
          }
          case 'case': { this.next(); const value = this.conditional(); this.expect(':', "after 'case'"); return { k: 'case', loc, value, body: this.caseBody(loc) }; }
          case 'default': { this.next(); this.expect(':', "after 'default'"); return { k: 'case', loc, value: null, body: this.caseBody(loc) }; }
          case 'goto': this.error(loc, "'goto' is not supported");
          case 'else': this.error(loc, "'else' without a previous 'if'");
        }
      }
      const e = this.expression();
      this.expect(';', 'after expression');
      return { k: 'expr', loc, e };
    } finally { this.leave(); }
  }

  private caseBody(loc: Loc): PStmt {
    if (this.is('}')) return { k: 'empty', loc };
    return this.statement();
  }

  // ---- expressions ------------------------------------------------------------------------
  // The whole input as one expression, or null (the reason is in `diagnostics`).
  wholeExpression(): PExpr | null {
    try {
      const e = this.expression();
      if (this.t.k !== 'eof') this.error(this.t.loc, `unexpected '${this.t.v}' after the expression`);
      return e;
    } catch (e) {
      if (e instanceof Bail) return null;
      throw e;
    }
  }

  expression(): PExpr {
    let e = this.assignment();
    while (this.is(',')) { const loc = this.next().loc; e = { k: 'comma', loc, l: e, r: this.assignment() }; }
    return e;
  }

  assignment(): PExpr {
    const l = this.conditional();
    if (this.t.k === 'op' && ASSIGN.has(this.t.v)) {
      const op = this.next();
      this.enter(op.loc);
      try { return { k: 'assign', loc: op.loc, op: op.v, l, r: this.assignment() }; } finally { this.leave(); }
    }
    return l;
  }

  conditional(): PExpr {
    const c = this.binary(1);
    if (this.is('?')) {
      const loc = this.next().loc;
      this.enter(loc);
      try {
        const t = this.expression();
        this.expect(':', 'in conditional expression');
        return { k: 'cond', loc, c, t, f: this.conditional() };
      } finally { this.leave(); }
    }
    return c;
  }

  private binary(minPrec: number): PExpr {
    let l = this.unary();
    for (;;) {
      const t = this.t;
      const prec = t.k === 'op' ? BINARY[t.v] : undefined;
      if (prec === undefined || prec < minPrec) return l;
      this.next();
      this.enter(t.loc);
      try { l = { k: 'bin', loc: t.loc, op: t.v, l, r: this.binary(prec + 1) }; } finally { this.leave(); }
    }
  }

  private typeName(): PTypeName {
    const { spec } = this.storageAndSpec();
    return { spec, decl: this.declarator(true) };
  }

  private unary(): PExpr {
    const t = this.t;
    this.enter(t.loc);
    try {
      if (t.k === 'op' && ['-', '+', '!', '~', '*', '&', '++', '--'].includes(t.v)) {
        this.next();
        return { k: 'unary', loc: t.loc, op: t.v, e: this.unary() };
      }
      if (t.k === 'id' && t.v === 'sizeof') {
        this.next();
        if (this.is('(') && this.isTypeStart(this.peek())) {
          this.next(); const type = this.typeName(); this.expect(')');
          return { k: 'sizeofType', loc: t.loc, type };
        }
        return { k: 'sizeofExpr', loc: t.loc, e: this.unary() };
      }
      if (t.k === 'op' && t.v === '(' && this.isTypeStart(this.peek())) {
        this.next(); const type = this.typeName(); this.expect(')');
        if (this.is('{')) this.error(this.t.loc, 'compound literals are not supported');
        return { k: 'cast', loc: t.loc, type, e: this.unary() };
      }
      return this.postfix(this.primary());
    } finally { this.leave(); }
  }

  private postfix(e: PExpr): PExpr {
    for (;;) {
      const t = this.t;
      if (t.k !== 'op') return e;
      if (t.v === '(') {
        this.next();
        const args: PExpr[] = [];
        while (!this.is(')') && this.t.k !== 'eof') { args.push(this.assignment()); if (!this.accept(',')) break; }
        this.expect(')', 'to close the call');
        e = { k: 'call', loc: e.loc, callee: e, args };
      } else if (t.v === '[') {
        this.next(); const i = this.expression(); this.expect(']');
        e = { k: 'index', loc: t.loc, a: e, i };
      } else if (t.v === '.' || t.v === '->') {
        this.next();
        const n = this.next();
        if (n.k !== 'id') this.error(n.loc, `expected a field name after '${t.v}'`);
        e = { k: 'member', loc: t.loc, o: e, name: n.v, arrow: t.v === '->' };
      } else if (t.v === '++' || t.v === '--') {
        this.next();
        e = { k: 'postfix', loc: t.loc, op: t.v, e };
      } else return e;
    }
  }

  private primary(): PExpr {
    const t = this.t;
    switch (t.k) {
      case 'num': this.next(); return { k: 'num', loc: t.loc, value: t.num!, suffix: t.suffix ?? '', radix: t.radix ?? 10 };
      case 'char': this.next(); return { k: 'char', loc: t.loc, value: t.num! };
      case 'str': {
        this.next();
        let bytes = t.bytes!;
        while (this.t.k === 'str') { const b = this.next().bytes!; const m = new Uint8Array(bytes.length + b.length); m.set(bytes); m.set(b, bytes.length); bytes = m; }
        return { k: 'str', loc: t.loc, bytes };
      }
      case 'id':
        if (KEYWORDS.has(t.v)) this.error(t.loc, `expected expression before '${t.v}'`);
        this.next();
        return { k: 'id', loc: t.loc, name: t.v };
      case 'op':
        if (t.v === '(') {
          this.next();
          const e = this.expression();
          this.expect(')');
          return e;
        }
        this.error(t.loc, t.v === ';' || t.v === ')' || t.v === '}' ? `expected expression before '${t.v}'` : `expected expression`);
      case 'eof': this.error(t.loc, 'expected expression before end of file');
    }
  }
}
