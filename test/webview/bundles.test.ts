// What the shipped view bundles must never contain: a way to run a string as code, or to turn
// a string into markup. The CSP forbids the first; the second would make data into elements.
import { strict as assert } from 'node:assert';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type BuildOptions } from 'esbuild';

describe('webview bundles', () => {
  it('use no eval, Function constructor, innerHTML or document.write', async () => {
    const { mediaBuildOptions, MEDIA_VIEWS } = await import(pathToFileURL(join(process.cwd(), 'media/build-options.mjs')).href) as { mediaBuildOptions(o: string): BuildOptions; MEDIA_VIEWS: string[] };
    const r = await build({ ...mediaBuildOptions('/tmp/heapstep-media-check'), write: false });
    const js = r.outputFiles.filter((f) => f.path.endsWith('.js'));
    // one bundle per view, every view checked
    assert.ok(MEDIA_VIEWS.length >= 5);
    assert.deepEqual(js.map((f) => f.path.replace(/^.*\//, '').replace(/\.js$/, '')).sort(), [...MEDIA_VIEWS].sort());
    for (const f of js) {
      for (const bad of [/\beval\(/, /new Function\(/, /\.innerHTML\b/, /\.outerHTML\b/, /insertAdjacentHTML/, /document\.write/]) {
        assert.doesNotMatch(f.text, bad, `${f.path} contains ${bad}`);
      }
    }
  });
});
