// Bundles the extension-host tests into out/test/: index.js (with mocha inside, since an
// installed extension has no node_modules) and one file per test/extension/*.test.ts. `vscode`
// stays external: the extension host supplies it.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const here = join(root, 'test', 'extension');
export const outdir = join(root, 'out', 'test');
const tests = readdirSync(here).filter((f) => f.endsWith('.test.ts')).map((f) => join(here, f));

rmSync(outdir, { recursive: true, force: true });
await build({
  entryPoints: [join(here, 'index.ts'), ...tests], outdir, bundle: true, platform: 'node', target: 'node20',
  format: 'cjs', sourcemap: 'inline', external: ['vscode'], logLevel: 'error',
});
