// `npm run test:electron`: the extension-host tests (test/extension/) in VS Code desktop through
// @vscode/test-electron, with the repository itself as the extension under development. It
// needs a machine that can download VS Code (or VSCODE_EXECUTABLE pointing at an installed one)
// and, on Linux without a display, xvfb-run. Where VS Code cannot be had it says so and exits 2,
// so a skipped run never reads as a pass; `npm run test:e2e` runs the same tests in code-server.
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const sh = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
sh('npm', ['run', '--silent', 'build']);
sh('node', ['test/extension/build.mjs']);

let vscodeExecutablePath = process.env.VSCODE_EXECUTABLE;
if (!vscodeExecutablePath) {
  try {
    vscodeExecutablePath = await downloadAndUnzipVSCode({ version: process.env.HEAPSTEP_VSCODE_VERSION ?? 'stable', timeout: 60_000 });
  } catch (e) {
    console.error(`test:electron: NOT RUN. VS Code desktop could not be downloaded (${e?.message ?? e}).\n` +
      'Run it on a machine that can reach update.code.visualstudio.com, or set VSCODE_EXECUTABLE to an installed VS Code.\n' +
      'The same extension-host tests run in code-server under `npm run test:e2e`.');
    process.exit(2);
  }
}

const run = mkdtempSync(join(tmpdir(), 'heapstep-electron-'));
const ws = join(run, 'ws');
cpSync(join(root, 'examples'), ws, { recursive: true });
try {
  await runTests({
    vscodeExecutablePath,
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out', 'test', 'index.js'),
    extensionTestsEnv: { HEAPSTEP_TEST_RESULTS: join(run, 'results.json') },
    launchArgs: [ws, '--disable-extensions', '--disable-workspace-trust', '--user-data-dir', join(run, 'user-data'), '--skip-welcome', '--skip-release-notes'],
  });
  console.log('test:electron: all extension-host tests passed');
} catch (e) {
  console.error(`test:electron: failed (${e?.message ?? e})`);
  process.exitCode = 1;
} finally {
  rmSync(run, { recursive: true, force: true });
}
