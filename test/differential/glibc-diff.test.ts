// The emulator against the real glibc 2.36, field by field, step by step: seeded random
// traces in every profile, traces that end in glibc's integrity checks, and the textbook
// scenarios. `npm run test:fidelity -- --count N` runs longer campaigns.
import { strict as assert } from 'node:assert';
import { existsSync } from 'node:fs';
import { PROFILES, generate, type Profile } from './gen';
import { buildHarness, referenceTarget, type LibcTarget } from './host';
import { checkTrace, pool, type TraceOutcome } from './runner';
import { parse } from './trace';
import { TEXTBOOK } from './textbook';

const TRACES = Number(process.env.HEAPSTEP_DIFF_TRACES ?? 504);
const OPS = Number(process.env.HEAPSTEP_DIFF_OPS ?? 500);

function report(o: TraceOutcome): string {
  const m = o.mismatch!;
  return `${o.name}: step ${m.step} ${m.path}: emulator ${JSON.stringify(m.emulator)} vs glibc ${JSON.stringify(m.glibc)}; op ${o.op ?? '?'}; files in ${o.dir}`;
}

describe('differential: the emulator against the real glibc 2.36', function () {
  this.timeout(30 * 60 * 1000);
  let target: LibcTarget;
  before(() => {
    assert.ok(existsSync('dist/cli.js'), 'dist/cli.js is built (npm run build)');
    buildHarness();
    target = referenceTarget();
  });

  it(`${TRACES} random traces of ${OPS} operations across ${PROFILES.length} profiles match step for step`, async () => {
    const jobs: { name: string; profile: Profile; seed: number }[] = [];
    for (let k = 0; k < TRACES; k++) jobs.push({ name: `${PROFILES[k % PROFILES.length]}-${1000 + k}`, profile: PROFILES[k % PROFILES.length], seed: 1000 + k });
    const results = await pool(jobs, 3, (j) => checkTrace(j.name, generate(j.profile, j.seed, OPS), target));
    const bad = results.filter((r) => r.mismatch);
    const steps = results.reduce((s, r) => s + r.steps, 0);
    assert.ok(steps >= TRACES * OPS * 0.9, `compared ${steps} steps`);
    assert.deepEqual(bad.slice(0, 5).map(report), []);
  });

  it('traces that break the heap abort with glibc\'s message at the same step', async () => {
    const jobs = Array.from({ length: 24 }, (_, k) => k);
    const results = await pool(jobs, 3, (k) => checkTrace(`abort-${k}`, generate('abort', k, 0), target));
    for (const r of results) assert.ok(r.hostSignal, `${r.name}: the real glibc aborted`);
    assert.deepEqual(results.filter((r) => r.mismatch).map(report), []);
  });

  for (const [name, text] of Object.entries(TEXTBOOK)) {
    it(`textbook: ${name}`, async () => {
      const r = await checkTrace(`textbook-${name}`, parse(text), target);
      assert.equal(r.mismatch, null, r.mismatch ? report(r) : '');
      assert.ok(r.steps > 0);
    });
  }
});
