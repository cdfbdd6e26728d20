// The differential test's own parts: traces round-trip through text, the generator is
// deterministic and frees only what is live, the converter writes the scenario the language
// expects, and the harness reports the facts ORACLE.md's example states.
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compile } from '../../src/lang/index';
import { PROFILES, generate } from './gen';
import { buildHarness, referenceTarget, runHost } from './host';
import { parse, serialise, toHeap } from './trace';

describe('differential tooling', function () {
  this.timeout(60_000);

  it('traces round-trip through their text form, sizes up to 2^64-1 included', () => {
    const text = 'malloc 0 18446744073709551615\ncalloc 1 4294967296 4294967296\nrealloc 2 1 0\nposix_memalign 3 64 100\nmallopt -3 65536\ntrim 0\nwrite 1 -8 65\nfree 1\nusable 2\n';
    assert.equal(serialise(parse(text)), text);
  });

  it('generates the same trace for the same seed, and frees only live pointers', () => {
    for (const p of PROFILES) {
      const a = serialise(generate(p, 7, 300)), b = serialise(generate(p, 7, 300));
      assert.equal(a, b, p);
      assert.notEqual(a, serialise(generate(p, 8, 300)), p);
      const live = new Set<number>();
      for (const o of generate(p, 7, 300)) {
        if (o.op === 'free') { assert.ok(live.has(o.i), `${p}: free of a dead slot ${o.i}`); live.delete(o.i); }
        else if (o.op === 'realloc') { if (o.n === 0n) { live.delete(o.j); } else { live.delete(o.j); live.add(o.i); } }
        else if ('i' in o && o.op !== 'usable' && o.op !== 'write') live.add(o.i);
      }
    }
  });

  it('converts a trace into a scenario that compiles, with exact 64-bit sizes', () => {
    const heap = toHeap(parse('malloc 3 18446744073709551615\nposix_memalign 1 64 100\nwrite 3 8 65\nfree 3\n'));
    assert.match(heap, /void \*p\[4\];/);
    assert.match(heap, /p\[3\] = malloc\(18446744073709551615UL\);/);
    assert.match(heap, /posix_memalign\(&p\[1\], 64UL, 100UL\);/);
    const r = compile(heap, 't.heap', { arch: 'x86_64', rodataBase: 0x555555556000, dataBase: 0x555555558010 });
    assert.ok(r.program, r.diagnostics.map((d) => d.message).join('; '));
  });

  it('the harness reports ORACLE.md\'s example facts for the first malloc(1)', async () => {
    buildHarness();
    const dir = mkdtempSync(join(tmpdir(), 'heapstep-tools-'));
    writeFileSync(join(dir, 't.txt'), 'malloc 0 24\n');
    const r = await runHost(referenceTarget(), join(dir, 't.txt'));
    const s = r.lines[0] as Record<string, unknown>;
    assert.deepEqual(s.ret, { ptr: 672, size: 33, usable: 24 });
    assert.equal(s.brk, 135168);
    assert.deepEqual(s.top, [688, 134481]);
    assert.deepEqual(s.heap, [[0, 657], [656, 33]]);
    assert.equal((s.tcache as { at: number }).at, 16);
  });
});
