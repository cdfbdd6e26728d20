// Timeline: RSS, VSZ, heap size (brk − heap start) and free bytes at every stop so far, one
// point per stop in step order. A click on a point (or Enter on a selected one, or a row of
// the table) asks the debugger to travel to that step.
import type { HeapState, TimelinePoint } from '../src/protocol/state';
import { bytes, el, hex, hook, post, start, themeColor } from './common';

type Key = 'rss' | 'vsz' | 'heapSize' | 'freeBytes';
const SERIES: [Key, string, string, string][] = [
  ['rss', 'RSS', '--hs-small', '#89d185'], ['vsz', 'VSZ', '--hs-top', '#8b8b8b'],
  ['heapSize', 'heap size (brk − heap start)', '--hs-alloc', '#3794ff'], ['freeBytes', 'free bytes', '--hs-tcache', '#cca700'],
];
const PAD = { l: 64, r: 12, t: 10, b: 22 };
const H = 220;

const root = el('main', { attrs: { 'aria-label': 'Timeline' } });
const shown = new Set<Key>(SERIES.map((s) => s[0]));
let logY = true;
const toolbar = el('div', { cls: 'toolbar', attrs: { role: 'toolbar', 'aria-label': 'Series' } });
const canvas = el('canvas', {
  attrs: { tabindex: '0', role: 'application', 'aria-roledescription': 'plot', 'aria-label': 'Memory over the stops. Left and right arrows select a stop, Enter travels to it.' },
});
const readout = el('p', { cls: 'mono', attrs: { 'aria-live': 'polite' } });
const table = el('table', { cls: 'mono' });
root.append(toolbar, canvas, readout, el('details', {}, el('summary', { text: 'Stops as a table' }), table));
document.body.append(root);

let points: TimelinePoint[] = [];
let current = -1;
let cursor = -1;

function xOf(i: number, w: number): number {
  return points.length <= 1 ? PAD.l + (w - PAD.l - PAD.r) / 2 : PAD.l + (i / (points.length - 1)) * (w - PAD.l - PAD.r);
}

function draw(): void {
  const w = Math.max(200, canvas.clientWidth);
  const dpr = window.devicePixelRatio || 1;
  canvas.style.height = `${H}px`;
  canvas.width = Math.round(w * dpr); canvas.height = Math.round(H * dpr);
  const ctx = canvas.getContext('2d');
  if (!ctx) return;
  ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
  ctx.clearRect(0, 0, w, H);
  const fg = themeColor('--vscode-foreground', '#ccc');
  const vals = points.flatMap((p) => SERIES.filter(([k]) => shown.has(k)).map(([k]) => p[k]));
  const max = Math.max(1, ...vals);
  const f = (v: number) => (logY ? Math.log2(Math.max(v, 1)) / Math.log2(Math.max(max, 2)) : v / max);
  const yOf = (v: number) => H - PAD.b - f(v) * (H - PAD.t - PAD.b);
  ctx.strokeStyle = fg; ctx.globalAlpha = 0.3; ctx.lineWidth = 1;
  ctx.beginPath(); ctx.moveTo(PAD.l, PAD.t); ctx.lineTo(PAD.l, H - PAD.b); ctx.lineTo(w - PAD.r, H - PAD.b); ctx.stroke();
  ctx.globalAlpha = 1;
  ctx.fillStyle = fg; ctx.font = '10px sans-serif'; ctx.textBaseline = 'middle';
  ctx.fillText(bytes(max), 2, PAD.t + 4);
  ctx.fillText(logY ? '1 B (log)' : '0', 2, H - PAD.b);
  for (const [k, , v, fb] of SERIES) {
    if (!shown.has(k)) continue;
    ctx.strokeStyle = ctx.fillStyle = themeColor(v, fb);
    ctx.lineWidth = 2;
    ctx.beginPath();
    points.forEach((p, i) => (i ? ctx.lineTo(xOf(i, w), yOf(p[k])) : ctx.moveTo(xOf(i, w), yOf(p[k]))));
    ctx.stroke();
    points.forEach((p, i) => { ctx.beginPath(); ctx.arc(xOf(i, w), yOf(p[k]), 3, 0, 2 * Math.PI); ctx.fill(); });
  }
  for (const [i, alpha] of [[current, 0.6], [cursor, 1]] as const) {
    if (i < 0 || i >= points.length) continue;
    ctx.strokeStyle = fg; ctx.globalAlpha = alpha; ctx.lineWidth = i === cursor ? 2 : 1;
    ctx.setLineDash(i === cursor ? [] : [3, 3]);
    ctx.beginPath(); ctx.moveTo(xOf(i, w), PAD.t); ctx.lineTo(xOf(i, w), H - PAD.b); ctx.stroke();
    ctx.setLineDash([]); ctx.globalAlpha = 1;
  }
  ctx.fillStyle = fg; ctx.textBaseline = 'top';
  if (points.length) { ctx.fillText(`step ${points[0].step}`, PAD.l, H - PAD.b + 4); const t = `step ${points[points.length - 1].step}`; ctx.fillText(t, w - PAD.r - ctx.measureText(t).width, H - PAD.b + 4); }
  hook.timeline = { points: points.length, current, cursor, xOf: (i: number) => xOf(i, w) };
}

