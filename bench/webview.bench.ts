// Heap map draw time in headless Chromium for heaps of about 1,000, 10,000 and 100,000
// chunks, made by the emulator (every chunk visible: the view fitted to the whole heap, the
// worst case). "draw" is the view's own redraw; "+ raster" also waits for the canvas pixels
// (getImageData forces Chromium to rasterise); "render" is a new state arriving (arrays built,
// fitted, drawn). Medians of several runs.
import { buildState } from '../src/debug/state-request';
import type { HeapState } from '../src/protocol/state';
import { startHarness } from '../test/webview/harness';
import { manyChunks, scenario } from '../test/webview/states';

const SIZES = [1000, 10000, 100000];
const RUNS = 7;

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function run(): Promise<Record<string, number | string>> {
  const out: Record<string, number | string> = {};
  const h = await startHarness();
  try {
    for (const n of SIZES) {
      const sc = scenario(manyChunks(n));
      sc.interp.run(1e9);
      const state: HeapState = buildState(sc);
      const v = await h.open('heapMap');
      await v.sendState(state);
      const times = await v.page.evaluate(async ({ s, runs }) => {
        const w = globalThis as unknown as {
          __heapstep: { redraw(): number; renders: number };
          __bench: unknown;
          dispatchEvent(e: unknown): void;
          document: { querySelector(q: string): { getContext(k: string): { getImageData(x: number, y: number, w: number, h: number): unknown } } };
        };
        const ctx = w.document.querySelector('canvas').getContext('2d');
        const draw: number[] = [], raster: number[] = [], render: number[] = [];
        for (let i = 0; i < runs; i++) {
          draw.push(w.__heapstep.redraw());
          const t0 = performance.now();
          w.__heapstep.redraw();
          ctx.getImageData(0, 0, 1, 1);
          raster.push(performance.now() - t0);
          const t1 = performance.now();
          w.dispatchEvent(new MessageEvent('message', { data: { type: 'state', state: s } }));
          ctx.getImageData(0, 0, 1, 1);
          render.push(performance.now() - t1);
          await new Promise((r) => setTimeout(r, 0));
        }
        return { draw, raster, render };
      }, { s: state, runs: RUNS });
      const drawn = await v.hook<{ drawnChunks: number; rects: number }>('heapmap');
      const label = `webview: heap map, ${state.chunks.length.toLocaleString('en-US')} chunks`;
      out[`${label}, draw (ms)`] = +median(times.draw).toFixed(2);
      out[`${label}, draw + raster (ms)`] = +median(times.raster).toFixed(2);
      out[`${label}, new state render (ms)`] = +median(times.render).toFixed(2);
      out[`${label}, rectangles filled`] = drawn.rects;
      await v.page.close();
    }
  } finally {
    await h.close();
  }
  return out;
}
