/// <reference lib="dom" />   // the waitForFunction callbacks run in the browser
/// <reference lib="dom.iterable" />
// The README's tour pictures, taken in a real VS Code (code-server) with the packaged
// extension: a session stopped in examples/tcache-and-fastbins.heap right after its frees
// (seven chunks in tcache, the eighth in a fastbin), each HeapStep view and the Variables view
// shot after checking that it shows that state. The PNGs go to test-results/e2e/screenshots/;
// with HEAPSTEP_UPDATE_SCREENSHOTS=1 (`npm run screenshots`) also to docs/images/.
import * as assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Locator, Page } from 'playwright-core';
import { RESULTS, ROOT, openWorkbenchPage, screenshotFailure, startWorkbench, stopWorkbench, webviewFrame, type Workbench } from './code-server';
import {
  clickStepButton, firstStopLine, openWalkthrough, renderCounts, stopSession, tableStep, waitForPanelView, waitForStepDone,
  waitForStop, type ManifestWalkthrough,
} from './walkthrough-driver';

const SCENARIO = 'tcache-and-fastbins.heap';
const lines = readFileSync(join(ROOT, 'examples', SCENARIO), 'utf8').split('\n');
const lineOf = (re: RegExp): number => lines.findIndex((l) => re.test(l)) + 1;   // 1-based, as the editor shows it
// Stops before the mallocs, before the frees and after them: three points on the timeline,
// the last with free bytes up and RSS where it was.
const MALLOCS = lineOf(/for .*malloc\(0x28\)/);
const FREES = lineOf(/for .*free\(p\[i\]\)/);
const AFTER_FREES = lineOf(/^bins\(\);/);

const SHOTS = join(RESULTS, 'screenshots');
const DOCS = join(ROOT, 'docs', 'images');
const UPDATE = process.env.HEAPSTEP_UPDATE_SCREENSHOTS === '1';
const MAX_BYTES = 300 * 1024;

// `view`: the webview shown in `target`; the picture then ends below what it drew rather than
// at the bottom of an empty pane.
async function shoot(target: Locator, name: string, view?: Frame): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  const file = join(SHOTS, `${name}.png`);
  const box = (await target.boundingBox())!;
  if (view) {
    const top = (await (await view.frameElement()).boundingBox())!.y;
    const drawn = await view.evaluate(() => document.querySelector('main')!.getBoundingClientRect().bottom + 12);
    box.height = Math.min(box.height, Math.ceil(top - box.y + drawn));
  }
  await target.page().screenshot({ path: file, clip: box, animations: 'disabled' });
  const size = statSync(file).size;
  assert.ok(size < MAX_BYTES, `${name}.png is ${size} bytes; a README picture should stay under ${MAX_BYTES}`);
  if (UPDATE) { mkdirSync(DOCS, { recursive: true }); copyFileSync(file, join(DOCS, `${name}.png`)); }
}

async function waitForStopLine(page: Page, line: number): Promise<void> {
  await page.waitForFunction((want) => {
    const el = document.querySelector('.debug-call-stack .monaco-list-row .stack-frame .line-number');
    return el !== null && Number(el.textContent?.split(':')[0]) === want;
  }, line, { timeout: 60_000 });
}

async function goToLine(page: Page, line: number): Promise<void> {
  await page.keyboard.press('Control+G');
  await page.locator('.quick-input-widget .quick-input-box input').fill(`:${line}`);
  await page.keyboard.press('Enter');
  await page.waitForFunction((want) => new RegExp(`Ln ${want},`).test(document.querySelector('#status\\.editor\\.selection')?.textContent ?? ''), line);
}

