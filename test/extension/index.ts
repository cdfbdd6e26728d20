// The entry VS Code's extension host calls (`extensionTestsPath`): runs every bundled
// `*.test.js` next to this file with mocha and rejects when any fails, so the host exits
// non-zero. Under code-server the host's console only reaches the browser page, so each result
// is also written as JSON to $HEAPSTEP_TEST_RESULTS for the runner outside to count.
import Mocha from 'mocha';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface HostResult { title: string; state: 'passed' | 'failed' | 'pending'; ms?: number; error?: string }

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', timeout: 60_000, color: false, reporter: Mocha.reporters.Spec });
  const grep = process.env.HEAPSTEP_TEST_GREP;
  if (grep) mocha.grep(grep);
  for (const f of readdirSync(__dirname).filter((f) => f.endsWith('.test.js')).sort()) mocha.addFile(join(__dirname, f));

  const results: HostResult[] = [];
  const save = (extra?: HostResult) => {
    const out = process.env.HEAPSTEP_TEST_RESULTS;
    if (out) writeFileSync(out, JSON.stringify(extra ? [...results, extra] : results, null, 1));
  };
  return new Promise((resolve, reject) => {
    let runner: Mocha.Runner;
    try {
      runner = mocha.run((failures) => {
        save();
        if (failures) reject(new Error(`${failures} extension test(s) failed`)); else resolve();
      });
    } catch (e) {
      // A test file that throws while loading never reaches a runner event: report it as a failure.
      save({ title: 'loading the extension tests', state: 'failed', error: String((e as Error)?.stack ?? e) });
      reject(e);
      return;
    }
    runner.on('pass', (t) => results.push({ title: t.fullTitle(), state: 'passed', ms: t.duration }));
    runner.on('pending', (t) => results.push({ title: t.fullTitle(), state: 'pending' }));
    runner.on('fail', (t, err) => results.push({ title: t.fullTitle(), state: 'failed', error: String(err?.stack ?? err) }));
  });
}
