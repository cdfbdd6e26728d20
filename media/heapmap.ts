// Heap map: every chunk of the main heap to scale on a canvas, the mmapped chunks on a lane
// of their own. Wheel scrolls, Ctrl+wheel (or + and -) zooms, drag pans; arrows select a
// chunk, Enter or a click opens its memory.
import { IS_MMAPPED, NON_MAIN_ARENA, PREV_INUSE, type Chunk, type HeapState } from '../src/protocol/state';
import { bytes, el, hex, hook, post, save, saved, start, themeColor } from './common';
import {
  Batches, Paint, PixelPainter, blend, bytesPerRow, chunkAt, chunkPoint, layoutVisible, packed, pitch, rgba, rowCount, strokeChanged, stripOf,
  type Geometry, type Strip,
} from './heapmap-draw';

const PAINT_VARS: [string, string, string][] = [
  ['--hs-alloc', '#3794ff', 'allocated'], ['--hs-tcache', '#cca700', 'tcache'], ['--hs-fastbin', '#d18616', 'fastbin'],
  ['--hs-unsorted', '#b180d7', 'unsorted'], ['--hs-small', '#89d185', 'small bin'], ['--hs-large', '#f14c4c', 'large bin'],
  ['--hs-top', '#8b8b8b', 'top chunk'], ['--hs-mmapped', '#11a8cd', 'mmapped'],
];
const MIN_BPP = 1 / 4;
const LANE_H = 30;

const root = el('main', { attrs: { 'aria-label': 'Heap map' } });
document.body.append(root);

const zoomIn = el('button', { text: '+', attrs: { 'aria-label': 'Zoom in', title: 'Zoom in (+)' } });
const zoomOut = el('button', { text: '−', attrs: { 'aria-label': 'Zoom out', title: 'Zoom out (-)' } });
const fitBtn = el('button', { text: 'Fit', attrs: { title: 'Show the whole heap (0)' } });
const memBtn = el('button', { text: 'Open memory', attrs: { disabled: '' } });
const walkBtn = el('button', { text: 'Page walk', attrs: { disabled: '', title: 'Walk the page tables for this chunk' } });
const scale = el('span', { cls: 'muted' });
const toolbar = el('div', { cls: 'toolbar', attrs: { role: 'toolbar', 'aria-label': 'Heap map tools' } }, zoomIn, zoomOut, fitBtn, memBtn, walkBtn, scale);
const legend = el('div', { cls: 'legend', attrs: { 'aria-hidden': 'true' } });
const canvas = el('canvas', {
  attrs: {
    tabindex: '0', role: 'application', 'aria-roledescription': 'heap map',
    'aria-label': 'Heap map. Left and right arrows select a chunk, Enter opens its memory, plus and minus zoom, Page Up and Page Down scroll.',
  },
});
const summary = el('p', { cls: 'sr-only', attrs: { 'aria-live': 'polite' } });
const empty = el('p', { cls: 'muted status' });
const details = el('div', { cls: 'details mono', attrs: { 'aria-live': 'polite', role: 'region', 'aria-label': 'Selected chunk' } });
canvas.setAttribute('aria-describedby', 'hs-details');
details.id = 'hs-details';
root.append(toolbar, legend, empty, canvas, summary, details);

let state: HeapState | null = null;
let strip: Strip = stripOf([]);
let all: Chunk[] = [];                 // heap chunks then mmapped ones: the keyboard's order
let selected = -1;
const geo: Geometry = { bpp: 16, width: 300, height: 300, laneH: 0, rowH: 14, gap: 2, scrollY: 0 };
const batches = new Batches();
let colours: string[] = [];
let fillPx: number[] = [], headerPx: number[] = [];
const painter = new PixelPainter();
let headerColour = '#ccc', changedColour = '#007fd4', textColour = '#ccc';
let fitted = false;

