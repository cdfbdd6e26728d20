// Address space: the process's mappings from the stack down to the program image, to scale.
// Linear shows how empty a 47-bit address space is; log gives each mapping and each gap a
// height by the logarithm of its size, so a 4 KiB page and a 1 GiB gap both stay visible.
// Along each mapping runs a strip of its pages, coloured by what they are now: resident
// anonymous, page cache (clean or dirty), swapped out, or not present.
import { PAGE_CLASSES, type HeapState, type Mapping, type PageClass, type PageCounts } from '../src/protocol/state';
import { bytes, el, hex, hook, post, save, saved, start } from './common';

type Scale = 'linear' | 'log';
const HEIGHT = 640;
const MIN_PX = 2;

const root = el('main', { attrs: { 'aria-label': 'Address space' } });
document.body.append(root);

let scale: Scale = saved<{ scale: Scale }>()?.scale ?? 'log';
let last: HeapState | null = null;

interface Segment { start: number; end: number; map?: Mapping; px: number }

// what each class is called in the legend and in a mapping's title
const CLASS_TEXT: Record<PageClass, string> = {
  anon: 'resident (anonymous)', file: 'page cache, clean', dirty: 'page cache, dirty', swap: 'swapped out', none: 'not present',
};
const CLASS_HELP: Record<PageClass, string> = {
  anon: 'in RAM, no copy elsewhere: reclaim must swap it out',
  file: 'a page of the mapped file in RAM, the same as on the disk: reclaim may drop it',
  dirty: 'a page of the mapped file newer than the disk: written back before it can go',
  swap: 'in swap: a touch is a major fault that reads it back',
  none: 'never touched, or dropped since: a touch is a page fault',
};

function countsText(c: PageCounts): string {
  return PAGE_CLASSES.filter((k) => c[k]).map((k) => `${c[k]} ${CLASS_TEXT[k]}`).join(', ');
}

function legend(): HTMLElement {
  return el('ul', { cls: 'legend pages-legend', attrs: { 'aria-label': 'Page colours' } }, ...PAGE_CLASSES.map((k) =>
    el('li', { attrs: { title: CLASS_HELP[k] } }, el('span', { cls: `swatch pg-${k}`, attrs: { 'aria-hidden': 'true' } }), CLASS_TEXT[k],
      el('span', { cls: 'sr-only', text: `: ${CLASS_HELP[k]}` }))));
}

let drawnRuns = 0;
// The mapping's pages as a strip of runs, each as wide as its share of the pages.
function strip(m: Mapping): HTMLElement {
  const s = el('span', { cls: 'pages', attrs: { 'aria-hidden': 'true' } });
  let page = 0;
  for (const r of m.pageRuns) {
    const from = m.start + page * 4096;
    const title = `${hex(from)}-${hex(from + r.pages * 4096)}: ${r.pages} page${r.pages === 1 ? '' : 's'} ${CLASS_TEXT[r.cls]}${m.runsApproximate ? ' (mostly)' : ''}`;
    const run = el('span', { cls: `run pg-${r.cls}`, attrs: { title } });
    run.style.width = `${m.pages ? (100 * r.pages) / m.pages : 0}%`;
    s.append(run);
    page += r.pages;
    drawnRuns++;
  }
  return s;
}

function segments(maps: Mapping[]): Segment[] {
  const out: Segment[] = [];
  const sorted = [...maps].sort((a, b) => b.start - a.start);   // highest first, as the stack sits on top
  for (let i = 0; i < sorted.length; i++) {
    const m = sorted[i];
    const below = sorted[i + 1];
    out.push({ start: m.start, end: m.end, map: m, px: 0 });
    if (below && below.end < m.start) out.push({ start: below.end, end: m.start, px: 0 });
  }
  const weight = (s: Segment) => (scale === 'log' ? Math.log2((s.end - s.start) / 4096 + 1) + 1 : s.end - s.start);
  const total = out.reduce((t, s) => t + weight(s), 0) || 1;
  for (const s of out) s.px = Math.max(MIN_PX, (weight(s) / total) * HEIGHT);
  return out;
}

// y of an address inside the drawn column (segments are highest first)
function yOf(segs: Segment[], addr: number): number | null {
  let y = 0;
  for (const s of segs) {
    if (addr >= s.start && addr <= s.end) return y + ((s.end - addr) / Math.max(1, s.end - s.start)) * s.px;
    y += s.px;
  }
  return null;
}

