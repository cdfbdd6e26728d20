// The front end: C's types and conversions as explicit nodes, storage decisions, located
// errors (all of them), pragmas, script style and implicit variables.
import { strict as assert } from 'node:assert';
import { compile, formatDiagnostic, scanPragmas } from '../../src/lang/index';
import type { CheckOptions, Expr, Program, Stmt } from '../../src/lang/ast';

const X64: CheckOptions = { arch: 'x86_64', rodataBase: 0x555555556000, dataBase: 0x555555558010 };
const I386: CheckOptions = { arch: 'i386', rodataBase: 0x56557000, dataBase: 0x56559010 };

function ok(src: string, opts = X64): Program {
  const r = compile(src, 't.heap', opts);
  assert.ok(r.program, r.diagnostics.map(formatDiagnostic).join('\n'));
  return r.program!;
}
function errors(src: string): string[] {
  const r = compile(src, 't.heap', X64);
  assert.equal(r.program, null, 'expected errors');
  return r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
}
// the expression of the last expression statement of main
function lastExpr(p: Program): Expr {
  const body = p.funcs.get('main')!.body!.body;
  const s = [...body].reverse().find((x) => x.kind === 'expr') as Stmt & { kind: 'expr' };
  return s.expr;
}
const typeName = (e: Expr) => (e.type.k === 'int' ? e.type.name : e.type.k === 'ptr' ? 'ptr' : e.type.k);

describe('lang: types and conversions', () => {
  it('applies the usual arithmetic conversions', () => {
    assert.equal(typeName(lastExpr(ok('unsigned int u; long l; u + l;'))), 'long');
    assert.equal(typeName(lastExpr(ok('unsigned int u; int i; u + i;'))), 'unsigned int');
    assert.equal(typeName(lastExpr(ok('unsigned long u; long l; u + l;'))), 'unsigned long');
    assert.equal(typeName(lastExpr(ok('char c; c + 1;'))), 'int');
    assert.equal(typeName(lastExpr(ok('unsigned char c; short s; c * s;'))), 'int');
  });
  it('types integer constants as gcc does', () => {
    assert.equal(typeName(lastExpr(ok('1u << 31;'))), 'unsigned int');
    assert.equal(typeName(lastExpr(ok('2147483648;'))), 'long');
    assert.equal(typeName(lastExpr(ok('0x80000000;'))), 'unsigned int');
    assert.equal(typeName(lastExpr(ok('18446744073709551615UL;'))), 'unsigned long');
    assert.equal(typeName(lastExpr(ok('2147483648;', I386))), 'long long');
  });
  it('scales pointer arithmetic by the pointee size (void * by 1)', () => {
    const e = lastExpr(ok('long *p; p + 3;'));
    assert.equal(e.kind, 'ptradd');
    assert.equal((e as Expr & { kind: 'ptradd' }).scale, 8);
    assert.equal((lastExpr(ok('void *v; v + 3;')) as Expr & { scale: number }).scale, 1);
    const d = lastExpr(ok('int *a; int *b; a - b;'));
    assert.equal(d.kind, 'ptrdiff');
    assert.equal(typeName(d), 'long');
  });
  it('lays out structs with natural alignment on both ABIs', () => {
    const src = 'struct s { char c; long l; short h; char *p; }; struct s v; sizeof(struct s);';
    const n64 = lastExpr(ok(src)) as Expr & { value: number };
    const n32 = lastExpr(ok(src, I386)) as Expr & { value: number };
    assert.equal(n64.value, 32);    // c@0 l@8 h@16 p@24
    assert.equal(n32.value, 16);    // c@0 l@4 h@8 p@12
    assert.equal((lastExpr(ok('struct t { char c; long long x; }; struct t v; sizeof(struct t);', I386)) as Expr & { value: number }).value, 12);
  });
  it('keeps scalars in registers unless their address is taken; arrays and structs on the stack', () => {
    const p = ok('int main(void) { int a = 1; int b = 2; int *pb = &b; char buf[10]; return a + *pb + buf[0]; }');
    const main = p.funcs.get('main')!;
    const decls = main.body!.body.filter((s) => s.kind === 'decl').flatMap((s) => (s as Stmt & { kind: 'decl' }).decls.map((d) => d.decl));
    const kind = (n: string) => decls.find((d) => d.name === n)!.storage.kind;
    assert.equal(kind('a'), 'reg');
    assert.equal(kind('b'), 'stack');
    assert.equal(kind('pb'), 'reg');
    assert.equal(kind('buf'), 'stack');
    assert.equal(main.frameSize % 16, 0);
  });
  it('places .data before .bss, string literals in .rodata, errno first in .bss', () => {
    const p = ok('int g = 5; int z; char *s = "hi"; int main(void) { return g + z; }');
    const g = p.globals.find((v) => v.name === 'g')!, z = p.globals.find((v) => v.name === 'z')!, e = p.globals.find((v) => v.name === 'errno')!;
    assert.equal(g.storage.kind, 'global');
    assert.ok((g.storage as { addr: number }).addr < (e.storage as { addr: number }).addr);
    assert.ok((e.storage as { addr: number }).addr < (z.storage as { addr: number }).addr);
    assert.deepEqual([...p.rodata.bytes], [104, 105, 0]);
    assert.equal(p.rodata.addr, X64.rodataBase);
  });
  it('declares implicit char * variables on assignment and lets them do integer arithmetic', () => {
    const p = ok('p = malloc(8); q = p + 8; n = (long)p * 2;');
    assert.equal(p.scriptStyle, true);
    assert.ok(p.globals.find((g) => g.name === 'p' && g.implicit));
  });
  it('substitutes object-like #define macros and ignores #include', () => {
    const p = ok('#include <stdlib.h>\n#define SIZE 0x18\n#define TWICE (SIZE * 2)\nchar *p = malloc(TWICE);');
    assert.ok(p);
  });
});

