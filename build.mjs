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
// the extension: the same code on the desktop (Node) and in VS Code for the Web (a web worker,
// where Node's `events` and `url`, which @vscode/debugadapter asks for, come from small shims)
if (existsSync('src/extension/activate.ts')) {
  const ext = {
    bundle: true, sourcemap: true, format: 'cjs', logLevel: 'warning', entryPoints: ['src/extension/activate.ts'], external: ['vscode'],
    // activation time counts evaluating the bundle too, not the host's wait between loading and activate()
    banner: { js: '"use strict";\nvar __heapstepLoad = [performance.now(), 0];' }, footer: { js: '__heapstepLoad[1] = performance.now();' },
  };
  // on the desktop, what ./core exports is a second file, required at first use (activation time)
  const lazyCore = { name: 'lazy-core', setup: (b) => b.onResolve({ filter: /^\.\/core$/ }, () => ({ path: './core.js', external: true })) };
  await build({ ...ext, platform: 'node', target: 'node20', outfile: 'dist/extension.js', plugins: [lazyCore],
    supported: { 'dynamic-import': false } });   // a plain require, as the extension host loads CommonJS
  await build({ ...ext, platform: 'node', target: 'node20', entryPoints: ['src/extension/core.ts'], outfile: 'dist/core.js', banner: {}, footer: {} });
  await build({
    // 'browser', not 'neutral': only then does esbuild honour package.json's `browser` map, by which
    // @vscode/debugadapter swaps its file logger and socket server for stubs
    ...ext, platform: 'browser', target: 'es2022', outfile: 'dist/web/extension.js',
    alias: { events: './src/extension/web/events.ts', url: './src/extension/web/url.ts' }, define: { 'process.platform': '"browser"' },
    inject: ['./src/extension/web/buffer.ts'],
  });
}
// the webviews (see media/build-options.mjs)
const { mediaBuildOptions } = await import('./media/build-options.mjs');
await build(mediaBuildOptions('dist/media'));