// Quick open's `view ` prefix focuses a view by name, expanding it if it was collapsed.
async function openView(page: Page, name: string): Promise<void> {
  await page.keyboard.press('Control+P');
  await page.locator('.quick-input-widget .quick-input-box input').fill(`view ${name}`);
  await page.locator('.quick-input-list .monaco-list-row', { hasText: name }).first().waitFor();
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

// The pane of a HeapStep view (header and body); its webview is drawn over the body.
// Collapsed panes of the horizontal panel hide their titles, so match the title's text, not
// what is rendered.
const pane = (page: Page, name: string): Locator =>
  page.locator('.part.panel .pane').filter({ has: page.locator('.pane-header h3.title', { hasText: new RegExp(`^${name}$`, 'i') }) });

// Only the one view open: the others shrink to narrow strips and it gets the panel's width.
async function expandOnly(page: Page, name: string): Promise<void> {
  const headers = page.locator('.part.panel .pane > .pane-header');
  for (let i = 0; i < await headers.count(); i++) {
    const h = headers.nth(i);
    const mine = new RegExp(`^${name}$`, 'i').test((await h.locator('h3.title').textContent())?.trim() ?? '');
    if ((await h.getAttribute('aria-expanded') === 'true') !== mine) await h.click();
  }
  await page.waitForFunction((n) => [...document.querySelectorAll('.part.panel .pane > .pane-header')]
    .every((h) => (h.getAttribute('aria-expanded') === 'true') === new RegExp(`^${n}$`, 'i').test(h.querySelector('h3.title')?.textContent?.trim() ?? '')), name);
}


// p[7], the eighth free, did not fit in tcache; it is the 9th chunk after the
// tcache_perthread_struct and p[0..6]. Selected from the keyboard, as a click would open its memory.
async function selectFastbinChunk(page: Page, frame: Frame): Promise<void> {
  await frame.locator('canvas').focus();
  await page.keyboard.press('Home');
  for (let i = 0; i < 8; i++) await page.keyboard.press('ArrowRight');
  await frame.locator('.details').filter({ hasText: /free, in fastbin bin/ }).waitFor();
}

// What a view's page published about its last drawing (media/common.ts's test hook).
async function hookOf<T>(frame: Frame, key: string, ok: (v: T) => boolean): Promise<T> {
  const h = await frame.waitForFunction((k) => (window as unknown as { __heapstep: Record<string, unknown> }).__heapstep?.[k], key);
  let v = await h.jsonValue() as T;
  while (!ok(v)) {
    await frame.waitForFunction(([k, before]) => JSON.stringify((window as unknown as { __heapstep: Record<string, unknown> }).__heapstep?.[k]) !== before, [key, JSON.stringify(v)] as const);
    v = await frame.evaluate((k) => (window as unknown as { __heapstep: Record<string, unknown> }).__heapstep[k], key) as T;
  }
  return v;
}

describe('e2e: screenshots of the HeapStep views for the README', function () {
  this.timeout(120_000);
  let wb: Workbench | null = null;
  let page: Page;

  before(async function () {
    this.timeout(900_000);   // a new machine installs Chromium, Node 24 and code-server first
    wb = await startWorkbench(this);
    if (!wb) return;
    rmSync(SHOTS, { recursive: true, force: true });
    page = await openWorkbenchPage(wb, 'ws', { viewport: { width: 1280, height: 800 } });
  });

  after(() => stopWorkbench(wb));
  afterEach(async function () { await screenshotFailure(this, page, SHOTS); });

  it(`stops in ${SCENARIO} before the mallocs, before the frees and after them`, async () => {
    assert.ok(MALLOCS > 0 && FREES > MALLOCS && AFTER_FREES > FREES, `examples/${SCENARIO} no longer has the lines this test stops at`);
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget .quick-input-box input').fill(SCENARIO);
    await page.locator('.quick-input-list .monaco-list-row', { hasText: SCENARIO }).first().waitFor();
    await page.keyboard.press('Enter');
    await page.locator('.monaco-editor .view-lines', { hasText: 'malloc' }).first().waitFor();
    for (const line of [MALLOCS, FREES, AFTER_FREES]) {
      await goToLine(page, line);
      await page.keyboard.press('F9');
    }
    await page.waitForFunction(() => document.querySelectorAll('.monaco-editor .codicon-debug-breakpoint').length >= 3);
    await page.keyboard.press('F5');
    await waitForStopLine(page, MALLOCS);
    // Each loop stops once per iteration: its breakpoint goes once it has been hit.
    for (const [line, next] of [[MALLOCS, FREES], [FREES, AFTER_FREES]]) {
      await goToLine(page, line);
      await page.keyboard.press('F9');
      await page.keyboard.press('F5');
      await waitForStopLine(page, next);
    }
    await page.locator('.part.panel [aria-label^="Maximize Panel"]').click();
    await page.locator('.part.panel [aria-label^="Restore Panel"]').waitFor();
  });

  it('heap map: every chunk drawn, the fastbin chunk selected', async () => {
    await openView(page, 'Heap map');
    await expandOnly(page, 'Heap map');
    const frame = await webviewFrame(page, 'canvas[aria-roledescription="heap map"]');
    await frame.locator('main p.sr-only').filter({ hasText: /: 2 allocated, 8 free in bins/ }).waitFor();
    const drawn = await hookOf<{ drawnChunks: number; total: number }>(frame, 'heapmap', (v) => v.drawnChunks > 0);
    // the tcache_perthread_struct, p[0..8] and top
    assert.equal(drawn.total, 11);
    assert.equal(drawn.drawnChunks, 11, 'fitted, the whole heap is in view');
    await selectFastbinChunk(page, frame);
    await shoot(pane(page, 'Heap map'), 'heap-map');
  });

  it('bins: tcache 0x30 full at 7/7, one chunk in fastbin 0x30', async () => {
    await expandOnly(page, 'Bins');
    const frame = await webviewFrame(page, 'main[aria-label="Bins"]');
    const tcache = frame.locator('ul.bin[aria-label*="7 of the limit"]');
    await tcache.waitFor();
    assert.match(await tcache.locator('.bin-label').innerText(), /0x30.*\[7\/7\]/);
    assert.equal(await tcache.locator('.node').count(), 7);
    const fast = frame.locator('section', { has: frame.locator('h2', { hasText: /^fastbins/ }) }).locator('ul.bin');
    assert.equal(await fast.count(), 1);
    assert.equal(await fast.locator('.node').count(), 1);
    await shoot(pane(page, 'Bins'), 'bins', frame);
  });

  it('address space: the mappings, with the 132 KiB heap', async () => {
    await expandOnly(page, 'Address space');
    const frame = await webviewFrame(page, 'main[aria-label="Address space"]');
    const v = await hookOf<{ mappings: number }>(frame, 'addrspace', (x) => x.mappings > 0);
    assert.ok(v.mappings >= 5, `only ${v.mappings} mappings drawn`);
    await frame.locator('button.vma', { hasText: /\[heap\] · 132(\.0)? KiB/ }).waitFor();
    // The column is 640 px from the stack down to the program: a taller window shows it whole.
    await page.setViewportSize({ width: 1280, height: 1000 });
    try {
      await page.waitForFunction((el) => el!.getBoundingClientRect().height > 850, await pane(page, 'Address space').elementHandle());
      await frame.locator('button.vma', { hasText: /\[heap\]/ }).scrollIntoViewIfNeeded();
      await shoot(pane(page, 'Address space'), 'address-space', frame);
    } finally {
      await page.setViewportSize({ width: 1280, height: 800 });
    }
  });

  it('page walk: the four levels down to the frame of the selected chunk', async () => {
    // the heap map's Page walk button asks for the selected (fastbin) chunk's page
    await expandOnly(page, 'Heap map');
    const map = await webviewFrame(page, 'canvas[aria-roledescription="heap map"]');
    await selectFastbinChunk(page, map);
    await map.getByRole('button', { name: 'Page walk' }).click();
    await expandOnly(page, 'Page walk');
    const frame = await webviewFrame(page, 'main[aria-label="Page walk"]');
    const w = await hookOf<{ levels: number; present: boolean }>(frame, 'pagewalk', (x) => x.levels > 0);
    assert.equal(w.levels, 4);
    assert.equal(w.present, true);
    await frame.locator('p', { hasText: /in \[heap\]/ }).waitFor();
    await frame.locator('[role="status"]', { hasText: /→ physical 0x/ }).waitFor();
    await shoot(pane(page, 'Page walk'), 'page-walk', frame);
  });

  it('timeline: one point per stop, RSS flat across the frees', async () => {
    await expandOnly(page, 'Timeline');
    const frame = await webviewFrame(page, 'main[aria-label="Timeline"]');
    const t = await hookOf<{ points: number; current: number }>(frame, 'timeline', (x) => x.points >= 3);
    assert.equal(t.current, t.points - 1, 'the current stop is the last one');
    // one row per stop: step, RSS, VSZ, heap size, free bytes, brk (in a closed <details>, so not innerText)
    const cells = await frame.locator('table tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')).filter((r) => r.length));
    const [first, beforeFrees, afterFrees] = cells.slice(-3);
    assert.match(first[3], /^0 B$/, `the first stop is before the heap exists: ${JSON.stringify(cells)}`);
    assert.match(beforeFrees[3], /^132(\.0)? KiB$/, 'the first malloc grew the heap by 132 KiB');
    assert.equal(afterFrees[1], beforeFrees[1], 'free() gave no page back: RSS is unchanged');
    assert.equal(afterFrees[3], beforeFrees[3], 'nor did it move brk');
    await frame.locator('details > summary').click();
    await frame.locator('details[open] table').waitFor();
    await shoot(pane(page, 'Timeline'), 'timeline', frame);
  });

  it('Variables view: the Chunks and Bins scopes expanded', async () => {
    await page.locator('.part.panel [aria-label^="Restore Panel"]').click();
    await page.locator('.part.panel [aria-label^="Maximize Panel"]').waitFor();
    await openView(page, 'Variables');
    const side = page.locator('.part.sidebar');
    // The Variables view alone in a wider side bar, so the bins' values are not cut off
    for (const other of ['Watch', 'Call Stack', 'Breakpoints']) {
      const h = side.locator('.pane-header', { has: page.locator('h3.title', { hasText: new RegExp(`^${other}$`, 'i') }) });
      if (await h.getAttribute('aria-expanded') === 'true') await h.click();
      await page.waitForFunction((el) => el?.getAttribute('aria-expanded') === 'false', await h.elementHandle());
    }
    // A drag that starts before the sash has noticed the pointer does nothing: try again.
    for (let attempt = 0; ; attempt++) {
      const box = (await side.boundingBox())!;
      const edge = box.x + box.width;
      // the sash on the side bar's right edge (the workbench has several vertical ones)
      const sash = await page.evaluate((x) => [...document.querySelectorAll('.monaco-sash.vertical')]
        .map((e) => e.getBoundingClientRect()).find((r) => r.height > 200 && Math.abs(r.left + r.width / 2 - x) < 12), edge);
      assert.ok(sash, `no sash at the side bar's edge (${edge}): ${JSON.stringify(await page.evaluate(() => [...document.querySelectorAll('.monaco-sash.vertical')].map((e) => e.getBoundingClientRect())))}`);
      const y = sash.top + sash.height / 2;
      await page.mouse.move(sash.left + sash.width / 2, y);
      await page.mouse.down();
      await page.mouse.move(box.x + 760, y, { steps: 5 });
      await page.mouse.up();
      const wide = await page.waitForFunction(() => (document.querySelector('.part.sidebar')?.getBoundingClientRect().width ?? 0) > 600, null, { timeout: 5000 }).then(() => true, () => false);
      if (wide) break;
      assert.ok(attempt < 3, 'the side bar did not widen when its sash was dragged');
    }
    const vars = page.locator('.debug-variables');
    const scopeRow = (name: string) => vars.locator('.monaco-list-row[aria-level="1"]').filter({ has: page.getByText(name, { exact: true }) });
    for (const scope of ['Locals', 'Chunks', 'Bins']) {
      const row = scopeRow(scope);
      const want = scope === 'Locals' ? 'false' : 'true';
      if (await row.getAttribute('aria-expanded') !== want) await row.click();
      await page.waitForFunction(([el, w]) => (el as Element | null)?.getAttribute('aria-expanded') === w, [await row.elementHandle(), want] as const);
    }
    await vars.locator('.monaco-list-row', { hasText: /tcache.*7 chunks/ }).waitFor();
    await vars.locator('.monaco-list-row', { hasText: /fastbins.*1 chunk/ }).waitFor();
    await vars.locator('.monaco-list-row', { hasText: /summary/ }).first().waitFor();
    await shoot(side, 'variables');
  });
});

