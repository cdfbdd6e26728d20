// A scenario as a C program for the host's gcc and glibc: the checked program printed back as
// C, every allocator and kernel call and every assert wrapped by the host prelude
// (resources/compare/heapstep-host.h) so that the real run records, without allocating, what
// the emulator reports for the same call. Scenarios whose meaning depends on the emulated
// machine itself (its RAM, swap, disk, 32-bit ABI, memory-pressure counters) have no host
// twin: `unsupported` says why, with the line.
import type { CType, Expr, FuncDecl, Init, Program, Stmt, StructType, VarDecl } from './ast';
import { compile, scanPragmas } from './index';
import { HOST_PRELUDE } from './to-c-prelude';
import { assertText } from './source-text';
import { ALLOCATOR_ENTRIES } from './builtins';

export interface Unsupported { line: number; reason: string }

export type ToCResult =
  | { ok: true; c: string; program: Program }
  | { ok: false; errors: string[]; unsupported: Unsupported[] };

export const PRELUDE_HEADER = 'heapstep-host.h';

// What the emulated machine has and the host does not reproduce, pragma by pragma.
const PRAGMA_REASONS: Record<string, string> = {
  ram: "the emulated machine's RAM size (the host has its own)",
  swap: "the emulated machine's swap (the host has its own)",
  hog: 'a background process holding memory on the emulated machine',
  file: "a file on the emulated machine's disk",
  overcommit: 'vm.overcommit_memory of the emulated machine (a host-wide setting)',
  swappiness: 'vm.swappiness of the emulated machine (a host-wide setting)',
};

// Built-ins whose value or effect exists only on the emulated machine.
const BUILTIN_REASONS: Record<string, string> = {
  open: "opens a file of the emulated disk (#pragma file)",
  close: 'closes a descriptor of the emulated disk',
  lseek: 'moves a file offset on the emulated disk',
  fsync: 'writes pages back to the emulated disk',
  msync: 'writes a file mapping back to the emulated disk',
  __read: 'reads a file or the input of the emulated machine',
  meminfo: "prints the emulated machine's /proc/meminfo (memory pressure)",
  vmstat: "prints the emulated machine's reclaim counters (memory pressure)",
  vmevent: "reads the emulated machine's memory-pressure counters",
  syscalls: "counts the emulated process's system calls (the host's C runtime makes its own)",
  tlb_misses: "counts the emulated MMU's TLB misses",
};

// Calls the prelude wraps: the C name of the wrapper, which takes the scenario line first.
const WRAPPED = new Set([...ALLOCATOR_ENTRIES, 'brk', 'sbrk', 'mmap', 'munmap', 'mprotect', 'madvise']);
// Built-ins that are the C library's own functions, called as they are.
const PLAIN = new Set(['memset', 'memcpy', 'memmove', 'memcmp', 'strcpy', 'strncpy', 'strlen', 'strcmp', 'printf', 'puts', 'putchar', 'exit', 'abort', 'malloc_stats']);
// Built-ins with a host equivalent in the prelude (no line needed).
const HOSTED: Record<string, string> = {
  rss: 'hs_rss', vsz: 'hs_vsz', minflt: 'hs_minflt', majflt: 'hs_majflt', brk_now: 'hs_brk_now',
  heap: 'hs_heap', bins: 'hs_bins', maps: 'hs_maps', pagewalk: 'hs_pagewalk',
};

// Counters that on the host include what the C runtime itself touched.
const COUNTERS = new Set(['rss', 'minflt', 'majflt']);

// Identifiers a scenario may use that the C program cannot: the C library's functions and
// objects the emitted code or the prelude call, and the macros gcc predefines in GNU mode.
const RESERVED = new Set(('read write open close free malloc calloc realloc reallocarray memalign aligned_alloc valloc pvalloc ' +
  'posix_memalign malloc_usable_size malloc_trim mallopt malloc_stats brk sbrk mmap munmap mremap mprotect madvise exit abort ' +
  'printf puts putchar fputs fwrite memset memcpy memmove memcmp strcpy strncpy strlen strcmp index rindex time stdin stdout ' +
  'stderr errno environ end edata etext signal raise getpid getrusage getrlimit setrlimit setvbuf pipe fcntl lseek fsync msync ' +
  'linux unix i386 major minor makedev assert NULL EOF BUFSIZ FILE sleep select poll dup kill wait stat access sync remove ' +
  'rename link unlink y0 y1 j0 j1 yn jn div ldiv abs labs random rand srand system atoi atol strtol strtoul').split(/\s+/));

