// Packages the extension as the e2e tests install it when the project has no `npm run package`:
// vsce (a pinned devDependency that runs on Node 20) over what `npm run build` left in dist/.
// The flags answer vsce's interactive questions, which would otherwise hang a test run.
import { spawnSync } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = resolve(process.argv[2] ?? join(root, 'heapstep.vsix'));
const r = spawnSync(join(root, 'node_modules', '.bin', 'vsce'),
  ['package', '--no-dependencies', '--allow-missing-repository', '--no-rewrite-relative-links', '--skip-license', '--allow-star-activation', '-o', out],
  { cwd: root, stdio: 'inherit' });
process.exit(r.status ?? 1);
