// Timeline: at every stop so far, one point per stop in step order, two charts over the same
// steps. The process: RSS, VSZ, heap size (brk − heap start) and free bytes. The machine, from
// /proc/meminfo: MemFree, Cached, Dirty and swap used, which is where memory pressure shows (the
// page cache filling free memory, then giving it back; swap growing as RSS stops growing).
// A click on a point of either chart (or Enter on a selected one, or a row of the table) asks
// the debugger to travel to that step.
import type { HeapState, TimelinePoint } from '../src/protocol/state';
import { bytes, el, hex, hook, post, start, themeColor } from './common';

type Key = 'rss' | 'vsz' | 'heapSize' | 'freeBytes' | 'memFree' | 'cached' | 'dirty' | 'swapUsed';
interface Series { key: Key; label: string; colour: string; fallback: string; dash?: number[] }
interface Chart { id: 'process' | 'machine'; title: string; series: Series[]; canvas: HTMLCanvasElement }

const PROCESS: Series[] = [
  { key: 'rss', label: 'RSS', colour: '--hs-small', fallback: '#89d185' },
  { key: 'vsz', label: 'VSZ', colour: '--hs-top', fallback: '#8b8b8b' },
  { key: 'heapSize', label: 'heap size (brk − heap start)', colour: '--hs-alloc', fallback: '#3794ff' },
  { key: 'freeBytes', label: 'free bytes', colour: '--hs-tcache', fallback: '#cca700' },
];
// the address space view's page colours: cache blue, dirty orange, swap purple
const MACHINE: Series[] = [
  { key: 'memFree', label: 'MemFree', colour: '--hs-mem-free', fallback: '#11a8cd' },
  { key: 'cached', label: 'Cached', colour: '--hs-page-file', fallback: '#3794ff' },
  { key: 'dirty', label: 'Dirty', colour: '--hs-page-dirty', fallback: '#d18616', dash: [5, 3] },
  { key: 'swapUsed', label: 'swap used (SwapTotal − SwapFree)', colour: '--hs-page-swap', fallback: '#b180d7', dash: [2, 2] },
];
const PAD = { l: 64, r: 12, t: 10, b: 22 };
const H = 200;

const root = el('main', { attrs: { 'aria-label': 'Timeline' } });
const shown = new Set<Key>([...PROCESS, ...MACHINE].map((s) => s.key));
let logY = true;
const toolbar = el('div', { cls: 'toolbar', attrs: { role: 'toolbar', 'aria-label': 'Series' } });
const plot = (label: string): HTMLCanvasElement => el('canvas', {
  attrs: { tabindex: '0', role: 'application', 'aria-roledescription': 'plot', 'aria-label': `${label} over the stops. Left and right arrows select a stop, Enter travels to it.` },
});
const charts: Chart[] = [
  { id: 'process', title: 'Process', series: PROCESS, canvas: plot('Process memory') },
  { id: 'machine', title: 'Machine (/proc/meminfo)', series: MACHINE, canvas: plot('Machine memory: MemFree, Cached, Dirty and swap used') },
];
const readout = el('p', { cls: 'mono', attrs: { 'aria-live': 'polite' } });
const table = el('table', { cls: 'mono' });
root.append(toolbar, ...charts.flatMap((c) => [el('h2', { cls: 'chart-title', text: c.title }), c.canvas]), readout,
  el('details', {}, el('summary', { text: 'Stops as a table' }), table));
document.body.append(root);

let points: TimelinePoint[] = [];
let current = -1;
let cursor = -1;

function xOf(i: number, w: number): number {
  return points.length <= 1 ? PAD.l + (w - PAD.l - PAD.r) / 2 : PAD.l + (i / (points.length - 1)) * (w - PAD.l - PAD.r);
}

// each chart's vertical scale at its last drawing, for the test hook
const scales = new Map<Chart['id'], (v: number) => number>();
const drawn: Partial<Record<Key, number>> = {};

