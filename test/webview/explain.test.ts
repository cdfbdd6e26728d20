// The Explain panel in headless Chromium, fed heapstep/explain answers the adapter's own code
// gives for real scenarios: it renders the prose, each link posts the reference it shows,
// hostile strings (a chunk's bytes, the scenario's text, a bin label) stay text, and the page's
// CSP allows no inline script or eval.
import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { explainRequest, recordForExplain } from '../../src/debug/explain';
import { GeneratedSources } from '../../src/debug/generated-source';
import { HeapStepRuntime } from '../../src/debug/runtime';
import type { ExplainHostMessage, ExplainRef, ExplainResponse, ExplainViewMessage } from '../../src/protocol/explain';
import { explainHtml } from '../../src/extension/views/explain-html';
import { startHarness, type Harness } from './harness';

const HOSTILE = '<script>alert(1)</script>';
const HOSTILE_HEAP = `char *a = malloc(40);   // ${HOSTILE} <img src=x onerror=alert(2)>
strcpy(a, "${HOSTILE}");
`;
const NONCE = 'ZXhwbGFpbm5vbmNlMTIzNA==';

// The scenario run to its end on the debugger's runtime, then explained at `line`.
async function explainAt(text: string, line: number): Promise<ExplainResponse> {
  const dir = mkdtempSync(join(tmpdir(), 'heapstep-explain-'));
  try {
    const file = join(dir, 'scenario.heap');
    writeFileSync(file, text);
    let done!: () => void;
    const ended = new Promise<void>((r) => { done = r; });
    const rt: HeapStepRuntime = new HeapStepRuntime({ readFile: async (p) => readFileSync(p, 'utf8') }, {
      stopped: () => done(), output: () => {}, exited: () => done(),
      event: (e) => recordForExplain(rt, e),
    });
    const diags = await rt.load(file, {});
    assert.equal(diags, null);
    rt.continue();
    await ended;
    return explainRequest(rt, new GeneratedSources(), { line });
  } finally { rmSync(dir, { recursive: true, force: true }); }
}
const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((l) => l.includes(needle)) + 1;
const allRefs = (x: ExplainResponse): ExplainRef[] => x.calls.flatMap((c) => c.paragraphs.flat().flatMap((r) => (r.ref ? [r.ref] : [])));

const STUB = `
  window.__posted = []; window.__violations = []; window.__alerts = [];
  window.acquireVsCodeApi = () => ({ postMessage: (m) => { window.__posted.push(JSON.parse(JSON.stringify(m))); }, getState: () => undefined, setState: () => {} });
  window.alert = (m) => { window.__alerts.push(String(m)); };
  document.addEventListener('securitypolicyviolation', (e) => { window.__violations.push(e.violatedDirective + ' ' + e.blockedURI); });
`;

