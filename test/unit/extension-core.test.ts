// The editor features' logic that needs no VS Code: where the allocator is called, what a
// pointer's chunk is now (against a real heapstep/state snapshot), and the Run command's core.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { allocatorCallLines, allocSites, regions, blankNonCode } from '../../src/extension/alloc-sites';
import { allocLabel, chunkSummary, freeLabel, parsePointer } from '../../src/extension/chunk-label';
import { runScenarioText } from '../../src/extension/run-core';
import { checkText } from '../../src/extension/check-text';
import { buildState } from '../../src/debug/state-request';
import { loadScenario } from '../../src/machine/scenario';
import type { RunEvent } from '../../src/machine/interp/events';

describe('extension: allocator call sites', () => {
  it('finds assignments from every allocator, posix_memalign targets and frees', () => {
    const text = [
      'char *p = malloc(24);',
      'q = (char *) calloc(4, 8);   // free(x) in a comment',
      's->buf[2] = realloc(s->buf[2], 64);',
      'posix_memalign(&m, 64, 100);',
      'if (a == malloc(1)) free( (void *) p );',
      'printf("free(p)\\n");',
    ].join('\n');
    assert.deepEqual(allocSites(text), [
      { line: 0, kind: 'alloc', target: 'p' },
      { line: 1, kind: 'alloc', target: 'q' },
      { line: 2, kind: 'alloc', target: 's->buf[2]' },
      { line: 3, kind: 'alloc', target: 'm' },
      { line: 4, kind: 'free', target: 'p' },
    ]);
  });

  it('finds every line that calls the allocator, also unassigned calls, and none in strings or comments', () => {
    const text = ['char *p = malloc(24);', 'malloc_trim(0);', '// free(p);', 'printf("malloc(1)\\n");', 'free(p);', 'int x = 1;'].join('\n');
    assert.deepEqual(allocatorCallLines(text), [0, 1, 4]);
  });

  it('blanks comments and strings without moving columns', () => {
    const t = 'a /* { */ "}" // {\nb';
    const b = blankNonCode(t);
    assert.equal(b.length, t.length);
    assert.equal(b.indexOf('{'), -1);
    assert.equal(b.split('\n')[1], 'b');
  });

  it('tells lines of different functions apart, and script-style statements from both', () => {
    const text = 'p = malloc(1);\nint f(void) {\n  q = malloc(2);\n  { free(q); }\n}\nint main(void) {\n  r = malloc(3);\n}';
    assert.deepEqual(regions(text), [-1, 1, 1, 1, 1, 5, 5, 5]);
  });
});

describe('extension: chunk labels from the heapstep/state snapshot', () => {
  const text = [
    'char *p = malloc(24);',
    'char *g = malloc(24);',
    'char *q = malloc(0x500);',
    'char *guard = malloc(24);',
    'char *big = malloc(300 * 1024);',
    'free(p);',
    'free(q);',
  ].join('\n');
  const rets: number[] = [];
  const loaded = loadScenario(text, 'labels.heap', {}, (e: RunEvent) => { if (e.event === 'call' && e.fn === 'malloc') rets.push(Number(e.ret)); });
  assert.ok(loaded.ok);
  loaded.scenario.interp.run(1_000_000);
  const state = buildState(loaded.scenario);
  const [p, g, q, , big] = rets;

  it('names the bin a freed chunk went to, with the tcache count', () => {
    assert.equal(freeLabel(state, p), 'freed → tcache[0x20] 1/7');
    assert.equal(freeLabel(state, q), 'freed → unsorted');
    assert.equal(freeLabel(state, 0), 'free(NULL): nothing to do');
  });

  it('describes a live pointer by its chunk', () => {
    assert.equal(allocLabel(state, g), `→ 0x${g.toString(16)} · chunk 0x20 · in use`);
    assert.equal(allocLabel(state, big), `→ 0x${big.toString(16)} · chunk 0x4c000 · mmapped`);
    assert.equal(allocLabel(state, 0), '→ NULL');
    assert.match(chunkSummary(state, g) ?? '', /^chunk 0x[0-9a-f]+ · size 0x20 \[P--\] · in use$/);
    assert.match(chunkSummary(state, p) ?? '', /tcache\[0x20\] 1\/7 · fd 0x0/);
  });

  it('tells a chunk trimmed away with top from an mmapped one unmapped by free', () => {
    // three 100 KiB chunks grow the heap past its first 132 KiB; freed top-down, each merges into
    // top and systrim brings brk back to the first 132 KiB, below the third chunk. 300 KiB is
    // mmapped (top is too small and it is over the threshold), and free munmaps it.
    const src = 'char *a = malloc(24);\nchar *h1 = malloc(100 * 1024);\nchar *h2 = malloc(100 * 1024);\nchar *h = malloc(100 * 1024);\nfree(h);\nfree(h2);\nfree(h1);\nchar *m = malloc(300 * 1024);\nfree(m);';
    const ptrs: number[] = [];
    const l = loadScenario(src, 'trim.heap', {}, (e: RunEvent) => { if (e.event === 'call' && e.fn === 'malloc') ptrs.push(Number(e.ret)); });
    assert.ok(l.ok);
    l.scenario.interp.run(1_000_000);
    const s = buildState(l.scenario);
    const [, , , h, m] = ptrs;
    assert.ok(h > s.heapBase && h < s.layout.mmapBase && h > s.brk, 'h lay in the heap, above the trimmed brk');
    assert.ok(m > s.layout.heapBase + (1 << 30), 'm was mapped far from the heap');
    assert.equal(freeLabel(s, h), 'freed → merged into top, then trimmed (brk lowered past it)');
    assert.equal(freeLabel(s, m), 'freed → munmap (its mapping is gone)');
  });

  it('reads the pointer at the start of an evaluate answer', () => {
    assert.equal(parsePointer('0x5555555592a0 → chunk 0x20 [P] in [heap]'), 0x5555555592a0);
    assert.equal(parsePointer('0x0 (NULL)'), 0);
    assert.equal(parsePointer('<not resident>'), null);
  });
});

describe('extension: Run Scenario core', () => {
  it('prints the CLI trace of an example and its exit status', async () => {
    let out = '';
    const r = await runScenarioText(readFileSync('examples/default.heap', 'utf8'), 'default.heap', (s) => { out += s; }, { slice: 10_000 });
    assert.deepEqual(r, { status: 0, cancelled: false });
    assert.match(out, /malloc\(1\)/);
  });

  it('reports errors as file:line:col and runs nothing', async () => {
    let out = '';
    const r = await runScenarioText('int main(void) {\n  char *p = malloc(;\n}\n', 'bad.heap', (s) => { out += s; });
    assert.equal(r.status, 2);
    assert.match(out, /^bad\.heap:2:\d+: /);
  });

  it('stops at the step limit and can be cancelled between slices', async () => {
    const loop = 'while (1) { }';
    assert.equal((await runScenarioText(loop, 'loop.heap', () => {}, { maxSteps: 50_000, slice: 10_000 })).status, 124);
    let slices = 0;
    const r = await runScenarioText(loop, 'loop.heap', () => {}, { slice: 10_000, cancelled: () => ++slices >= 3 });
    assert.equal(r.cancelled, true);
  });

  it('checks text as typed with the architecture its pragma asks for', () => {
    assert.deepEqual(checkText('#pragma arch i386\nassert(sizeof(long) == 4);\n', 'a.heap').filter((d) => d.severity === 'error'), []);
    const d = checkText('#pragma ram lots\n', 'b.heap');
    assert.match(d[0]?.message ?? '', /#pragma ram: expected/);
  });
});
