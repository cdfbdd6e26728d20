// The same traces under glibc 2.31, 2.36, 2.41 and 2.43, each with its own loader (fetched by
// sysroots.sh). 2.36 must match the emulator; the others show where glibc changed — checked
// against the facts of ../shared/GLIBC-VERSIONS.md and reported.
import { strict as assert } from 'node:assert';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { compareRuns } from './compare';
import { runEmulator } from './emulator';
import { buildHarness, runHost, SUITES, sysrootTarget } from './host';
import { TEXTBOOK } from './textbook';
import { parse, toHeap, serialise } from './trace';

describe('differential: glibc versions side by side', function () {
  this.timeout(300_000);
  const have = Object.keys(SUITES).filter((s) => sysrootTarget(s));
  before(function () {
    if (have.length < 4) {
      if (process.env.CI === 'true') throw new Error('the glibc versions were not fetched (test/setup.sh)');
      this.skip();
    }
    buildHarness();
  });

  const dir = mkdtempSync(join(tmpdir(), 'heapstep-versions-'));
  const trace = (name: string, text: string) => {
    const f = join(dir, name.replace(/\W+/g, '_'));
    writeFileSync(f + '.txt', serialise(parse(text)));
    writeFileSync(f + '.heap', toHeap(parse(text), name));
    return f;
  };

  it('the first malloc(1) and where the tcache lives, per version (GLIBC-VERSIONS.md)', async () => {
    const f = trace('first', 'malloc 0 1\nmalloc 1 24\nfree 1\n');
    const at: Record<string, unknown[]> = {};
    for (const s of have) {
      const r = await runHost(sysrootTarget(s)!, f + '.txt');
      at[SUITES[s]] = [(r.lines[0].ret as { ptr: number }).ptr, r.lines[0].brk, (r.lines[2].tcache as { at: number } | null)?.at];
    }
    assert.deepEqual(at['2.31'], [0x2a0, 0x21000, 0x10]);
    assert.deepEqual(at['2.36'], [0x2a0, 0x21000, 0x10]);
    assert.deepEqual(at['2.41'], [0x2a0, 0x21000, 0x10]);
    assert.equal(at['2.43'][0], 0x10);          // no tcache struct yet at the first malloc
    assert.equal(at['2.43'][1], 0x21000);
  });

  it('bookworm\'s 2.36 matches the emulator on every textbook trace; the report shows where the others differ', async () => {
    const report: string[] = [];
    for (const [name, text] of Object.entries(TEXTBOOK)) {
      const f = trace(name, text);
      const emu = await runEmulator(f + '.heap');
      for (const s of have) {
        const host = await runHost(sysrootTarget(s)!, f + '.txt');
        const d = compareRuns(emu, host);
        if (SUITES[s] === '2.36') assert.equal(d, null, `${name}: ${JSON.stringify(d)}`);
        else if (d) report.push(`${SUITES[s]} ${name}: step ${d.step} ${d.path}: ${JSON.stringify(d.glibc)} (2.36: ${JSON.stringify(d.emulator)})`);
      }
    }
    console.log(`      where other versions differ from 2.36 (first difference per trace):\n${report.map((l) => `        ${l}`).join('\n')}`);
    assert.ok(report.some((l) => l.startsWith('2.43')), '2.43 allocates its tcache differently');
  });
});