function vmaBox(s: Segment): HTMLElement {
  if (!s.map) {
    const g = el('div', { cls: 'vma gap', text: s.px >= 14 ? `unmapped ${bytes(s.end - s.start)}` : '', attrs: { 'aria-hidden': 'true' } });
    g.style.height = `${s.px}px`;
    return g;
  }
  const m = s.map;
  const size = m.end - m.start;
  const text = `${hex(m.start)}-${hex(m.end)} ${m.perms} ${m.name || '[anon]'} · ${bytes(size)} · ${m.residentPages}/${m.pages} pages resident`;
  const label = `${text}. Pages: ${countsText(m.pageCounts)}${m.runsApproximate ? ' (the strip is approximate)' : ''}`;
  const b = el('button', { cls: `vma mono ${m.kind}`, attrs: { 'aria-label': label, title: label } });
  if (s.px >= 19) b.append(el('span', { cls: 'vma-text', text }));   // a line and the strip fit
  b.append(strip(m));
  b.style.height = `${s.px}px`;
  b.addEventListener('click', () => post({ type: 'selectAddress', addr: m.start }));
  return b;
}

function render(s: HeapState): void {
  last = s;
  const pct = s.vsz ? ((100 * s.rss) / s.vsz).toFixed(1) : '0';
  const bar = el('div', { cls: 'bar', attrs: { role: 'img', 'aria-label': `RSS ${bytes(s.rss)} of VSZ ${bytes(s.vsz)} (${pct}%)` } });
  const fill = el('span');
  fill.style.width = `${s.vsz ? (100 * s.rss) / s.vsz : 0}%`;
  bar.append(fill);
  const toggle = (k: Scale, label: string) => {
    const b = el('button', { text: label, attrs: { 'aria-pressed': String(scale === k) } });
    b.addEventListener('click', () => { scale = k; save({ scale }); if (last) render(last); });
    return b;
  };
  drawnRuns = 0;
  const segs = segments(s.mappings);
  const column = el('div', { cls: 'aspace', attrs: { role: 'group', 'aria-label': `${s.mappings.length} mappings, highest address first` } });
  for (const sg of segs) column.append(vmaBox(sg));
  const markers: [string, number][] = [['stack top', s.layout.stackTop], ['mmap base', s.layout.mmapBase], ['brk', s.layout.brk], ['heap start', s.layout.heapBase]];
  for (const [name, addr] of markers) {
    const y = yOf(segs, addr);
    if (y === null) continue;
    const m = el('div', { cls: 'marker mono', text: `◀ ${name} ${hex(addr)}`, attrs: { 'aria-hidden': 'true' } });
    m.style.position = 'absolute'; m.style.right = '4px'; m.style.top = `${Math.max(0, y - 8)}px`;
    column.append(m);
  }
  const mi = s.meminfo;
  const machine = `Machine: MemFree ${bytes(mi.memFree)} of ${bytes(mi.memTotal)} · Cached ${bytes(mi.cached)} (dirty ${bytes(mi.dirty)})`
    + (mi.swapTotal ? ` · swap used ${bytes(mi.swapTotal - mi.swapFree)} of ${bytes(mi.swapTotal)}` : ' · no swap');
  const totals: PageCounts = { anon: 0, file: 0, dirty: 0, swap: 0, none: 0 };
  for (const m of s.mappings) for (const k of PAGE_CLASSES) totals[k] += m.pageCounts[k];
  root.replaceChildren(
    el('div', { cls: 'toolbar', attrs: { role: 'toolbar', 'aria-label': 'Scale' } }, toggle('linear', 'Linear'), toggle('log', 'Log')),
    el('p', { text: `VSZ ${bytes(s.vsz)} · RSS ${bytes(s.rss)} (${pct}% resident)` }), bar,
    el('p', { text: machine }),
    legend(),
    el('p', { cls: 'mono', text: markers.map(([n, a]) => `${n} ${hex(a)}`).join(' · ') }),
    column,
  );
  hook.addrspace = { mappings: column.querySelectorAll('button.vma').length, scale, runs: drawnRuns, totals };
}

start(root, render);
