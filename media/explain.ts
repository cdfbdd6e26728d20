// The Explain panel: an allocator call's path told as prose (heapstep/explain), each reference
// a link that asks the host to show it (the chunk in the heap map and its memory, the bin, the
// system call or mapping in the address space, the glibc listing). Every string the debugger
// sends, a chunk's bytes and the scenario's own text included, only ever becomes text.
import type { ExplainedCall, ExplainHostMessage, ExplainRef, ExplainResponse, ExplainRun, ExplainViewMessage } from '../src/protocol/explain';
import { el } from './dom';

interface VsCodeApi { postMessage(m: unknown): void }
declare function acquireVsCodeApi(): VsCodeApi;
const api = acquireVsCodeApi();
const post = (m: ExplainViewMessage): void => api.postMessage(m);

// Test hooks: the webview tests read what was drawn from here.
const hook = { renders: 0, links: 0, calls: 0 };
(window as unknown as { __heapstep: typeof hook }).__heapstep = hook;

const hex = (n: number): string => '0x' + n.toString(16);

// What a link does, for its tooltip and screen readers.
function describe(r: ExplainRef): string {
  switch (r.kind) {
    case 'chunk': return `Show chunk ${hex(r.addr)} (size ${hex(r.size)}) in the heap map and open its memory${r.preview ? ` — bytes now: ${r.preview}` : ''}`;
    case 'bin': return `Show ${r.label} in the Bins view`;
    case 'syscall': return `Show the address space after ${r.name}`;
    case 'mapping': return `Show ${hex(r.start)}–${hex(r.end)} in the Address space view`;
    case 'source': return `Open ${r.glibcFunction} in the glibc listing${r.line ? `, line ${r.line}` : ''}`;
  }
}

function run(r: ExplainRun): Node {
  if (!r.ref) return document.createTextNode(r.text);
  const ref = r.ref;
  const b = el('button', { cls: `ref ${ref.kind}`, text: r.text, attrs: { type: 'button', title: describe(ref), 'aria-label': `${r.text}: ${describe(ref)}` } });
  b.addEventListener('click', () => post({ type: 'open', ref }));
  hook.links++;
  return b;
}

function callSection(c: ExplainedCall): HTMLElement {
  const sec = el('section', { attrs: { 'aria-label': c.call } });
  sec.append(el('h2', { text: c.result ? `${c.call} = ${c.result}` : c.call }));
  sec.append(el('p', { cls: 'meta' }, `line ${c.line}, step ${c.step}${c.by ? `, called by the C library (${c.by})` : ''}${c.finished ? '' : ', aborted'}: `,
    el('code', { text: c.source })));
  for (const para of c.paragraphs) sec.append(el('p', {}, ...para.map(run)));
  if (c.why.length) {
    sec.append(el('details', { cls: 'why' }, el('summary', { text: 'The narration, as the Debug Console\'s why prints it' }),
      el('pre', { text: c.why.join('\n') })));
  }
  hook.calls++;
  return sec;
}

const root = document.getElementById('explain') ?? document.body.appendChild(el('main'));
const status = el('p', { cls: 'status', attrs: { role: 'status' } });
root.before(status);

function render(x: ExplainResponse): void {
  hook.links = 0;
  hook.calls = 0;
  status.textContent = '';
  const parts: Node[] = [];
  if (x.note) parts.push(el('p', { cls: 'note', text: x.note }));
  x.calls.forEach((c, i) => { if (i) parts.push(el('hr')); parts.push(callSection(c)); });
  if (!x.calls.length && !x.note) parts.push(el('p', { cls: 'status', text: `No allocator call to explain at line ${x.line}.` }));
  root.replaceChildren(...parts);
  document.title = x.calls[0] ? `Explain ${x.calls[0].call}` : 'Explain';
}

window.addEventListener('message', (e: MessageEvent) => {
  const m = e.data as ExplainHostMessage;
  switch (m?.type) {
    case 'explain': render(m.explanation); hook.renders++; break;
    case 'status': status.textContent = String(m.message); hook.renders++; break;
  }
});
post({ type: 'ready' });
