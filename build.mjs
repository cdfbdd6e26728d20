// Bundles the CLI (and, later, the extension and the debug adapter) into dist/.
import { build } from 'esbuild';
import { existsSync } from 'node:fs';

const common = { bundle: true, platform: 'node', target: 'node20', sourcemap: true, format: 'cjs', logLevel: 'warning' };
const entries = [
  { entryPoints: ['src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' } },
  { entryPoints: ['src/debug/debugAdapter.ts'], outfile: 'dist/debugAdapter.js' },
];
for (const e of entries) {
  if (!existsSync(e.entryPoints[0])) continue;
  await build({ ...common, ...e });
}
// the webviews (see media/build-options.mjs)
const { mediaBuildOptions } = await import('./media/build-options.mjs');
await build(mediaBuildOptions('dist/media'));