// `inlinePrelude`: the prelude's text in place of its #include, for a program that builds alone.
export function scenarioToC(text: string, file: string, opts: { inlinePrelude?: boolean } = {}): ToCResult {
  const scan = scanPragmas(text, file);
  const arch = scan.pragmas.find((p) => p.name === 'arch')?.value.trim() === 'i386' ? 'i386' : 'x86_64';
  const res = compile(text, file, { arch, rodataBase: 0x10000, dataBase: 0x20000 });
  if (!res.program) {
    return { ok: false, errors: res.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.loc.line}:${d.loc.col}: ${d.message}`), unsupported: [] };
  }
  const unsupported: Unsupported[] = [];
  for (const p of res.program.pragmas) {
    const v = p.value.trim();
    if (PRAGMA_REASONS[p.name]) unsupported.push({ line: p.loc.line, reason: `#pragma ${p.name}: ${PRAGMA_REASONS[p.name]}` });
    else if (p.name === 'arch' && v === 'i386') unsupported.push({ line: p.loc.line, reason: '#pragma arch i386: a 32-bit process (the host builds x86-64)' });
    else if (p.name === 'stdio_buffers' && v === 'tty') unsupported.push({ line: p.loc.line, reason: "#pragma stdio_buffers tty: a terminal's stdout (the host run's stdout is a pipe)" });
  }
  const w = new Writer(res.program, text, unsupported);
  let c = w.program();
  if (opts.inlinePrelude) c = c.replace(`#include "${PRELUDE_HEADER}"\n`, `${HOST_PRELUDE}\n`);
  if (unsupported.length) return { ok: false, errors: [], unsupported: dedupe(unsupported) };
  return { ok: true, c, program: res.program };
}

function dedupe(u: Unsupported[]): Unsupported[] {
  const seen = new Set<string>();
  return u.filter((x) => { const k = `${x.line}\0${x.reason}`; if (seen.has(k)) return false; seen.add(k); return true; })
    .sort((a, b) => a.line - b.line);
}

function hasCall(e: Expr): boolean {
  switch (e.kind) {
    case 'call': return true;
    case 'num': case 'str': case 'var': return false;
    case 'bin': case 'logand': case 'logor': case 'comma': return hasCall(e.left) || hasCall(e.right);
    case 'ptradd': return hasCall(e.ptr) || hasCall(e.index);
    case 'ptrdiff': return hasCall(e.left) || hasCall(e.right);
    case 'not': case 'neg': case 'bitnot': case 'cast': case 'addr': return hasCall(e.operand);
    case 'cond': return hasCall(e.test) || hasCall(e.then) || hasCall(e.else);
    case 'deref': return hasCall(e.ptr);
    case 'member': return hasCall(e.object);
    case 'assign': return hasCall(e.target) || hasCall(e.value);
    case 'incdec': return hasCall(e.target);
    case 'decay': return hasCall(e.array);
  }
}

function isStable(e: Expr): boolean {
  return e.kind === 'num' || e.kind === 'str' || (e.kind === 'cast' && isStable(e.operand)) || (e.kind === 'decay' && isStable(e.array));
}

// C string literal of exact bytes: printable ASCII as is, the rest as three-digit octal.
export function cString(bytes: Uint8Array): string {
  let s = '"';
  for (const b of bytes) {
    if (b === 0x22 || b === 0x5c) s += '\\' + String.fromCharCode(b);
    else if (b >= 0x20 && b < 0x7f && b !== 0x3f) s += String.fromCharCode(b);   // '?' would risk trigraphs
    else s += '\\' + b.toString(8).padStart(3, '0');
  }
  return s + '"';
}


class Writer {
  private readonly names = new Map<VarDecl | FuncDecl, string>();
  private readonly used = new Set<string>();
  private readonly structNames = new Map<StructType, string>();
  private readonly lines: string[];
  private tmp = 0;
  private fn: FuncDecl | null = null;