// The README's three tours, each shot as the whole window, in a code-server of their own (the
// views' pictures above leave a maximized panel and a wide side bar in the profile): the
// walkthrough page beside the example it ran, a how2heap technique in the Bins view, and the
// timeline of free-returns-memory once its frees and malloc_trim have run.
describe('e2e: screenshots of the three tours for the README', function () {
  this.timeout(120_000);
  let wb: Workbench | null = null;
  let tour: Page;
  const walkthroughs: ManifestWalkthrough[] = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).contributes.walkthroughs;
  const walkthrough = (id: string): ManifestWalkthrough => walkthroughs.find((w) => w.id === id)!;

  async function closeAllEditors(): Promise<void> {
    const tabs = tour.locator('.editor-group-container .tab');
    while (await tabs.count()) {
      const n = await tabs.count();
      await tabs.first().locator('.codicon-close-small').click();
      await tour.waitForFunction((k) => document.querySelectorAll('.editor-group-container .tab').length < k, n);
    }
  }

  async function shootWindow(name: string): Promise<void> {
    await shoot(tour.locator('.monaco-workbench'), name);
  }

  // Runs a step from its walkthrough page and waits until its view has drawn the first stop.
  async function runStep(w: ManifestWalkthrough, id: string): Promise<Frame> {
    const step = tableStep(id);
    const before = await renderCounts(tour, step.view);
    await clickStepButton(tour, w, id);
    await waitForStop(tour, step.example.split('/').pop()!, firstStopLine(step));
    const frame = await waitForPanelView(tour, step.view, before);
    await waitForStepDone(tour, w, id);
    return frame;
  }

  before(async function () {
    this.timeout(900_000);   // a new machine installs Chromium, Node 24 and code-server first
    wb = await startWorkbench(this);
    if (wb) tour = await openWorkbenchPage(wb, 'ws-tours', { viewport: { width: 1280, height: 800 } });
  });

  after(() => stopWorkbench(wb));

  afterEach(async function () {
    await screenshotFailure(this, tour, SHOTS);
    if (tour && !tour.isClosed() && await tour.locator('.debug-toolbar').isVisible()) await stopSession(tour);
  });

  it('student: the walkthrough page, with "How big is malloc(1) really?" run beside it', async () => {
    const w = walkthrough('heapstep.howMallocGetsMemory');
    await openWalkthrough(tour, w);
    const frame = await runStep(w, 'howBigIsMalloc1');
    // the first malloc made the 132 KiB heap: tcache's struct, p's chunk and top
    await frame.locator('main p.sr-only').filter({ hasText: /heap 132(\.0)? KiB/ }).waitFor();
    await shootWindow('tour-student');
  });

  it('security learner: tcache poisoning stopped before its mallocs, the Bins view', async () => {
    await closeAllEditors();                           // the example gets the editor's width
    const w = walkthrough('heapstep.how2heap');
    await openWalkthrough(tour, w);
    const frame = await runStep(w, 'tcachePoisoning');
    const list = frame.locator('ul.bin', { has: frame.locator('.bin-label', { hasText: /^tcache\[0x90\]/ }) });
    await list.waitFor();
    const nodes = await list.locator('.node').allInnerTexts();
    assert.equal(nodes.length, 2, `tcache[0x90]: ${JSON.stringify(nodes)}`);
    const addr = (t: string) => BigInt(/^(0x[0-9a-f]+)/.exec(t.trim())![1]);
    // b's fd was overwritten with the global `target`: the list now leaves the heap, for .bss below it
    assert.ok(addr(nodes[1]) < addr(nodes[0]), `the second entry is not below the heap: ${JSON.stringify(nodes)}`);
    await tour.locator('.tabs-container .tab[data-resource-name="vscode_getting_started_page"] .codicon-close-small').click();
    await expandOnly(tour, 'Bins');
    await shootWindow('tour-security');
  });

  it('C programmer chasing RSS: the timeline of free-returns-memory after its frees', async () => {
    const w = walkthrough('heapstep.howMallocGetsMemory');
    await openWalkthrough(tour, w);
    const step = tableStep('doesFreeGiveMemoryBack');
    const frame = await runStep(w, 'doesFreeGiveMemoryBack');
    const text = readFileSync(join(ROOT, 'examples', step.example), 'utf8').split('\n');
    for (const marker of step.stops.slice(1)) {
      await tour.locator('.debug-toolbar .action-label.codicon-debug-continue').click();
      await waitForStop(tour, step.example, text.findIndex((l) => l.includes(marker)) + 1);
    }
    const t = await hookOf<{ points: number; current: number }>(frame, 'timeline', (x) => x.points >= step.stops.length);
    assert.equal(t.current, t.points - 1, 'the current stop is the last one');
    // one row per stop: step, RSS, VSZ, heap size, ...
    const rows = await frame.locator('table tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')).filter((r) => r.length));
    const [allocated, freed, trimmed] = rows.slice(-3);
    assert.notEqual(freed[2], allocated[2], `VSZ did not move when the mmapped chunk was freed: ${JSON.stringify(rows)}`);
    assert.equal(freed[3], allocated[3], 'the heap kept its size through 63 frees');
    assert.notEqual(trimmed[3], freed[3], 'malloc_trim did not shrink the heap');
    // the timeline alone in the whole panel
    await expandOnly(tour, 'Timeline');
    await tour.locator('.part.panel [aria-label^="Maximize Panel"]').click();
    await tour.locator('.part.panel [aria-label^="Restore Panel"]').waitFor();
    await frame.locator('details > summary').click();
    await frame.locator('details[open] table').waitFor();
    await shootWindow('tour-rss');
    await tour.locator('.part.panel [aria-label^="Restore Panel"]').click();
  });
});
