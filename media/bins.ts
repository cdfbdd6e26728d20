// Bins: tcache, fastbins, unsorted, small and large bins as linked lists. Safe-linked fd
// pointers (tcache, fastbins) show both the decoded pointer and the word in memory; an arrow
// turns red when a link does not lead to the next entry glibc will hand out.
import type { BinEntry, BinList, HeapState } from '../src/protocol/state';
import { el, hex, hook, post, start } from './common';

const SHOWN = 200;   // entries drawn per bin; the rest are counted

const root = el('main', { attrs: { 'aria-label': 'Bins' } });
document.body.append(root);

function node(list: BinList, e: BinEntry): HTMLLIElement {
  const safe = list.kind === 'tcache' || list.kind === 'fastbin';
  const b = el('button', { cls: 'node mono' },
    el('div', { text: `${hex(e.addr)}  size ${hex(e.size)}` }),
    el('div', { text: `fd ${e.fd.decoded}` }, safe && e.fd.raw !== e.fd.decoded ? el('span', { cls: 'raw', text: `  raw ${e.fd.raw}` }) : null),
    e.bk ? el('div', { text: `bk ${e.bk.decoded}` }) : null,
  );
  b.setAttribute('aria-label', `chunk ${hex(e.addr)}, size ${hex(e.size)}, fd ${e.fd.decoded}${safe ? ` (stored as ${e.fd.raw})` : ''}${e.bk ? `, bk ${e.bk.decoded}` : ''}`);
  b.addEventListener('click', () => post({ type: 'reveal', addr: e.addr, size: e.size }));
  return el('li', { cls: 'bin-item' }, b);
}

// where entry i's fd should point if the list is sound
function expected(list: BinList, i: number): bigint | null {
  const next = list.entries[i + 1];
  if (!next) return null;
  return BigInt(list.kind === 'tcache' ? next.addr + 16 : next.addr);
}

function arrow(list: BinList, i: number): HTMLLIElement {
  const want = expected(list, i);
  const bad = want !== null && BigInt(list.entries[i].fd.decoded) !== want;
  const a = el('li', { cls: bad ? 'arrow bad' : 'arrow', text: list.kind === 'tcache' || list.kind === 'fastbin' ? '→' : '⇄', attrs: { 'aria-hidden': bad ? 'false' : 'true' } });
  if (bad) a.setAttribute('aria-label', 'link does not lead to the next entry');
  return a;
}

function binRow(list: BinList): HTMLElement {
  const full = list.limit !== undefined && list.count >= list.limit;
  const countText = list.limit !== undefined ? `${list.count}/${list.limit}` : String(list.count);
  const label = el('span', { cls: full ? 'bin-label mono full' : 'bin-label mono', text: `${list.label} [${countText}]` });
  const items = el('ul', { cls: 'bin', attrs: { role: 'list', 'aria-label': `${list.label}: ${countText} ${list.limit !== undefined ? 'of the limit' : 'entries'}${full ? ', full' : ''}` } });
  items.append(el('li', {}, label));
  const shown = list.entries.slice(0, SHOWN);
  shown.forEach((e, i) => {
    items.append(node(list, e));
    if (i < shown.length - 1) items.append(arrow(list, i));
  });
  const last = list.entries[list.entries.length - 1];
  const rest = list.entries.length - shown.length;
  let tail: string;
  if (rest > 0) tail = `… ${rest} more`;
  else if (list.truncated) tail = '→ … (walk stopped: a cycle or a very long list)';
  else if (list.kind === 'tcache' || list.kind === 'fastbin') tail = last && BigInt(last.fd.decoded) !== 0n ? `→ ${last.fd.decoded} (not a chunk in this list)` : '→ NULL';
  else tail = '⇄ bin head in main_arena';
  items.append(el('li', { cls: 'arrow', text: tail }));
  return items;
}

function group(title: string, lists: BinList[], note?: string): HTMLElement {
  const id = `g-${title.replace(/\W/g, '')}`;
  const h = el('h2', { text: `${title}${lists.length ? ` (${lists.length} non-empty)` : ''}`, attrs: { id } });
  const sec = el('section', { cls: 'bin-group', attrs: { 'aria-labelledby': id } }, h);
  if (note) sec.append(el('p', { cls: 'muted', text: note }));
  if (!lists.length) sec.append(el('p', { cls: 'muted', text: 'empty' }));
  for (const l of lists) sec.append(binRow(l));
  return sec;
}

function render(s: HeapState): void {
  const b = s.bins;
  root.replaceChildren(
    group('tcache', b.tcache, `at most mp_.tcache_count = ${b.tcacheCount} chunks per size; fd is safe-linked (stored as (&fd >> 12) ^ next)`),
    group('fastbins', b.fastbins, 'singly linked, safe-linked like tcache'),
    group('unsorted bin', b.unsorted),
    group('small bins', b.small),
    group('large bins', b.large),
  );
  hook.bins = { nodes: root.querySelectorAll('.node').length, lists: root.querySelectorAll('ul.bin').length };
}

start(root, render);