  constructor(private readonly p: Program, text: string, private readonly unsupported: Unsupported[]) {
    this.lines = text.split('\n');
  }

  private bad(line: number, reason: string): void { this.unsupported.push({ line, reason }); }

  // ---- names ----------------------------------------------------------------------------
  private fresh(base: string): string {
    let n = RESERVED.has(base) || /^(hs_|HS_|HEAPSTEP_)/.test(base) ? `${base}_` : base;
    while (this.used.has(n)) n = `${n}_`;
    this.used.add(n);
    return n;
  }
  private global(d: VarDecl | FuncDecl): string {
    let n = this.names.get(d);
    if (n === undefined) { n = (d as VarDecl).name === 'errno' && (d as VarDecl).loc?.line === 0 ? 'errno' : this.fresh(d.name); this.names.set(d, n); }
    return n;
  }
  private local(d: VarDecl): string {
    let n = this.names.get(d);
    if (n === undefined) {
      n = RESERVED.has(d.name) || this.used.has(d.name) || /^(hs_|HS_|HEAPSTEP_)/.test(d.name) ? `${d.name}_l` : d.name;
      while (RESERVED.has(n) || this.used.has(n)) n = `${n}_`;
      this.names.set(d, n);
    }
    return n;
  }
  private varName(d: VarDecl): string { return d.storage.kind === 'global' ? this.global(d) : this.local(d); }
  private structName(s: StructType): string {
    let n = this.structNames.get(s);
    if (n === undefined) {
      n = /^[A-Za-z_]\w*$/.test(s.name) ? s.name : `hs_anon_${this.structNames.size}`;
      if (['stat', 'rlimit', 'rusage', 'iovec', 'mallinfo', 'mallinfo2', 'timeval', 'timespec', 'tm', 'sigaction', 'sched_param', 'winsize'].includes(n)) n = `${n}_`;
      this.structNames.set(s, n);
    }
    return n;
  }

  // ---- types ----------------------------------------------------------------------------
  private intName(t: CType & { k: 'int' }): string {
    switch (t.kind) {
      case 'char': return t.name === '_Bool' ? '_Bool' : !t.signed ? 'unsigned char' : t.name === 'signed char' ? 'signed char' : 'char';
      case 'short': return t.signed ? 'short' : 'unsigned short';
      case 'int': return t.signed ? 'int' : 'unsigned int';
      case 'long': return t.signed ? 'long' : 'unsigned long';
      case 'llong': return t.signed ? 'long long' : 'unsigned long long';
    }
  }
  declare(t: CType, inner: string): string {
    const sp = (s: string) => (inner ? `${s} ${inner}` : s);
    switch (t.k) {
      case 'int': return sp(this.intName(t));
      case 'void': return sp('void');
      case 'struct': return sp(`struct ${this.structName(t)}`);
      case 'ptr': return this.declare(t.to, t.to.k === 'array' || t.to.k === 'func' ? `(*${inner})` : `*${inner}`);
      case 'array': return this.declare(t.of, `${inner}[${t.len}]`);
      case 'func': return this.declare(t.ret, `${inner}(${t.params.length ? t.params.map((x) => this.declare(x, '')).join(', ') : 'void'}${t.variadic ? ', ...' : ''})`);
    }
  }
  private typeName(t: CType): string { return this.declare(t, ''); }

