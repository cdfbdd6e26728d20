// Each webview in headless Chromium, fed states from the real emulator: it draws them, a click
// posts the right message, hostile strings stay text, and the CSP blocks inline script.
import { strict as assert } from 'node:assert';
import type { ViewMessage } from '../../src/protocol/messages';
import type { HeapState } from '../../src/protocol/state';
import { startHarness, type Harness } from './harness';
import { exampleState, manyChunks, PRESSURE_HEAP, statesAt } from './states';

const HOSTILE = '<script>alert(1)</script>';
const HOSTILE_HEAP = `char *a = malloc(40);
strcpy(a, "${HOSTILE}");
char *b = malloc(24);
char *c = malloc(0x30000);
free(b);
`;

describe('webviews in Chromium', function () {
  this.timeout(120000);
  let h: Harness;
  let fastbins: HeapState;
  before(async () => {
    h = await startHarness();
    fastbins = exampleState('examples/tcache-and-fastbins.heap', 40);
  });
  after(async () => { await h?.close(); });

  // a colour as the canvas stores it: the page's own reading of a CSS colour, through a 1x1 canvas
  const rgbOf = (v: Awaited<ReturnType<Harness['open']>>, css: string): Promise<number[]> => v.page.evaluate((c) => {
    const cv = document.createElement('canvas'); cv.width = cv.height = 1;
    const x = cv.getContext('2d')!; x.fillStyle = c; x.fillRect(0, 0, 1, 1);
    return [...x.getImageData(0, 0, 1, 1).data.slice(0, 3)];
  }, css);
  const cssVar = (v: Awaited<ReturnType<Harness['open']>>, name: string): Promise<string> =>
    v.page.evaluate((n) => getComputedStyle(document.documentElement).getPropertyValue(n).trim(), name);

  const last = async (posted: () => Promise<ViewMessage[]>): Promise<ViewMessage> => {
    const all = await posted();
    return all[all.length - 1];
  };

  describe('heap map', () => {
    it('draws every chunk of a real heap, and the mmapped lane', async () => {
      const s = statesAt(HOSTILE_HEAP, [1e9])[0];
      assert.ok(s.mmapped.length === 1, 'the 0x30000 request is mmapped');
      const v = await h.open('heapMap');
      await v.sendState(s);
      const d = await v.hook<{ drawnChunks: number; rects: number; total: number }>('heapmap');
      assert.equal(d.total, s.chunks.length + s.mmapped.length);
      assert.equal(d.drawnChunks, s.chunks.length + s.mmapped.length);
      assert.ok(d.rects > 0);
      assert.deepEqual(v.errors, []);
      await v.page.close();
    });

    it('posts reveal for the chunk clicked, and for Enter on the keyboard-selected one', async () => {
      const v = await h.open('heapMap');
      await v.sendState(fastbins);
      const i = 3;
      const p = await v.page.evaluate((k) => (globalThis as unknown as { __heapstep: { chunkPoint(i: number): { x: number; y: number } | null } }).__heapstep.chunkPoint(k), i);
      assert.ok(p, 'chunk 3 is on screen');
      const box = (await v.page.locator('canvas').boundingBox())!;
      await v.page.mouse.click(box.x + p.x, box.y + p.y);
      assert.deepEqual(await last(v.posted), { type: 'reveal', addr: fastbins.chunks[i].addr, size: fastbins.chunks[i].size });

      await v.page.locator('canvas').focus();
      await v.page.keyboard.press('Home');
      await v.page.keyboard.press('ArrowRight');
      await v.page.keyboard.press('Enter');
      assert.deepEqual(await last(v.posted), { type: 'reveal', addr: fastbins.chunks[1].addr, size: fastbins.chunks[1].size });
      const details = await v.page.locator('#hs-details').textContent();
      assert.match(details!, new RegExp(`chunk 0x${fastbins.chunks[1].addr.toString(16)}`));
      assert.equal(await v.page.locator('canvas').getAttribute('role'), 'application');
      assert.ok(await v.page.locator('canvas').getAttribute('aria-label'));
      await v.page.close();
    });

    it('selects the chunk a host message names (an Explain link), and ignores an address that is no chunk', async () => {
      const v = await h.open('heapMap');
      await v.sendState(fastbins);
      const target = fastbins.chunks[5];
      await v.send({ type: 'select', addr: target.addr });
      await v.page.waitForFunction((a) => (document.getElementById('hs-details')?.textContent ?? '').includes(a), `chunk 0x${target.addr.toString(16)}`);
      await v.page.locator('canvas').focus();
      await v.page.keyboard.press('Enter');
      assert.deepEqual(await last(v.posted), { type: 'reveal', addr: target.addr, size: target.size });
      await v.send({ type: 'select', addr: target.addr + 8 });
      assert.match((await v.page.locator('#hs-details').textContent())!, new RegExp(`chunk 0x${target.addr.toString(16)}`));
      await v.page.close();
    });

    it('highlights what changed since the previous stop', async () => {
      const [a, b] = statesAt('char *p = malloc(24);\nchar *q = malloc(24);\nfree(p);\n', [2, 4]);
      assert.equal(a.chunks.filter((c) => c.changed).length, 0);
      const changed = b.chunks.filter((c) => c.changed);
      assert.ok(changed.some((c) => c.state === 'free'), 'the freed chunk is marked');
      const v = await h.open('heapMap');
      await v.sendState(b);
      assert.equal((await v.hook<{ drawnChunks: number }>('heapmap')).drawnChunks, b.chunks.length);
      await v.page.close();
    });

    it('draws 100,000 chunks, and only the visible ones when zoomed in', async function () {
      const s = statesAt(manyChunks(100000), [1e9])[0];
      assert.ok(s.chunks.length > 100000);
      const v = await h.open('heapMap');
      await v.sendState(s);
      const fit = await v.hook<{ drawnChunks: number; drawMs: number }>('heapmap');
      assert.equal(fit.drawnChunks, s.chunks.length);
      assert.ok(fit.drawMs < 1000, `drew in ${fit.drawMs} ms`);
      await v.page.evaluate(() => { const z = (globalThis as unknown as { __heapstep: { zoom(f: number): void } }).__heapstep.zoom; for (let i = 0; i < 8; i++) z(2); });
      const zoomed = await v.hook<{ drawnChunks: number }>('heapmap');
      assert.ok(zoomed.drawnChunks > 0 && zoomed.drawnChunks < s.chunks.length / 10, `${zoomed.drawnChunks} drawn when zoomed`);
      await v.page.close();
    });

    it('shows chunk bytes that look like markup as text', async () => {
      const s = statesAt(HOSTILE_HEAP, [1e9])[0];
      const i = s.chunks.findIndex((c) => c.preview.startsWith('<script>'));
      assert.ok(i > 0, 'the scenario wrote the string into a chunk');
      s.chunks[i].preview = HOSTILE;     // beyond the 16 bytes the builder keeps
      const v = await h.open('heapMap');
      await v.sendState(s);
      await v.page.locator('canvas').focus();
      await v.page.keyboard.press('Home');
      for (let k = 0; k < i; k++) await v.page.keyboard.press('ArrowRight');
      const details = await v.page.locator('#hs-details').textContent();
      assert.ok(details!.includes(HOSTILE), details!);
      assert.equal(await v.page.locator('script').count(), 1);
      assert.deepEqual(v.alerts, []);
      assert.deepEqual(await v.page.evaluate('window.__alerts'), []);
      await v.page.close();
    });
  });

  describe('bins', () => {
    it('draws each bin as a list, safe-linked fd decoded and raw, and counts against the limit', async () => {
      const v = await h.open('bins');
      await v.sendState(fastbins);
      const b = fastbins.bins;
      const entries = [...b.tcache, ...b.fastbins, ...b.unsorted, ...b.small, ...b.large].reduce((n, l) => n + l.entries.length, 0);
      assert.ok(b.tcache.length && b.fastbins.length, 'the example fills tcache and a fastbin');
      assert.equal((await v.hook<{ nodes: number }>('bins')).nodes, entries);
      const text = await v.page.locator('main').textContent();
      assert.ok(text!.includes(`tcache[0x30] [${b.tcache[0].count}/7]`));
      const e = b.tcache[0].entries[0];
      assert.notEqual(e.fd.raw, e.fd.decoded);
      assert.ok(text!.includes(`fd ${e.fd.decoded}`) && text!.includes(`raw ${e.fd.raw}`));
      await v.page.locator('button.node').first().click();
      assert.deepEqual(await last(v.posted), { type: 'reveal', addr: e.addr, size: e.size });
      await v.page.close();
    });
  });

  describe('address space', () => {
    it('draws every mapping, posts a page walk on click, and keeps a hostile name as text', async () => {
      const s = structuredClone(fastbins);
      s.mappings[0].name = HOSTILE;
      const v = await h.open('addressSpace');
      await v.sendState(s);
      assert.equal((await v.hook<{ mappings: number }>('addrspace')).mappings, s.mappings.length);
      const text = await v.page.locator('main').textContent();
      assert.ok(text!.includes(HOSTILE) || (await v.page.locator(`[aria-label*="${HOSTILE}"]`).count()) === 1);
      assert.equal(await v.page.locator('script').count(), 1);
      assert.deepEqual(v.alerts, []);
      const heap = s.mappings.find((m) => m.name === '[heap]')!;
      await v.page.locator('button.vma.heap').click();
      assert.deepEqual(await last(v.posted), { type: 'selectAddress', addr: heap.start });
      await v.page.getByRole('button', { name: 'Linear' }).click();
      assert.equal((await v.hook<{ scale: string }>('addrspace')).scale, 'linear');
      await v.page.close();
    });
  });

  describe('address space: pages by class', () => {
    it('colours each mapping\'s pages resident, page cache, dirty, swapped or not present, with a legend and titles', async () => {
      const s = statesAt(PRESSURE_HEAP, [1e9])[0];
      const file = s.mappings.find((m) => m.name.endsWith('data.bin'))!;
      assert.ok(file.pageCounts.dirty > 0 && file.pageCounts.file > 0, 'the shared file mapping has dirty and clean pages');
      assert.ok(s.mappings.some((m) => m.pageCounts.swap > 0), 'some pages are in swap');
      file.name = `/home/student/${HOSTILE}`;
      const v = await h.open('addressSpace');
      await v.sendState(s);
      const d = await v.hook<{ runs: number; totals: Record<string, number> }>('addrspace');
      assert.equal(d.runs, s.mappings.reduce((n, m) => n + m.pageRuns.length, 0));
      assert.equal(await v.page.locator('.pages .run').count(), d.runs);
      for (const k of ['anon', 'file', 'dirty', 'swap', 'none']) {
        assert.equal(d.totals[k], s.mappings.reduce((n, m) => n + m.pageCounts[k as 'anon'], 0), k);
        // each class is drawn in its theme colour, and no two classes share one
        const runBg = await v.page.locator(`.pages .run.pg-${k}`).first().evaluate((e) => getComputedStyle(e).backgroundColor);
        assert.deepEqual(await rgbOf(v, runBg), await rgbOf(v, await cssVar(v, `--hs-page-${k}`)), k);
      }
      const colours = await Promise.all(['anon', 'file', 'dirty', 'swap', 'none'].map(async (k) => (await rgbOf(v, await cssVar(v, `--hs-page-${k}`))).join()));
      assert.equal(new Set(colours).size, 5, colours.join(' / '));
      // the legend names every class, each swatch in its colour
      const legend = v.page.getByRole('list', { name: 'Page colours' });
      assert.equal(await legend.locator('li').count(), 5);
      const legendText = await legend.textContent();
      for (const t of ['resident (anonymous)', 'page cache, clean', 'page cache, dirty', 'swapped out', 'not present']) assert.ok(legendText!.includes(t), t);
      // the file mapping's button says its counts; its strip widths follow its runs
      const button = v.page.locator('button.vma', { has: v.page.locator('.run.pg-dirty') }).first();
      const label = await button.getAttribute('aria-label');
      assert.ok(label!.includes(`${file.pageCounts.dirty} page cache, dirty`) && label!.includes(`${file.pageCounts.file} page cache, clean`), label!);
      assert.ok(label!.includes(HOSTILE), 'the name is in the label as text');
      const firstRun = button.locator('.run').first();
      assert.match((await firstRun.getAttribute('title'))!, new RegExp(`^0x${file.start.toString(16)}-0x[0-9a-f]+: ${file.pageRuns[0].pages} pages page cache, dirty$`));
      const [runW, stripW] = await Promise.all([firstRun.evaluate((e) => e.getBoundingClientRect().width), button.locator('.pages').evaluate((e) => e.getBoundingClientRect().width)]);
      assert.ok(Math.abs(runW / stripW - file.pageRuns[0].pages / file.pages) < 0.01, `${runW} of ${stripW}`);
      const swapTitle = await v.page.locator('.run.pg-swap').first().getAttribute('title');
      assert.match(swapTitle!, /swapped out$/);
      assert.equal(await v.page.locator('script').count(), 1);
      assert.deepEqual(v.alerts, []);
      assert.deepEqual(v.errors, []);
      await v.page.close();
    });
  });

  describe('page walk', () => {
    it('shows the four levels with their bits, the frame and the TLB', async () => {
      const v = await h.open('pageWalk');
      await v.sendState(fastbins);
      const w = fastbins.pagewalk!;
      assert.equal(w.levels.length, 4);
      assert.deepEqual(await v.hook('pagewalk'), { levels: 4, present: true, tlb: w.tlb });
      assert.equal(await v.page.locator('tbody tr').count(), 4);
      const text = await v.page.locator('main').textContent();
      assert.ok(text!.includes(`frame 0x${w.frame!.toString(16)}`));
      assert.ok(text!.includes(`TLB ${w.tlb}`));
      await v.page.locator('#va').fill('0x555555559000');
      await v.page.keyboard.press('Enter');
      assert.deepEqual(await last(v.posted), { type: 'selectAddress', addr: 0x555555559000 });
      await v.page.close();
    });
  });

  describe('timeline', () => {
    it('plots one point per stop and posts travel for the point clicked', async () => {
      const states = statesAt('char *p[40];\nfor (int i = 0; i < 40; i++) p[i] = malloc(4000);\nfor (int i = 0; i < 40; i++) free(p[i]);\nmalloc_trim(0);\n', [5, 40, 80, 1e9]);
      const s = states[states.length - 1];
      assert.equal(s.timeline.length, 4);
      const v = await h.open('timeline');
      await v.sendState(s);
      assert.equal((await v.hook<{ points: number }>('timeline')).points, 4);
      const x = await v.page.evaluate(() => (globalThis as unknown as { __heapstep: { timeline: { xOf(i: number): number } } }).__heapstep.timeline.xOf(1));
      const box = (await v.page.locator('canvas').first().boundingBox())!;
      await v.page.mouse.click(box.x + x, box.y + 100);
      assert.deepEqual(await last(v.posted), { type: 'travel', step: s.timeline[1].step });
      await v.page.close();
    });

    it('plots MemFree, Cached, Dirty and swap used in a second chart with a legend; a click there travels too', async () => {
      const states = statesAt(PRESSURE_HEAP, [4, 3000, 6000, 1e9]);
      const s = states[states.length - 1];
      const p = s.timeline[s.timeline.length - 1];
      assert.ok(p.swapUsed > 0 && p.dirty > 0 && p.cached > p.dirty, JSON.stringify(p));
      const v = await h.open('timeline');
      await v.sendState(s);
      const t = await v.hook<{ drawn: Record<string, number> }>('timeline');
      for (const k of ['rss', 'vsz', 'memFree', 'cached', 'dirty', 'swapUsed']) assert.equal(t.drawn[k], 4, k);
      for (const name of ['MemFree', 'Cached', 'Dirty', 'swap used (SwapTotal − SwapFree)']) {
        assert.equal(await v.page.getByRole('button', { name }).getAttribute('aria-pressed'), 'true', name);
      }
      const canvases = v.page.locator('canvas');
      assert.equal(await canvases.count(), 2);
      assert.match((await canvases.nth(1).getAttribute('aria-label'))!, /MemFree, Cached, Dirty and swap used/);
      // the last swap point is drawn in the swap colour where the hook says it is
      const at = await v.page.evaluate(() => (globalThis as unknown as { __heapstep: { timeline: { pointAt(k: string, i: number): { chart: string; x: number; y: number } } } }).__heapstep.timeline.pointAt('swapUsed', 3));
      assert.equal(at.chart, 'machine');
      const pixel = await canvases.nth(1).evaluate((c, q) => {
        const cv = c as HTMLCanvasElement, r = window.devicePixelRatio || 1;
        return [...cv.getContext('2d')!.getImageData(Math.round(q.x * r), Math.round(q.y * r), 1, 1).data.slice(0, 3)];
      }, at);
      const want = await rgbOf(v, await cssVar(v, '--hs-page-swap'));
      assert.ok(pixel.every((c, i) => Math.abs(c - want[i]) <= 3), `pixel ${pixel} want ${want}`);
      // turning swap used off leaves it undrawn
      await v.page.getByRole('button', { name: 'swap used (SwapTotal − SwapFree)' }).click();
      assert.equal((await v.hook<{ drawn: Record<string, number> }>('timeline')).drawn.swapUsed, 0);
      // the table has the machine's columns
      const head = await v.page.locator('table tr').first().textContent();
      assert.ok(head!.includes('MemFree') && head!.includes('swap used'), head!);
      const x = await v.page.evaluate(() => (globalThis as unknown as { __heapstep: { timeline: { xOf(i: number): number } } }).__heapstep.timeline.xOf(1));
      const box = (await canvases.nth(1).boundingBox())!;
      await v.page.mouse.click(box.x + x, box.y + 100);
      assert.deepEqual(await last(v.posted), { type: 'travel', step: s.timeline[1].step });
      assert.deepEqual(v.errors, []);
      await v.page.close();
    });
  });

  describe('content security policy', () => {
    for (const view of ['heapMap', 'bins', 'addressSpace', 'pageWalk', 'timeline'] as const) {
      it(`${view}: an injected inline script does not run and is reported`, async () => {
        const v = await h.open(view, { injectInline: '<script>window.__inlineRan = true; alert("inline")</script>' });
        await v.sendState(fastbins);
        assert.equal(await v.page.evaluate('window.__inlineRan === true'), false);
        assert.deepEqual(v.alerts, []);
        const viol = await v.violations();
        assert.ok(viol.some((x) => x.startsWith('script-src')), `violations: ${JSON.stringify(viol)}`);
        await v.page.close();
      });
    }
  });
});