function drawChart(c: Chart): void {
  const canvas = c.canvas;
  const w = Math.max(200, canvas.clientWidth);
  const dpr = window.devicePixelRatio || 1;
  canvas.style.height = `${H}px`;
  canvas.width = Math.round(w * dpr); canvas.height = Math.round(H * dpr);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, H);
  const fg = themeColor('--vscode-foreground', '#ccc');
  const series = c.series.filter((s) => shown.has(s.key));
  const vals = points.flatMap((p) => series.map((s) => p[s.key] ?? 0));
  const max = Math.max(1, ...vals);
  const f = (v: number) => (logY ? Math.log2(Math.max(v, 1)) / Math.log2(Math.max(max, 2)) : v / max);
  const yOf = (v: number) => H - PAD.b - f(v) * (H - PAD.t - PAD.b);
  scales.set(c.id, yOf);
  ctx.strokeStyle = fg; ctx.globalAlpha = 0.3; ctx.lineWidth = 1;
  ctx.beginPath(); ctx.moveTo(PAD.l, PAD.t); ctx.lineTo(PAD.l, H - PAD.b); ctx.lineTo(w - PAD.r, H - PAD.b); ctx.stroke();
  ctx.globalAlpha = 1;
  ctx.fillStyle = fg; ctx.font = '10px sans-serif'; ctx.textBaseline = 'middle';
  ctx.fillText(bytes(max), 2, PAD.t + 4);
  ctx.fillText(logY ? '1 B (log)' : '0', 2, H - PAD.b);
  // the current stop and the selected one, under the series so their points stay visible
  for (const [i, alpha] of [[current, 0.6], [cursor, 1]] as const) {
    if (i < 0 || i >= points.length) continue;
    ctx.strokeStyle = fg; ctx.globalAlpha = alpha; ctx.lineWidth = i === cursor ? 2 : 1;
    ctx.setLineDash(i === cursor ? [] : [3, 3]);
    ctx.beginPath(); ctx.moveTo(xOf(i, w), PAD.t); ctx.lineTo(xOf(i, w), H - PAD.b); ctx.stroke();
    ctx.setLineDash([]); ctx.globalAlpha = 1;
  }
  for (const s of c.series) {
    drawn[s.key] = 0;
    if (!shown.has(s.key)) continue;
    ctx.strokeStyle = ctx.fillStyle = themeColor(s.colour, s.fallback);
    ctx.lineWidth = 2;
    ctx.setLineDash(s.dash ?? []);
    ctx.beginPath();
    points.forEach((p, i) => (i ? ctx.lineTo(xOf(i, w), yOf(p[s.key] ?? 0)) : ctx.moveTo(xOf(i, w), yOf(p[s.key] ?? 0))));
    ctx.stroke();
    ctx.setLineDash([]);
    points.forEach((p, i) => { ctx.beginPath(); ctx.arc(xOf(i, w), yOf(p[s.key] ?? 0), 3, 0, 2 * Math.PI); ctx.fill(); });
    drawn[s.key] = points.length;
  }
  ctx.fillStyle = fg; ctx.textBaseline = 'top';
  if (points.length) { ctx.fillText(`step ${points[0].step}`, PAD.l, H - PAD.b + 4); const t = `step ${points[points.length - 1].step}`; ctx.fillText(t, w - PAD.r - ctx.measureText(t).width, H - PAD.b + 4); }
}

function draw(): void {
  for (const c of charts) drawChart(c);
  const w = Math.max(200, charts[0].canvas.clientWidth);
  hook.timeline = {
    points: points.length, current, cursor, xOf: (i: number) => xOf(i, w), drawn: { ...drawn },
    // where a series' point i was drawn, in CSS pixels of its chart
    pointAt: (key: Key, i: number) => {
      const c = charts.find((ch) => ch.series.some((s) => s.key === key))!;
      const y = scales.get(c.id);
      return y && points[i] ? { chart: c.id, x: xOf(i, Math.max(200, c.canvas.clientWidth)), y: y(points[i][key] ?? 0) } : null;
    },
  };
}