  // ---- the program ----------------------------------------------------------------------
  program(): string {
    const out: string[] = [];
    const stdio = this.p.pragmas.find((x) => x.name === 'stdio_buffers')?.value.trim();
    out.push(`/* ${this.p.file} as C for the host: each allocator call, system call and assert goes through ${PRELUDE_HEADER}. */`);
    if (stdio === 'on' || stdio === 'pipe') out.push('#define HEAPSTEP_STDIO_BUFFERED 1');
    out.push(`#include "${PRELUDE_HEADER}"`, '');
    // structs: forward declarations, then definitions with by-value members defined first
    const structs = [...this.p.structs.values()].filter((s) => s.complete);
    for (const s of structs) out.push(`struct ${this.structName(s)};`);
    const done = new Set<StructType>();
    const def = (s: StructType): void => {
      if (done.has(s)) return;
      done.add(s);
      for (const f of s.fields) { let t = f.type; while (t.k === 'array') t = t.of; if (t.k === 'struct') def(t); }
      out.push(`struct ${this.structName(s)} {`, ...s.fields.map((f) => `    ${this.declare(f.type, f.name)};`), '};');
    };
    for (const s of structs) def(s);
    // globals (errno is the C library's), then functions' prototypes, then bodies
    for (const f of this.p.funcs.values()) if (f.name === 'main') this.names.set(f, 'main'), this.used.add('main');
    for (const g of this.p.globals) {
      const n = this.global(g);
      if (n === 'errno') continue;
      const init = g.init ? ` = ${this.init(g.init, g.type)}` : '';
      out.push(`${this.declare(g.type, n)}${init};`);
    }
    const funcs = [...this.p.funcs.values()].filter((f) => f.body);
    for (const f of funcs) if (f.name !== 'main') out.push(`${this.signature(f)};`);
    out.push('');
    for (const f of funcs) out.push(...this.func(f), '');
    return out.join('\n');
  }

  private signature(f: FuncDecl): string {
    const name = this.global(f);
    if (name === 'main') {
      const ps = f.params.length === 2 ? `int ${this.local(f.params[0])}, char **${this.local(f.params[1])}` : 'void';
      return `int main(${ps})`;
    }
    const ps = f.params.length ? f.params.map((p) => this.declare(p.type, this.local(p))).join(', ') : 'void';
    return this.declare(f.type.ret, `${name}(${ps}${f.type.variadic ? ', ...' : ''})`);
  }

  private func(f: FuncDecl): string[] {
    this.fn = f;
    const out = [`${this.signature(f)} {`];
    for (const s of f.body!.body) out.push(...this.stmt(s, 1));
    if (this.p.scriptStyle && f.name === 'main' || (f.name === 'main' && f.type.ret.k === 'void')) out.push('    return 0;');
    out.push('}');
    this.fn = null;
    return out;
  }

  // ---- statements -----------------------------------------------------------------------
  private stmt(s: Stmt, depth: number): string[] {
    const ind = '    '.repeat(depth);
    switch (s.kind) {
      case 'expr': return [`${ind}${this.expr(s.expr)};`];
      case 'empty': return [`${ind};`];
      case 'block': return [`${ind}{`, ...s.body.flatMap((x) => this.stmt(x, depth + 1)), `${ind}}`];
      case 'decl': return s.decls.flatMap(({ decl, init }) => this.decl(decl, init, ind));
      case 'if': {
        const out = [`${ind}if (${this.expr(s.test)})`, ...this.body(s.then, depth)];
        if (s.else) out.push(`${ind}else`, ...this.body(s.else, depth));
        return out;
      }
      case 'while': return [`${ind}while (${this.expr(s.test)})`, ...this.body(s.body, depth)];
      case 'dowhile': return [`${ind}do`, ...this.body(s.body, depth), `${ind}while (${this.expr(s.test)});`];
      case 'for': {
        // a declaration in the init clause keeps its scope: the loop goes in a block of its own
        const init = s.init ? this.stmt(s.init, depth + 1) : [];
        const head = `for (; ${s.test ? this.expr(s.test) : ''}; ${s.update ? this.expr(s.update) : ''})`;
        return [`${ind}{`, ...init, `${ind}    ${head}`, ...this.body(s.body, depth + 1), `${ind}}`];
      }
      case 'break': return [`${ind}break;`];
      case 'continue': return [`${ind}continue;`];
      case 'return': {
        if (this.fn?.name === 'main' && this.fn.type.ret.k === 'void') return [`${ind}return 0;`];
        return [`${ind}return${s.value ? ` ${this.expr(s.value)}` : ''};`];
      }
      case 'switch': return [`${ind}switch (${this.expr(s.test)})`, ...this.body(s.body, depth)];
      case 'case': return [`${ind}${s.value === null ? 'default' : `case ${caseLabel(s.value)}`}:`, ...this.stmt(s.body, depth + 1)];
    }
  }
  private body(s: Stmt, depth: number): string[] {
    return s.kind === 'block' ? this.stmt(s, depth) : this.stmt(s, depth + 1);
  }

