// Runs every test suite and ends with one line `N passed, N failed` (CI reads it). Exits
// non-zero when any suite fails, even when a suite dies before mocha can count.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const only = process.argv.slice(2);
const suites = [
  { name: 'setup', cmd: ['bash', 'test/setup.sh'], plain: true },
  { name: 'unit', mocha: ['test/unit/**/*.test.ts'] },
  { name: 'differential', mocha: ['test/differential/**/*.test.ts'] },
  { name: 'dap', mocha: ['test/dap/**/*.test.ts'] },
  { name: 'examples', mocha: ['test/e2e-cli/**/*.test.ts'] },
  { name: 'how2heap', mocha: ['test/how2heap/**/*.test.ts'] },
  { name: 'grammar', cmd: ['npx', 'vscode-tmgrammar-test', 'test/grammar/*.heap'], count: countGrammarFiles },
  { name: 'webview', mocha: ['test/webview/**/*.test.ts'] },   // headless Chromium; test/setup.sh installs it
  { name: 'e2e', mocha: ['test/e2e/**/*.test.ts'] },   // code-server + Chromium; test/e2e/setup.sh installs them
].filter((s) => only.length === 0 || only.includes(s.name));

const hasTests = (glob) => {
  const dir = glob.split('/**')[0];
  const walk = (d) => existsSync(d) && readdirSync(d, { withFileTypes: true }).some((e) => e.isDirectory() ? walk(join(d, e.name)) : e.name.endsWith('.test.ts'));
  return walk(dir);
};

// vscode-tmgrammar-test prints one line per test file: `✓ FILE run successfuly.` or `✖ FILE failed`.
function countGrammarFiles(out) {
  const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
  return { passed: (plain.match(/^✓ /gm) ?? []).length, failed: (plain.match(/^✖ /gm) ?? []).length };
}

let passed = 0, failed = 0;
const failedSuites = [];
for (const s of suites) {
  let args;
  if (s.cmd) args = s.cmd;
  else {
    const specs = s.mocha.filter(hasTests);
    if (!specs.length) { console.log(`\n=== ${s.name}: no tests yet ===`); continue; }
    args = ['npx', 'mocha', '--color', ...specs];
  }
  console.log(`\n=== ${s.name} ===`);
  const r = spawnSync(args[0], args.slice(1), { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', maxBuffer: 1 << 28 });
  const out = r.stdout ?? '';
  process.stdout.write(out);
  if (s.count) {
    const n = s.count(out);
    passed += n.passed; failed += n.failed;
    if (r.status !== 0) { failedSuites.push(s.name); if (n.failed === 0) failed++; }
    continue;
  }
  if (s.plain) {
    if (r.status === 0) passed++; else { failed++; failedSuites.push(s.name); }
    continue;
  }
  const plain = out.replace(/\x1b\[[0-9;]*m/g, '');
  const p = Number(/(\d+) passing/.exec(plain)?.[1] ?? 0);
  const f = Number(/(\d+) failing/.exec(plain)?.[1] ?? 0);
  passed += p; failed += f;
  if (r.status !== 0) {
    failedSuites.push(s.name);
    if (f === 0) failed++;   // the suite died without counting: count it as one failure
  }
}
if (failedSuites.length) console.log(`\nfailed suites: ${failedSuites.join(', ')}`);
console.log(`${passed} passed, ${failed} failed`);
process.exitCode = failedSuites.length ? 1 : 0;