function readTheme(): void {
  colours = PAINT_VARS.map(([v, f]) => themeColor(v, f));
  headerColour = themeColor('--hs-header', '#cccccc');
  changedColour = themeColor('--hs-changed', '#007fd4');
  textColour = themeColor('--vscode-foreground', '#cccccc');
  const ctx = canvas.getContext('2d');
  if (ctx) {
    const h = rgba(ctx, headerColour);
    const fills = colours.map((c) => rgba(ctx, c));
    fillPx = fills.map(packed);
    headerPx = fills.map((f) => packed(blend(f, h, 0.45)));
  }
  legend.replaceChildren(...PAINT_VARS.map(([, , name], k) => {
    const sw = el('span', { cls: 'swatch' });
    sw.style.background = colours[k];
    return el('span', {}, sw, name);
  }), (() => { const sw = el('span', { cls: 'swatch' }); sw.style.background = headerColour; sw.style.opacity = '0.6'; return el('span', {}, sw, 'header (prev_size, size)'); })(),
  (() => { const sw = el('span', { cls: 'swatch' }); sw.style.outline = `2px solid ${changedColour}`; return el('span', {}, sw, 'changed since the last stop'); })());
}

function resize(): void {
  const w = Math.max(100, canvas.clientWidth);
  const h = Math.max(160, Math.floor(window.innerHeight - canvas.getBoundingClientRect().top - 80));
  canvas.style.height = `${h}px`;
  geo.width = w; geo.height = h;
  const dpr = window.devicePixelRatio || 1;
  canvas.width = Math.round(w * dpr); canvas.height = Math.round(h * dpr);
}

function fit(): void {
  const rows = Math.max(1, Math.floor((geo.height - geo.laneH) / pitch(geo)));
  geo.bpp = Math.max(MIN_BPP, strip.span / (geo.width * rows) * 1.0001);
  geo.scrollY = 0;
}

function clampScroll(): void {
  const max = Math.max(0, rowCount(strip, geo) * pitch(geo) - (geo.height - geo.laneH));
  geo.scrollY = Math.min(Math.max(0, geo.scrollY), max);
}

function draw(): number {
  const t0 = performance.now();
  const ctx = canvas.getContext('2d');
  if (!ctx) return 0;
  const dpr = window.devicePixelRatio || 1;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  const n = layoutVisible(strip, geo, batches);
  painter.paint(ctx, batches, fillPx, headerPx, dpr, geo.laneH);
  ctx.save();
  ctx.beginPath();
  ctx.rect(0, geo.laneH, geo.width, geo.height - geo.laneH);
  ctx.clip();
  strokeChanged(ctx, batches, changedColour);
  ctx.restore();
  const lane = drawLane(ctx);
  drawSelection(ctx);
  const ms = performance.now() - t0;
  hook.heapmap = { drawnChunks: n + lane, rects: batches.rects, drawMs: ms, bpp: geo.bpp, total: all.length };
  scale.textContent = `${geo.bpp >= 1 ? `${+geo.bpp.toPrecision(3)} bytes per pixel` : `${+(1 / geo.bpp).toPrecision(3)} pixels per byte`} · ${bytes(bytesPerRow(geo))} per row`;
  return ms;
}

// mmapped chunks live far from the heap; their lane gives each a width by size, not address
function laneBoxes(): { x: number; w: number; i: number }[] {
  if (!state || !state.mmapped.length) return [];
  const total = state.mmapped.reduce((s, c) => s + c.size, 0);
  const free = geo.width - 4 * state.mmapped.length;
  let x = 0;
  return state.mmapped.map((c, k) => {
    const w = Math.max(3, (c.size / total) * free);
    const box = { x, w, i: strip.offs.length + k };
    x += w + 4;
    return box;
  });
}

function drawLane(ctx: CanvasRenderingContext2D): number {
  const boxes = laneBoxes();
  if (!boxes.length || !state) return 0;
  ctx.fillStyle = colours[Paint.Mmapped];
  for (const b of boxes) ctx.fillRect(b.x, 4, b.w, LANE_H - 12);
  ctx.fillStyle = textColour;
  ctx.font = '11px sans-serif';
  ctx.textBaseline = 'top';
  for (const b of boxes) {
    const c = all[b.i];
    const label = `mmap ${hex(c.addr)} ${bytes(c.size)}`;
    if (ctx.measureText(label).width < b.w - 6) { ctx.fillStyle = '#000'; ctx.fillText(label, b.x + 3, 6); }
    if (c.changed) { ctx.strokeStyle = changedColour; ctx.lineWidth = 2; ctx.strokeRect(b.x + 1, 5, b.w - 2, LANE_H - 14); }
  }
  return boxes.length;
}