describe('Explain panel in Chromium', function () {
  this.timeout(120000);
  let h: Harness;
  let first: ExplainResponse, tcache: ExplainResponse, hostile: ExplainResponse;
  const DEFAULT = readFileSync('examples/default.heap', 'utf8');
  before(async () => {
    h = await startHarness();
    first = await explainAt(DEFAULT, lineOf(DEFAULT, 'char *p = malloc(1);'));
    tcache = await explainAt(DEFAULT, lineOf(DEFAULT, 'free(p);'));
    hostile = await explainAt(HOSTILE_HEAP, 1);
  });
  after(async () => { await h?.close(); });

  async function open(extra = ''): Promise<{ page: Page; errors: string[]; send(m: ExplainHostMessage): Promise<void>; posted(): Promise<ExplainViewMessage[]> }> {
    const page = await h.browser.newPage({ viewport: { width: 900, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('dialog', (d) => { errors.push('dialog ' + d.message()); void d.dismiss(); });
    let html = explainHtml({ cspSource: h.origin, nonce: NONCE, mediaRoot: `${h.origin}/media` });
    if (extra) html = html.replace('</body>', `${extra}</body>`);
    await page.route(`${h.origin}/explain-panel`, (r) => r.fulfill({ status: 200, contentType: 'text/html', body: html }));
    await page.addInitScript(STUB);
    await page.goto(`${h.origin}/explain-panel`);
    await page.waitForFunction('window.__posted.some((m) => m.type === "ready")');
    return {
      page, errors,
      async send(m) {
        const before = await page.evaluate('window.__heapstep.renders') as number;
        await page.evaluate((msg) => { window.postMessage(msg, '*'); }, m);
        await page.waitForFunction((n) => (globalThis as unknown as { __heapstep: { renders: number } }).__heapstep.renders > n, before);
      },
      posted: () => page.evaluate('window.__posted') as Promise<ExplainViewMessage[]>,
    };
  }

  it('renders the prose of the first malloc, one link per reference', async () => {
    const v = await open();
    await v.send({ type: 'explain', explanation: first });
    const c = first.calls[0];
    assert.equal(await v.page.locator('h2').first().textContent(), `${c.call} = ${c.result}`);
    const text = await v.page.locator('main').textContent() ?? '';
    for (const p of c.paragraphs) assert.ok(text.includes(p.map((r) => r.text).join('')), `the paragraph is shown: ${p.map((r) => r.text).join('')}`);
    assert.match(text, /sysmalloc asked the kernel for more with brk/);
    assert.equal(await v.page.locator('button.ref').count(), allRefs(first).length);
    assert.equal(await v.page.locator('details.why pre').textContent(), c.why.join('\n'));
    assert.deepEqual(v.errors, []);
    await v.page.close();
  });

  it('each kind of link posts the reference it shows', async () => {
    const v = await open();
    for (const x of [first, tcache]) {
      await v.send({ type: 'explain', explanation: x });
      const refs = allRefs(x);
      for (const kind of ['chunk', 'bin', 'syscall', 'mapping', 'source'] as const) {
        const i = refs.findIndex((r) => r.kind === kind);
        if (i < 0) continue;
        await v.page.locator('button.ref').nth(i).click();
        const posted = await v.posted();
        assert.deepEqual(posted[posted.length - 1], { type: 'open', ref: refs[i] });
      }
    }
    const kinds = new Set([...allRefs(first), ...allRefs(tcache)].map((r) => r.kind));
    assert.deepEqual([...kinds].sort(), ['bin', 'chunk', 'mapping', 'source', 'syscall']);
    // the keyboard reaches them too
    await v.page.locator('button.ref').first().focus();
    await v.page.keyboard.press('Enter');
    const posted = await v.posted();
    assert.deepEqual(posted[posted.length - 1], { type: 'open', ref: allRefs(tcache)[0] });
    await v.page.close();
  });

  it('keeps hostile strings as text: a chunk\'s bytes, the scenario line, a bin label, a note', async () => {
    const x: ExplainResponse = JSON.parse(JSON.stringify(hostile));
    const chunkRef = allRefs(x).find((r): r is Extract<ExplainRef, { kind: 'chunk' }> => r.kind === 'chunk' && !!r.preview?.includes('<script>'));
    assert.ok(chunkRef, 'the chunk\'s preview holds the hostile bytes');
    assert.ok(x.calls[0].source.includes(HOSTILE));
    const label = '<img src=x onerror=alert(3)>';
    x.calls[0].paragraphs.push([{ text: 'into ' }, { text: label, ref: { kind: 'bin', binKind: 'tcache', index: 0, label } }]);
    x.note = `<b onmouseover=alert(4)>${HOSTILE}</b>`;
    const v = await open();
    await v.send({ type: 'explain', explanation: x });
    await v.page.locator('button.ref.bin').first().hover();
    assert.equal(await v.page.locator('main script, main img, main b').count(), 0);
    const text = await v.page.locator('main').textContent() ?? '';
    assert.ok(text.includes(HOSTILE) && text.includes('<img src=x onerror=alert(3)>'));
    const titles = await v.page.locator('button.ref.chunk').evaluateAll((bs) => bs.map((b) => b.getAttribute('title') ?? ''));
    assert.ok(titles.some((t) => t.includes('<script>')), 'the preview is in the link\'s title, as text');
    await v.send({ type: 'status', message: HOSTILE });
    assert.equal(await v.page.locator('p.status').first().textContent(), HOSTILE);
    assert.deepEqual(await v.page.evaluate('window.__alerts'), []);
    assert.deepEqual(v.errors, []);
    await v.page.close();
  });

  it('serves a CSP with a nonce and no unsafe-inline or eval; an inline script without the nonce does not run', async () => {
    const html = explainHtml({ cspSource: 'https://x', nonce: NONCE, mediaRoot: 'https://x/media' });
    const csp = /http-equiv="Content-Security-Policy" content="([^"]*)"/.exec(html)?.[1] ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, new RegExp(`script-src 'nonce-${NONCE.replace(/[+/=]/g, '\\$&')}'`));
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    const v = await open('<script>window.__ran = 1;</script>');
    await v.send({ type: 'explain', explanation: first });
    assert.equal(await v.page.evaluate('window.__ran'), undefined);
    const violations = await v.page.evaluate('window.__violations') as string[];
    assert.ok(violations.some((x) => x.startsWith('script-src')), JSON.stringify(violations));
    await v.page.close();
  });
});