  private decl(d: VarDecl, init: Init | undefined, ind: string): string[] {
    if (d.storage.kind !== 'global') {
      const n = this.local(d);
      return [`${ind}${this.declare(d.type, n)}${init ? ` = ${this.init(init, d.type)}` : ''};`];
    }
    // a static local or a script's top-level declaration: the object is at file scope; a
    // constant initialiser was applied there, any other runs here
    if (!init || d.init) return [];
    const n = this.global(d);
    if (init.kind === 'expr' && d.type.k !== 'array' && d.type.k !== 'struct') return [`${ind}${n} = ${this.expr(init.expr)};`];
    return [`${ind}memcpy(&${n}, &(${this.typeName(d.type)})${this.init(init, d.type, true)}, sizeof ${n});`];
  }

  private init(i: Init, t: CType, braced = false): string {
    switch (i.kind) {
      case 'expr': return braced ? `{ ${this.expr(i.expr)} }` : this.expr(i.expr);
      case 'string': return braced ? `{ ${cString(i.bytes)} }` : cString(i.bytes);
      case 'list': {
        const sub = (k: number): CType => (t.k === 'array' ? t.of : t.k === 'struct' ? t.fields[k]?.type ?? t : t);
        return `{ ${i.items.map((x, k) => this.init(x, sub(k))).join(', ')} }`;
      }
    }
  }

  // ---- expressions ----------------------------------------------------------------------
  expr(e: Expr): string {
    switch (e.kind) {
      case 'num': return numLiteral(e.value, e.type, this);
      case 'str': {
        const b = e.bytes.length && e.bytes[e.bytes.length - 1] === 0 ? e.bytes.subarray(0, e.bytes.length - 1) : e.bytes;
        return cString(b);
      }
      case 'var': return this.varName(e.decl);
      case 'bin': {
        const [l, r] = this.ordered([e.left, e.right]);
        return this.wrap(`(${l.v} ${e.op} ${r.v})`, [l, r]);
      }
      case 'ptradd': {
        const [p, i] = this.ordered([e.ptr, e.index]);
        return this.wrap(`(${p.v} ${e.neg ? '-' : '+'} ${i.v})`, [p, i]);
      }
      case 'ptrdiff': {
        // both sides as one pointer type (the checker lets void * and char * meet)
        const [l, r] = this.ordered([e.left, e.right]);
        const t = e.left.type.k === 'ptr' && e.left.type.to.k !== 'void' ? this.typeName(e.left.type) : 'char *';
        return this.wrap(`((${t})${l.v} - (${t})${r.v})`, [l, r]);
      }
      case 'logand': return `(${this.expr(e.left)} && ${this.expr(e.right)})`;
      case 'logor': return `(${this.expr(e.left)} || ${this.expr(e.right)})`;
      case 'not': return `(!${this.expr(e.operand)})`;
      case 'neg': return `(-${this.expr(e.operand)})`;
      case 'bitnot': return `(~${this.expr(e.operand)})`;
      case 'cond': return `(${this.expr(e.test)} ? ${this.expr(e.then)} : ${this.expr(e.else)})`;
      case 'comma': return `(${this.expr(e.left)}, ${this.expr(e.right)})`;
      case 'cast': return e.type.k === 'void' ? `((void)${this.expr(e.operand)})` : `((${this.typeName(e.type)})${this.expr(e.operand)})`;
      case 'deref': return `(*${this.expr(e.ptr)})`;
      case 'addr': return `(&${this.expr(e.operand)})`;
      case 'member': return `(${this.expr(e.object)}).${e.field.name}`;
      case 'assign': return `(${this.expr(e.target)} ${e.op ?? ''}= ${this.expr(e.value)})`;
      case 'incdec': {
        const op = e.delta > 0 ? '++' : '--';
        return e.prefix ? `(${op}${this.expr(e.target)})` : `(${this.expr(e.target)}${op})`;
      }
      case 'decay': return this.expr(e.array);
      case 'call': return this.call(e);
    }
  }