function describe(p: TimelinePoint): string {
  return `step ${p.step}: RSS ${bytes(p.rss)}, VSZ ${bytes(p.vsz)}, heap ${bytes(p.heapSize)}, free ${bytes(p.freeBytes)}, brk ${hex(p.brk)}`;
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

function buildToolbar(): void {
  toolbar.replaceChildren(...SERIES.map(([k, label, v, fb]) => {
    const sw = el('span', { cls: 'swatch' });
    sw.style.background = themeColor(v, fb);
    const b = el('button', { attrs: { 'aria-pressed': String(shown.has(k)) } }, sw, label);
    b.addEventListener('click', () => { if (shown.has(k)) shown.delete(k); else shown.add(k); buildToolbar(); draw(); });
    return b;
  }), (() => {
    const b = el('button', { text: 'Log scale', attrs: { 'aria-pressed': String(logY) } });
    b.addEventListener('click', () => { logY = !logY; buildToolbar(); draw(); });
    return b;
  })());
}

canvas.addEventListener('click', (e) => {
  const r = canvas.getBoundingClientRect();
  const x = e.clientX - r.left;
  let best = -1, bestD = 12;
  points.forEach((_, i) => { const d = Math.abs(xOf(i, r.width) - x); if (d < bestD) { bestD = d; best = i; } });
  if (best < 0) return;
  pick(best);
  travel(best);
});
canvas.addEventListener('keydown', (e) => {
  if (e.key === 'ArrowLeft') pick(cursor - 1);
  else if (e.key === 'ArrowRight') pick(cursor + 1);
  else if (e.key === 'Home') pick(0);
  else if (e.key === 'End') pick(points.length - 1);
  else if (e.key === 'Enter') travel(cursor);
  else return;
  e.preventDefault();
});
new ResizeObserver(() => draw()).observe(document.body);

function render(s: HeapState): void {
  points = s.timeline;
  current = points.findIndex((p) => p.step === s.step);
  cursor = current;
  const head = el('tr', {}, ...['step', 'RSS', 'VSZ', 'heap size', 'free bytes', 'brk', ''].map((h) => el('th', { text: h, attrs: { scope: 'col' } })));
  table.replaceChildren(head, ...points.map((p, i) => {
    const b = el('button', { text: i === current ? 'current' : 'travel', attrs: { 'aria-label': `travel to step ${p.step}` } });
    b.disabled = i === current;
    b.addEventListener('click', () => travel(i));
    return el('tr', {}, el('td', { text: String(p.step) }), el('td', { text: bytes(p.rss) }), el('td', { text: bytes(p.vsz) }),
      el('td', { text: bytes(p.heapSize) }), el('td', { text: bytes(p.freeBytes) }), el('td', { text: hex(p.brk) }), el('td', {}, b));
  }));
  readout.textContent = points[current] ? describe(points[current]) + ' (current)' : '';
  draw();
}

buildToolbar();
start(root, render);
