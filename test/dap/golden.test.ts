// Golden transcripts of the Variables view: each scenario runs in the shipped adapter to a few
// known lines; at each stop every scope's tree is walked (to a depth per scope) and compared
// line by line with test/dap/golden/<scenario>.json. After a deliberate change, regenerate with
//   HEAPSTEP_UPDATE_GOLDEN=1 npx mocha test/dap/golden.test.ts
// and read the diff of the golden files before committing them.
import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { DebugClient } from '@vscode/debugadapter-testsupport';
import { lineDiff } from './line-diff';
import { launchTo, lineOf, newClient, walkScopes, type WalkLimits } from './variable-tree';

const GOLDEN_DIR = resolve('test/dap/golden');
const UPDATE = process.env.HEAPSTEP_UPDATE_GOLDEN === '1';

interface Case { program: string; stops: { text: string; nth?: number }[] }

// Stops are lines found by their text, so editing a scenario's comments moves nothing.
const CASES: Case[] = [
  { program: 'examples/default.heap', stops: [
    { text: 'assert(brk_now() - heap_start == 0x21000)' },    // after the first malloc(1)
    { text: 'char *q = malloc(1);' },                         // p freed: in tcache[0x20]
    { text: 'free(big);' },                                   // a live mmapped chunk
    { text: 'return 0;' },                                    // after malloc_trim
  ] },
  { program: 'examples/tcache-and-fastbins.heap', stops: [
    { text: 'bins();' },                                      // tcache[0x30] full, p[7] in the fastbin
    { text: 'bins();', nth: 1 },                              // after malloc_consolidate
  ] },
  { program: 'examples/unsorted-small-large.heap', stops: [
    { text: 'bins();' },                                      // a and c in the unsorted bin
    { text: 'heap();' },                                      // sorted into a large bin
  ] },
  { program: 'examples/page-walk.heap', stops: [
    { text: 'untouched[0] = \'x\';' },                        // mapped, never touched
  ] },
];

// deep where the values are the point, shallow where a level repeats the one above
const DEPTH: Record<string, number> = { Locals: 3, Globals: 3, Heap: 2, Chunks: 2, Bins: 3, Mappings: 1, Process: 1, Machine: 1 };
const limits = (scope: string): WalkLimits => ({ depth: DEPTH[scope] ?? 2, perLevel: 100 });

interface Golden { scenario: string; stops: { at: string; tree: string[] }[] }

async function transcript(c: Case): Promise<Golden> {
  const program = resolve(c.program);
  const lines = c.stops.map((s) => lineOf(program, s.text, s.nth));
  const dc: DebugClient = await newClient();
  try {
    await launchTo(dc, program, [...new Set(lines)]);
    const stops: Golden['stops'] = [];
    for (let k = 0; k < lines.length; k++) {
      if (k > 0) await Promise.all([dc.continueRequest({ threadId: 1 }), dc.assertStoppedLocation('breakpoint', { line: lines[k] })]);
      const text = readFileSync(program, 'utf8').split('\n')[lines[k] - 1].trim();
      stops.push({ at: `line ${lines[k]}: ${text}`, tree: await walkScopes(dc, limits) });
    }
    return { scenario: c.program, stops };
  } finally {
    await dc.stop();
  }
}

const flat = (g: Golden): string[] => g.stops.flatMap((s) => [`== ${s.at}`, ...s.tree]);

describe('golden transcripts of the Variables view', function () {
  this.timeout(60000);
  for (const c of CASES) {
    const file = join(GOLDEN_DIR, basename(c.program).replace(/\.heap$/, '.json'));
    it(`${c.program} at ${c.stops.length} stops matches ${basename(file)}`, async () => {
      const got = await transcript(c);
      if (UPDATE) {
        mkdirSync(GOLDEN_DIR, { recursive: true });
        writeFileSync(file, JSON.stringify(got, null, 1) + '\n');
        return;
      }
      assert.ok(existsSync(file), `${file} is missing: run with HEAPSTEP_UPDATE_GOLDEN=1 to create it, then read it`);
      const want = JSON.parse(readFileSync(file, 'utf8')) as Golden;
      const a = flat(want), b = flat(got);
      if (a.join('\n') !== b.join('\n')) {
        assert.fail(`${basename(file)} differs (- golden, + adapter); HEAPSTEP_UPDATE_GOLDEN=1 rewrites it\n${lineDiff(a, b)}`);
      }
    });
  }
});