  // Operands in the emulator's (left-to-right) order: when a later operand calls a function,
  // the earlier ones are computed first into temporaries (a GNU statement expression), since
  // gcc is free to evaluate function arguments right to left.
  private ordered(es: Expr[]): { v: string; pre?: string }[] {
    return es.map((x, i) => {
      const v = this.expr(x);
      if (!es.slice(i + 1).some(hasCall) || isStable(x) || x.type.k === 'array' || x.type.k === 'struct') return { v };
      const t = `hs_t${this.tmp++}`;
      return { v: t, pre: `${this.declare(x.type, t)} = ${v};` };
    });
  }
  private wrap(v: string, parts: { pre?: string }[]): string {
    const pre = parts.filter((p) => p.pre).map((p) => p.pre).join(' ');
    return pre ? `({ ${pre} ${v}; })` : v;
  }

  private inAssert = 0;
  private call(e: Expr & { kind: 'call' }): string {
    const isAssert = e.callee.kind === 'builtin' && e.callee.name === 'assert';
    if (isAssert) this.inAssert++;
    const parts = this.ordered(e.args);
    if (isAssert) this.inAssert--;
    const a = parts.map((p) => p.v);
    const line = e.loc.line;
    let v: string;
    if (e.callee.kind === 'func') v = `${this.global(e.callee.func)}(${a.join(', ')})`;
    else {
      const name = e.callee.name;
      if (BUILTIN_REASONS[name]) { this.bad(line, `${name}(): ${BUILTIN_REASONS[name]}`); v = '0'; }
      else if (WRAPPED.has(name)) v = `hs_${name}(${[String(line), ...a].join(', ')})`;
      else if (name === 'mremap') v = `hs_mremap(${[String(line), a[0], a[1], a[2], a[3] ?? '0', a[4] ?? '((void *)0)'].join(', ')})`;
      else if (PLAIN.has(name)) v = `${name}(${a.join(', ')})`;
      else if (HOSTED[name]) {
        if (this.inAssert && COUNTERS.has(name)) this.bad(line, `${name}() in an assert: the host's counter also counts the C runtime's own pages and faults, so an exact expectation cannot hold there`);
        v = `${HOSTED[name]}(${a.join(', ')})`;
      }
      else if (name === 'vis') v = 'hs_vis()';
      else if (name === 'assert') {
        const fn = this.fn && this.fn.name !== 'main' ? this.fn.name : 'main';
        const msg = `${this.p.file}:${line}: ${fn}: Assertion \`${assertText(this.lines[line - 1] ?? '', e.loc.col)}' failed.`;
        v = `hs_assert(${line}, ${a[0]} != 0, ${cString(new TextEncoder().encode(msg))})`;
      } else if (name === 'read') v = `hs_hexdump(${a[0]}, (long)(${a[1]}))`;
      else if (name === 'write') {
        const lit = e.args.length === 2 ? stringLiteral(e.args[1]) : null;
        if (e.args.length === 3) v = `hs_store(${a[0]}, (unsigned long long)(${a[1]}), (int)(${a[2]}))`;
        else if (lit) v = `hs_write_bytes(${a[0]}, ${cString(lit)}, ${lit.length})`;
        else v = `hs_write_str(${a[0]}, ${a[1]})`;
      } else if (name === '__write') v = `(long)write(${a.join(', ')})`;
      else { this.bad(line, `${name}(): a built-in with no meaning on the host`); v = '0'; }
    }
    return this.wrap(v, parts);
  }
}

function stringLiteral(e: Expr): Uint8Array | null {
  while (e.kind === 'cast' || e.kind === 'decay') e = e.kind === 'cast' ? e.operand : e.array;
  if (e.kind !== 'str') return null;
  const b = e.bytes;
  return b.length && b[b.length - 1] === 0 ? b.subarray(0, b.length - 1) : b;
}

function caseLabel(v: number | bigint): string {
  const b = BigInt(v);
  if (b >= -(2n ** 31n) && b < 2n ** 31n) return b.toString();
  if (b >= -(2n ** 63n) && b < 2n ** 63n) return `${b}LL`;
  return `0x${BigInt.asUintN(64, b).toString(16)}ULL`;
}

function numLiteral(value: number | bigint, t: CType, w: Writer): string {
  const b = BigInt(value);
  if (t.k === 'int' && t.kind === 'int' && t.signed && b >= -(2n ** 31n) + 1n && b < 2n ** 31n) return b < 0n ? `(${b})` : b.toString();
  return `((${w.declare(t, '')})0x${BigInt.asUintN(64, b).toString(16)}ULL)`;
}
