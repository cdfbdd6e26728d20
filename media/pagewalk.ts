// Page walk: the four (i386: two) table levels the MMU reads to translate one address, each
// entry's bits, the frame it ends in, and whether the TLB holds the page right now. Reading it
// changes nothing: no accessed bit set, no TLB fill.
import type { HeapState, PageWalkLevelState } from '../src/protocol/state';
import { el, hex, hook, post, start } from './common';

const BITS: [keyof PageWalkLevelState['bits'], string][] = [
  ['P', 'present'], ['RW', 'writable'], ['US', 'user'], ['A', 'accessed'], ['D', 'dirty'], ['NX', 'no execute'],
];

const root = el('main', { attrs: { 'aria-label': 'Page walk' } });
const input = el('input', { cls: 'mono', attrs: { id: 'va', 'aria-label': 'Virtual address to walk', placeholder: '0x5555…', spellcheck: 'false' } });
const go = el('button', { text: 'Walk' });
const error = el('span', { cls: 'muted', attrs: { role: 'alert' } });
const form = el('form', { cls: 'toolbar' }, el('label', { text: 'Address ', attrs: { for: 'va' } }), input, go, error);
const body = el('div');
root.append(form, body);
document.body.append(root);

form.addEventListener('submit', (e) => {
  e.preventDefault();
  const t = input.value.trim();
  const v = /^(0x)?[0-9a-f]+$/i.test(t) ? parseInt(t.replace(/^0x/i, ''), 16) : NaN;
  if (!Number.isSafeInteger(v)) { error.textContent = 'enter a hexadecimal address'; return; }
  error.textContent = '';
  post({ type: 'selectAddress', addr: v });
});

function bitCell(l: PageWalkLevelState): HTMLElement {
  const td = el('td');
  for (const [k, name] of BITS) td.append(el('span', { cls: l.bits[k] ? 'bit on' : 'bit', text: k, attrs: { 'aria-label': `${name} ${l.bits[k] ? 'set' : 'clear'}`, title: name } }));
  return td;
}

function render(s: HeapState): void {
  const w = s.pagewalk;
  if (!w) { body.replaceChildren(el('p', { cls: 'muted', text: 'No address to walk.' })); return; }
  if (document.activeElement !== input) input.value = hex(w.va);
  const head = el('tr', {}, ...['Level', 'Index', 'Table (physical)', 'Entry', 'Bits', 'Points to'].map((h) => el('th', { text: h, attrs: { scope: 'col' } })));
  const rows = w.levels.map((l) => el('tr', {},
    el('th', { text: l.level, attrs: { scope: 'row' } }), el('td', { text: String(l.index) }),
    el('td', { cls: 'mono', text: hex(l.tableAddr) }), el('td', { cls: 'mono', text: l.entry }), bitCell(l),
    el('td', { cls: 'mono', text: l.next !== undefined ? hex(l.next) : '—' })));
  const table = el('table', {}, el('caption', { cls: 'sr-only', text: `Page walk of ${hex(w.va)}` }), el('thead', {}, head), el('tbody', {}, ...rows));
  const result = w.present
    ? `→ physical ${hex(w.pa!)} = frame ${hex(w.frame!)} + offset ${hex(w.va % 4096)}`
    : w.swapped ? '→ not present: the page is in swap (touching it is a major fault)'
    : w.mapping ? '→ not present: mapped but never touched (the first touch is a minor fault)'
    : '→ no mapping here (touching it is SIGSEGV)';
  const tlb = el('span', { cls: w.tlb === 'hit' ? 'tlb-hit' : 'tlb-miss', text: `TLB ${w.tlb}` });
  body.replaceChildren(
    el('p', { cls: 'mono', text: `${hex(w.va)} in ${w.mapping ?? 'no mapping'}` }),
    table,
    el('p', { cls: 'mono', attrs: { role: 'status' } }, result, ' · ', tlb, ` · TLB so far: ${s.tlb.hits} hits, ${s.tlb.misses} misses`),
  );
  hook.pagewalk = { levels: rows.length, present: w.present, tlb: w.tlb };
}

start(root, render);