function drawSelection(ctx: CanvasRenderingContext2D): void {
  if (selected < 0) return;
  ctx.strokeStyle = textColour;
  ctx.lineWidth = 2;
  if (selected >= strip.offs.length) {
    const b = laneBoxes().find((x) => x.i === selected);
    if (b) ctx.strokeRect(b.x, 3, b.w, LANE_H - 10);
    return;
  }
  const bpr = bytesPerRow(geo);
  let a = strip.offs[selected];
  const end = a + strip.sizes[selected];
  while (a < end) {
    const r = Math.floor(a / bpr);
    const e = Math.min(end, (r + 1) * bpr);
    if (!(e > a)) break;
    const y = geo.laneH + r * pitch(geo) - geo.scrollY;
    if (y > geo.height) break;
    if (y + geo.rowH >= geo.laneH) ctx.strokeRect((a - r * bpr) / geo.bpp, y - 1, Math.max((e - a) / geo.bpp, 2), geo.rowH + 2);
    a = e;
  }
}

function describe(c: Chunk): string {
  const f = [c.flags & PREV_INUSE && 'PREV_INUSE', c.flags & IS_MMAPPED && 'IS_MMAPPED', c.flags & NON_MAIN_ARENA && 'NON_MAIN_ARENA'].filter(Boolean).join(' | ');
  const where = c.state === 'top' ? 'top chunk' : c.state === 'mmapped' ? 'mmapped chunk' : c.bin ? `free, in ${c.bin.kind} bin ${c.bin.index}` : 'allocated';
  const lines = [`chunk ${hex(c.addr)}: ${where}`, `size ${hex(c.size)} (${c.size} bytes)${f ? `, flags ${f}` : ''}`];
  if (c.fd) lines.push(`fd ${c.fd.decoded}${c.fd.raw !== c.fd.decoded ? ` (stored ${c.fd.raw}, safe-linked)` : ''}`);
  if (c.bk) lines.push(`bk ${c.bk.decoded}`);
  if (c.preview) lines.push(`data "${c.preview}"`);
  if (c.changed) lines.push('changed since the last stop');
  return lines.join('\n');
}

function select(i: number, scroll: boolean): void {
  selected = i < 0 || i >= all.length ? -1 : i;
  const c = all[selected];
  details.textContent = c ? describe(c) : '';
  memBtn.disabled = walkBtn.disabled = !c;
  if (c && scroll && selected < strip.offs.length) {
    const r = Math.floor(strip.offs[selected] / bytesPerRow(geo));
    const y = r * pitch(geo);
    if (y < geo.scrollY) geo.scrollY = y;
    else if (y + geo.rowH > geo.scrollY + geo.height - geo.laneH) geo.scrollY = y + geo.rowH - (geo.height - geo.laneH);
    clampScroll();
  }
  draw();
}

function reveal(i: number): void {
  const c = all[i];
  if (c) post({ type: 'reveal', addr: c.addr, size: c.size });
}

function hit(x: number, y: number): number {
  if (y < geo.laneH) return laneBoxes().find((b) => x >= b.x && x < b.x + b.w)?.i ?? -1;
  const p = pitch(geo);
  const yy = y - geo.laneH + geo.scrollY;
  const r = Math.floor(yy / p);
  if (yy - r * p > geo.rowH) return -1;
  return chunkAt(strip, r * bytesPerRow(geo) + x * geo.bpp);
}

// zooms by `factor`, keeping the byte under (x, y) where it is
function zoom(factor: number, x = geo.width / 2, y = geo.laneH + (geo.height - geo.laneH) / 2): void {
  const p = pitch(geo);
  const yy = Math.max(0, y - geo.laneH) + geo.scrollY;
  const byte = Math.floor(yy / p) * bytesPerRow(geo) + x * geo.bpp;
  const maxBpp = Math.max(MIN_BPP, strip.span / geo.width);
  geo.bpp = Math.min(maxBpp, Math.max(MIN_BPP, geo.bpp / factor));
  geo.scrollY = Math.floor(byte / bytesPerRow(geo)) * p - (y - geo.laneH);
  clampScroll();
  remember();
  draw();
}

function remember(): void { save({ bpp: geo.bpp, scrollY: geo.scrollY }); }

