// The front end on thousands of random and mutated programs: it never throws, never hangs,
// and always answers with a checked program or at least one error located inside the file.
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compile } from '../../src/lang/index';
import { loadScenario } from '../../src/machine/scenario';

const OPTS = { arch: 'x86_64' as const, rodataBase: 0x555555556000, dataBase: 0x555555558010 };

let seed = 0x2545f491;
const rnd = (n: number) => { seed ^= seed << 13; seed ^= seed >>> 17; seed ^= seed << 5; return ((seed >>> 0) % n); };

const corpus = readdirSync('examples', { recursive: true } as { recursive: true })
  .map(String).filter((f) => f.endsWith('.heap')).map((f) => readFileSync(join('examples', f), 'utf8'));
const TOKENS = ['int', 'char', '*', '(', ')', '{', '}', '[', ']', ';', ',', '=', '==', '+', '-', '->', '.', 'if', 'else',
  'while', 'for', 'return', 'struct', 'x', 'p', 'malloc', 'free', '0', '1', '0x10', '"s"', "'c'", '#pragma ram 1MiB\n',
  '#define A 1\n', 'sizeof', 'unsigned', 'long', '&&', '||', '?', ':', '<<', '>>=', '++', '--', '/*', '*/', '//', '\n', '\\', '\0', '@', '\u00e9'];

function mutate(src: string): string {
  const k = rnd(6);
  const at = rnd(src.length + 1), len = rnd(20);
  switch (k) {
    case 0: return src.slice(0, at) + src.slice(at + len);                                   // delete
    case 1: return src.slice(0, at) + src.slice(at, at + len).repeat(2) + src.slice(at + len);  // duplicate
    case 2: return src.slice(0, at) + TOKENS[rnd(TOKENS.length)] + src.slice(at);              // insert a token
    case 3: { const b = rnd(src.length + 1); return src.slice(0, Math.min(at, b)) + src.slice(Math.max(at, b)) + src.slice(Math.min(at, b), Math.max(at, b)); }
    case 4: return src.slice(0, at) + String.fromCharCode(rnd(256)) + src.slice(at + 1);        // a random byte
    default: return src.slice(0, at);                                                           // truncate
  }
}
function soup(): string {
  const n = rnd(60);
  let s = '';
  for (let i = 0; i < n; i++) s += TOKENS[rnd(TOKENS.length)] + (rnd(3) ? ' ' : '');
  return s;
}

function check(src: string): void {
  const t0 = performance.now();
  const r = compile(src, 'f.heap', OPTS);
  const ms = performance.now() - t0;
  assert.ok(ms < 2000, `took ${ms} ms on ${JSON.stringify(src.slice(0, 200))}`);
  const lines = src.split('\n').length;
  const errs = r.diagnostics.filter((d) => d.severity === 'error');
  if (r.program) assert.equal(errs.length, 0);
  else {
    assert.ok(errs.length >= 1, `no program and no error for ${JSON.stringify(src.slice(0, 200))}`);
    for (const d of errs) {
      assert.ok(d.loc.line >= 1 && d.loc.line <= lines + 1 && d.loc.col >= 1, `bad location ${d.loc.line}:${d.loc.col}`);
      assert.ok(d.message.length > 0);
    }
  }
}

describe('lang fuzz', function () {
  this.timeout(60_000);
  it('answers 4000 mutated programs from the examples', () => {
    assert.ok(corpus.length >= 10);
    for (let i = 0; i < 4000; i++) {
      let s = corpus[rnd(corpus.length)];
      for (let m = rnd(4) + 1; m > 0; m--) s = mutate(s);
      check(s);
    }
  });
  it('answers 2000 random token soups and binary garbage', () => {
    for (let i = 0; i < 1500; i++) check(soup());
    for (let i = 0; i < 500; i++) { let s = ''; for (let k = rnd(200); k > 0; k--) s += String.fromCharCode(rnd(0x2000)); check(s); }
  });
  it('mutated programs that still compile run without an internal error', () => {
    let ran = 0;
    for (let i = 0; i < 3000 && ran < 300; i++) {
      let s = corpus[rnd(corpus.length)];
      s = mutate(s);
      if (/#pragma (ram|swap|overcommit)/.test(s)) continue;     // keep each run small and quick
      const r = loadScenario(s, 'm.heap', {}, (e) => {
        if (e.event === 'error') assert.fail(`internal error running a mutated program: ${e.message}\n${s.slice(0, 400)}`);
      });
      if (!r.ok) continue;
      ran++;
      r.scenario.interp.run(20_000);
    }
    assert.ok(ran >= 100, `ran ${ran}`);
  });

  it('every example compiles cleanly', () => {
    for (const s of corpus) {
      const r = compile(s, 'e.heap', s.includes('#pragma arch i386') ? { ...OPTS, arch: 'i386' } : OPTS);
      assert.ok(r.program, r.diagnostics.map((d) => d.message).join('; '));
    }
  });
});
