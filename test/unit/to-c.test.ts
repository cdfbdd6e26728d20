// The scenario-to-C translator of "Compare with Your Machine" (src/lang/to-c.ts), without a C
// compiler: what it refuses and why, what it wraps, the order it keeps, the names it avoids,
// and that every helper it calls is one the host prelude defines.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadScenario } from '../../src/machine/scenario';
import type { RunEvent } from '../../src/machine/interp/events';
import { cString, scenarioToC } from '../../src/lang/to-c';
import { HOST_PRELUDE } from '../../src/lang/to-c-prelude';

const PRELUDE = readFileSync('resources/compare/heapstep-host.h', 'utf8');

function c(text: string): string {
  const r = scenarioToC(text, 't.heap');
  assert.ok(r.ok, JSON.stringify(r));
  return r.c;
}

function reasons(text: string): string[] {
  const r = scenarioToC(text, 't.heap');
  assert.ok(!r.ok && r.errors.length === 0, 'expected unsupported');
  return r.unsupported.map((u) => `${u.line} ${u.reason.split(':')[0]}`);
}

// A C string literal back to its bytes (the escapes cString writes: \" \\ and \ooo).
function decodeC(lit: string): number[] {
  assert.ok(lit.startsWith('"') && lit.endsWith('"'));
  const s = lit.slice(1, -1), out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    if (s[i] !== '\\') { out.push(s.charCodeAt(i)); continue; }
    const m = /^[0-7]{3}/.exec(s.slice(i + 1));
    if (m) { out.push(parseInt(m[0], 8)); i += 3; } else { out.push(s.charCodeAt(i + 1)); i++; }
  }
  return out;
}