function describe(p: TimelinePoint): string {
  const machine = p.memFree === undefined ? ''
    : `; MemFree ${bytes(p.memFree)}, Cached ${bytes(p.cached)}, Dirty ${bytes(p.dirty)}, swap used ${bytes(p.swapUsed)}`;
  return `step ${p.step}: RSS ${bytes(p.rss)}, VSZ ${bytes(p.vsz)}, heap ${bytes(p.heapSize)}, free ${bytes(p.freeBytes)}, brk ${hex(p.brk)}${machine}`;
}

function pick(i: number): void {
  cursor = Math.max(0, Math.min(points.length - 1, i));
  readout.textContent = points[cursor] ? describe(points[cursor]) + (cursor === current ? ' (current)' : '') : '';
  draw();
}

function travel(i: number): void {
  const p = points[i];
  if (p && i !== current) post({ type: 'travel', step: p.step });
}

// The series buttons are the legend: a swatch (dashed like its line) and the name; pressed
// ones are drawn.
function buildToolbar(): void {
  const button = (s: Series): HTMLElement => {
    // a short stretch of the line itself: its colour and its dashes
    const sw = el('span', { cls: 'swatch line', attrs: { 'aria-hidden': 'true' } });
    sw.style.borderTopColor = themeColor(s.colour, s.fallback);
    sw.style.borderTopStyle = !s.dash ? 'solid' : s.dash[0] > 2 ? 'dashed' : 'dotted';
    const b = el('button', { attrs: { 'aria-pressed': String(shown.has(s.key)), 'data-series': s.key } }, sw, s.label);
    b.addEventListener('click', () => { if (shown.has(s.key)) shown.delete(s.key); else shown.add(s.key); buildToolbar(); draw(); });
    return b;
  };
  const log = el('button', { text: 'Log scale', attrs: { 'aria-pressed': String(logY) } });
  log.addEventListener('click', () => { logY = !logY; buildToolbar(); draw(); });
  toolbar.replaceChildren(
    ...charts.map((c) => el('span', { cls: 'legend', attrs: { role: 'group', 'aria-label': `${c.title} series` } }, ...c.series.map(button))),
    log,
  );
}

for (const c of charts) {
  c.canvas.addEventListener('click', (e) => {
    const r = c.canvas.getBoundingClientRect();
    const x = e.clientX - r.left;
    let best = -1, bestD = 12;
    points.forEach((_, i) => { const d = Math.abs(xOf(i, r.width) - x); if (d < bestD) { bestD = d; best = i; } });
    if (best < 0) return;
    pick(best);
    travel(best);
  });
  c.canvas.addEventListener('keydown', (e) => {
    if (e.key === 'ArrowLeft') pick(cursor - 1);
    else if (e.key === 'ArrowRight') pick(cursor + 1);
    else if (e.key === 'Home') pick(0);
    else if (e.key === 'End') pick(points.length - 1);
    else if (e.key === 'Enter') travel(cursor);
    else return;
    e.preventDefault();
  });
}
new ResizeObserver(() => draw()).observe(document.body);

const COLUMNS = ['step', 'RSS', 'VSZ', 'heap size', 'free bytes', 'brk', 'MemFree', 'Cached', 'Dirty', 'swap used', ''];

function render(s: HeapState): void {
  points = s.timeline;
  current = points.findIndex((p) => p.step === s.step);
  cursor = current;
  const head = el('tr', {}, ...COLUMNS.map((h) => el('th', { text: h, attrs: { scope: 'col' } })));
  const cell = (v: number | undefined) => el('td', { text: v === undefined ? '' : bytes(v) });
  table.replaceChildren(head, ...points.map((p, i) => {
    const b = el('button', { text: i === current ? 'current' : 'travel', attrs: { 'aria-label': `travel to step ${p.step}` } });
    b.disabled = i === current;
    b.addEventListener('click', () => travel(i));
    return el('tr', {}, el('td', { text: String(p.step) }), cell(p.rss), cell(p.vsz), cell(p.heapSize), cell(p.freeBytes), el('td', { text: hex(p.brk) }),
      cell(p.memFree), cell(p.cached), cell(p.dirty), cell(p.swapUsed), el('td', {}, b));
  }));
  readout.textContent = points[current] ? describe(points[current]) + ' (current)' : '';
  draw();
}

buildToolbar();
start(root, render);