describe('lang: errors', () => {
  it('reports every error with its line and column, not just the first', () => {
    const e = errors('int main(void) {\n  int x = ;\n  y = 1 +;\n  return undeclared;\n}\n');
    assert.ok(e.length >= 2, e.join('\n'));
    assert.match(e[0], /^t\.heap:2:11: /);
    assert.match(e[1], /^t\.heap:3:10: /);
  });
  it('reports type errors in a file that parses, all of them', () => {
    const e = errors('int main(void) {\n  int x = 1;\n  *x = 2;\n  nosuch(3);\n  break;\n  return 0;\n}\n');
    assert.deepEqual(e.map((l) => l.split(': ')[0]), ['t.heap:3:3', 't.heap:4:3', 't.heap:5:3']);
    assert.match(e[0], /indirection requires pointer operand/);
    assert.match(e[1], /call to undeclared function 'nosuch'/);
    assert.match(e[2], /'break' statement not in loop or switch/);
  });
  it('checks the number of arguments of built-ins and user functions', () => {
    assert.match(errors('malloc(1, 2);')[0], /too many arguments to function call, expected 1, have 2/);
    assert.match(errors('int f(int a, int b) { return a; }\nint main(void) { return f(1); }')[0], /too few arguments/);
  });
  it('refuses statements outside functions in a file with main', () => {
    assert.match(errors('int main(void) { return 0; }\nprintf("x");')[0], /cannot have statements outside functions/);
  });
  it('reports bad pragmas with their location', () => {
    const r = scanPragmas('#pragma ram lots\n#pragma arch sparc\n#pragma ram 512MiB\n', 't.heap');
    assert.equal(r.pragmas.length, 3);
    assert.equal(r.diagnostics.length, 2);
    assert.equal(r.diagnostics[0].loc.line, 1);
    assert.equal(r.diagnostics[1].loc.line, 2);
  });
  it('limits nesting instead of overflowing the JS stack', () => {
    const deep = 'int x = ' + '('.repeat(5000) + '1' + ')'.repeat(5000) + ';';
    const e = errors(deep);
    assert.ok(e.some((l) => /nesting too deep/.test(l)));
    const blocks = 'int main(void) ' + '{'.repeat(3000) + '}'.repeat(3000);
    assert.ok(errors(blocks).some((l) => /nesting too deep/.test(l)));
  });
});