canvas.addEventListener('click', (e) => {
  const r = canvas.getBoundingClientRect();
  const i = hit(e.clientX - r.left, e.clientY - r.top);
  if (i < 0) return;
  select(i, false);
  reveal(i);
});
canvas.addEventListener('wheel', (e) => {
  e.preventDefault();
  const r = canvas.getBoundingClientRect();
  if (e.ctrlKey || e.metaKey) zoom(e.deltaY < 0 ? 1.25 : 0.8, e.clientX - r.left, e.clientY - r.top);
  else { geo.scrollY += e.deltaY; clampScroll(); remember(); draw(); }
}, { passive: false });
let drag: { y: number; scroll: number } | null = null;
canvas.addEventListener('pointerdown', (e) => { drag = { y: e.clientY, scroll: geo.scrollY }; });
canvas.addEventListener('pointermove', (e) => {
  if (!drag || !(e.buttons & 1)) return;
  geo.scrollY = drag.scroll - (e.clientY - drag.y);
  clampScroll(); draw();
});
canvas.addEventListener('pointerup', () => { drag = null; remember(); });
// the chunk under the pointer as a tooltip, read from the same hit test as a click
canvas.addEventListener('mousemove', (e) => {
  if (e.buttons) return;
  const r = canvas.getBoundingClientRect();
  const c = all[hit(e.clientX - r.left, e.clientY - r.top)];
  canvas.title = c ? describe(c) : '';
});
canvas.addEventListener('keydown', (e) => {
  const page = Math.max(1, geo.height - geo.laneH - 2 * pitch(geo));
  const handled = (() => {
    switch (e.key) {
      case 'ArrowRight': case 'ArrowDown': select(Math.min(all.length - 1, selected + 1), true); return true;
      case 'ArrowLeft': case 'ArrowUp': select(Math.max(0, selected - 1), true); return true;
      case 'Home': select(0, true); return true;
      case 'End': select(all.length - 1, true); return true;
      case 'Enter': case ' ': reveal(selected); return true;
      case '+': case '=': zoom(2); return true;
      case '-': zoom(0.5); return true;
      case '0': fit(); draw(); return true;
      case 'PageDown': geo.scrollY += page; clampScroll(); draw(); return true;
      case 'PageUp': geo.scrollY -= page; clampScroll(); draw(); return true;
      default: return false;
    }
  })();
  if (handled) e.preventDefault();
});
zoomIn.addEventListener('click', () => zoom(2));
zoomOut.addEventListener('click', () => zoom(0.5));
fitBtn.addEventListener('click', () => { fit(); remember(); draw(); });
memBtn.addEventListener('click', () => reveal(selected));
walkBtn.addEventListener('click', () => { const c = all[selected]; if (c) post({ type: 'selectAddress', addr: c.addr }); });
new ResizeObserver(() => { resize(); clampScroll(); draw(); }).observe(document.body);
new MutationObserver(() => { readTheme(); draw(); }).observe(document.body, { attributes: true, attributeFilter: ['class'] });

function render(s: HeapState): void {
  const prevAddr = all[selected]?.addr;
  state = s;
  strip = stripOf(s.chunks);
  all = [...s.chunks, ...s.mmapped];
  geo.laneH = s.mmapped.length ? LANE_H : 0;
  if (!fitted) {
    const v = saved<{ bpp: number; scrollY: number }>();
    if (v && v.bpp > 0) { geo.bpp = v.bpp; geo.scrollY = v.scrollY; } else fit();
    fitted = true;
  }
  clampScroll();
  const counts = { allocated: 0, free: 0, top: 0, mmapped: 0 };
  for (const c of all) counts[c.state]++;
  empty.textContent = all.length ? '' : 'The heap has not been initialized yet (no malloc so far).';
  summary.textContent = `Step ${s.step}: ${counts.allocated} allocated, ${counts.free} free in bins, ${counts.mmapped} mmapped chunks; ` +
    `heap ${bytes(s.brk - s.heapBase)}${s.truncated ? ' (walk stopped early)' : ''}.`;
  const again = prevAddr === undefined ? -1 : all.findIndex((c) => c.addr === prevAddr);
  select(again, false);
}

// for the tests and the benchmark: where a chunk is on screen, and a timed redraw
hook.chunkPoint = (i: number) => {
  if (i >= strip.offs.length) {
    const b = laneBoxes().find((x) => x.i === i);
    return b ? { x: b.x + b.w / 2, y: 10 } : null;
  }
  return chunkPoint(strip, geo, i);
};
hook.redraw = () => draw();
hook.zoom = (f: number) => zoom(f);

readTheme();
resize();
// a link elsewhere (Explain) names a chunk: select it and scroll it into view
start(root, render, (addr) => { const i = all.findIndex((c) => c.addr === addr); if (i >= 0) select(i, true); });