describe('scenario to C (compare with your machine)', () => {
  it('refuses what only the emulated machine has, each with its line and reason, in line order', () => {
    const text = [
      '#pragma ram 64MiB',
      '#pragma swap 0',
      'char *p = malloc(8);',
      'long n = vmevent("pgfault");',
      'assert(rss() > 0);',
      'int fd = open("a.bin", O_RDONLY);',
      'printf("%ld\\n", rss());',
    ].join('\n');
    assert.deepEqual(reasons(text), ['1 #pragma ram', '2 #pragma swap', '4 vmevent()', '5 rss() in an assert', '6 open()']);
    assert.deepEqual(reasons('#pragma arch i386\nchar *p = malloc(1);\n'), ['1 #pragma arch i386']);
    assert.deepEqual(reasons('#pragma stdio_buffers tty\nputs("x");\n'), ['1 #pragma stdio_buffers tty']);
    // counters outside asserts are printed only: no refusal
    assert.ok(scenarioToC('printf("%ld %ld\\n", rss(), minflt());\n', 't.heap').ok);
  });

  it('reports a file with errors as errors, not as unsupported', () => {
    const r = scenarioToC('char *p = malloc(;\n', 't.heap');
    assert.ok(!r.ok && r.errors.length > 0 && r.unsupported.length === 0);
  });

  it('wraps every allocator and kernel call with the line it is on, in functions too', () => {
    const out = c([
      'void *grow(long n) {',
      '    return sbrk(n);',
      '}',
      'int main(void) {',
      '    char *p = malloc(24);',
      '    p = realloc(p, 100);',
      '    free(p);',
      '    char *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);',
      '    munmap(m, 4096);',
      '    grow(0);',
      '    return 0;',
      '}',
    ].join('\n'));
    for (const [fn, line] of [['sbrk', 2], ['malloc', 5], ['realloc', 6], ['free', 7], ['mmap', 8], ['munmap', 9]] as const) {
      assert.match(out, new RegExp(`hs_${fn}\\(${line}, `), `${fn} at line ${line}`);
    }
    assert.doesNotMatch(out, /[^_]\bmalloc\(/, 'no call of malloc goes unrecorded');
  });

  it("keeps the emulator's left-to-right order of calls in one expression", () => {
    const out = c('printf("%p %p\\n", malloc(16), malloc(32));\n');
    const first = out.indexOf('hs_malloc(1, ((unsigned long)0x10ULL))'), second = out.indexOf('hs_malloc(1, ((unsigned long)0x20ULL))');
    assert.ok(first >= 0 && second > first);
    // the first is computed into a temporary before the call whose arguments gcc may evaluate in any order
    assert.match(out, /\(\{ void \*hs_t0 = hs_malloc\(1, \(\(unsigned long\)0x10ULL\)\); printf\("%p %p\\012", hs_t0, hs_malloc\(1, /);
  });

  it('renames identifiers the C library or gcc owns, and keeps the rest', () => {
    const out = c('char *read = NULL;\nint linux = 1;\nlong end;\nchar *victim;\nint main(void) {\n    int write = 2;\n    victim = malloc(8);\n    return linux + write;\n}\n');
    assert.match(out, /^char \*read_ = /m);
    assert.match(out, /^int linux_ = 1;$/m);
    assert.match(out, /^long end_;$/m);
    assert.match(out, /^char \*victim;$/m);
    assert.match(out, /int write_l = 2;/);
    assert.match(out, /return \(linux_ \+ write_l\);/);
  });

  it('puts a script in main: top-level names at file scope, assigned where they were declared', () => {
    const out = c('char *a = malloc(8);\nint n[3] = {1, 2, 3};\nfree(a);\n');
    assert.match(out, /^char \*a;$/m);
    assert.match(out, /^int n\[3\];$/m);
    assert.match(out, /int main\(void\) \{\n {4}a = \(\(char \*\)hs_malloc\(1, /);
    assert.match(out, /memcpy\(&n, &\(int \[3\]\)\{ 1, 2, 3 \}, sizeof n\);/);
    assert.match(out, /return 0;\n\}/);
  });

  it('translates the language\'s own read and write forms, and write(fd, ...) as the system call', () => {
    const out = c('char *p = malloc(32);\nwrite(p, "ab");\nwrite(p + 8, 0x4142, 2);\nread(p, 16);\nwrite(1, p, 2);\n');
    assert.match(out, /hs_write_bytes\(\(\(void \*\)p\), "ab", 2\)/);
    assert.match(out, /hs_store\(\(\(void \*\)\(p \+ \(\(long\)0x8ULL\)\)\), \(unsigned long long\)\(16706\), \(int\)\(2\)\)/);
    assert.match(out, /hs_hexdump\(\(\(void \*\)p\), \(long\)\(/);
    assert.match(out, /\(long\)write\(1, /);
  });

  it('writes any bytes as a C string literal that reads back the same', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const lit = cString(all);
    assert.deepEqual(decodeC(lit), [...all]);
    assert.doesNotMatch(lit, /\?/, 'no trigraph can form');
    assert.doesNotMatch(lit.slice(1, -1), /[^\x20-\x7e]/, 'printable ASCII only');
  });

  it('spells integer constants exactly, at their types', () => {
    const out = c('unsigned long a = 0xffffffffffffffffUL;\nlong b = LONG_MIN;\nint d = -5;\n');
    assert.match(out, /a = \(\(unsigned long\)0xffffffffffffffffULL\);/);
    assert.match(out, /b = \(\(long\)0x8000000000000000ULL\);/);
    assert.match(out, /d = \(-5\);/);
  });

  it("gives a failing assert the emulator's own message", () => {
    const text = 'int twice(int x) {\n    assert(x * 2 == 5);\n    return x;\n}\nint main(void) {\n    return twice(2);\n}\n';
    let message = '';
    const loaded = loadScenario(text, 't.heap', {}, (e: RunEvent) => { if (e.event === 'assert') message = e.message; });
    assert.ok(loaded.ok);
    loaded.scenario.interp.run(1_000_000);
    assert.ok(message, 'the emulator reported the assert');
    const lit = /hs_assert\(2, [^"]*("(?:[^"\\]|\\.)*")\)/.exec(c(text))?.[1];
    assert.ok(lit);
    assert.equal(Buffer.from(decodeC(lit)).toString('utf8'), message);
  });

  it('carries the shipped prelude as a string, and inlines it on request', () => {
    assert.equal(HOST_PRELUDE, PRELUDE, 'src/lang/to-c-prelude.ts is stale: node resources/compare/gen-prelude.mjs');
    const text = 'char *p = malloc(1);\n';
    const inlined = scenarioToC(text, 't.heap', { inlinePrelude: true });
    assert.ok(inlined.ok);
    assert.ok(!inlined.c.includes('#include "heapstep-host.h"'));
    assert.equal(inlined.c, c(text).replace('#include "heapstep-host.h"\n', PRELUDE + '\n'));
  });

  it('calls only helpers the host prelude defines, for every example', () => {
    const defined = new Set([...PRELUDE.matchAll(/^static [^(=;]*?\b(hs_\w+)\(/gm)].map((m) => m[1]));
    const walk = (d: string): string[] => readdirSync(d, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.heap') ? [join(d, e.name)] : []));
    let translated = 0;
    for (const f of walk('examples')) {
      const r = scenarioToC(readFileSync(f, 'utf8'), f);
      if (!r.ok) { assert.ok(r.unsupported.length > 0 && r.errors.length === 0, `${f}: ${r.errors.join('; ')}`); continue; }
      translated++;
      for (const m of r.c.matchAll(/\b(hs_[a-z_]+)\(/g)) assert.ok(defined.has(m[1]), `${f}: ${m[1]} is not in the prelude`);
    }
    assert.ok(translated >= 20, `${translated} examples translated`);
  });
});
