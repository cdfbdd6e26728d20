/// <reference lib="dom" />   // the waitForFunction callbacks run in the browser
/// <reference lib="dom.iterable" />
// Both walkthroughs, end to end, in a real VS Code (code-server) with the packaged extension:
// each is opened from the Command Palette as a user would, and for every step the test clicks
// the step and its "Open and run" button, then checks what the step's page promises: the
// example's tab, the debugger stopped at the step's first marker, the step's view shown and
// drawn for this stop (or the Variables view with the step's scope), and the step ticked off.
// Then it stops the session. Screenshots and logs of a failure land in test-results/e2e/.
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { RESULTS, ROOT, openWorkbenchPage, screenshotFailure, startWorkbench, stopWorkbench, type Workbench } from './code-server';
import {
  clickStepButton, firstStopLine, openWalkthrough, PANEL_VIEWS, renderCounts, stopSession, tableStep,
  waitForPanelView, waitForScope, waitForStepDone, waitForStop, type ManifestWalkthrough,
} from './walkthrough-driver';

describe('e2e: the walkthroughs in VS Code (code-server)', function () {
  this.timeout(120_000);
  let wb: Workbench | null = null;
  let page: Page;
  let walkthroughs: ManifestWalkthrough[] = [];

  before(async function () {
    this.timeout(900_000);   // a new machine installs Chromium, Node 24 and code-server first
    wb = await startWorkbench(this);
    if (!wb) return;
    // the installed manifest, so the test walks what the .vsix ships
    walkthroughs = JSON.parse(readFileSync(join(wb.extensionDir, 'package.json'), 'utf8')).contributes.walkthroughs;
    page = await openWorkbenchPage(wb, 'ws', { log: 'walkthrough-console.log' });
  });

  after(async () => {
    await page?.close().catch(() => {});
    await stopWorkbench(wb);
  });

  afterEach(async function () {
    if (this.currentTest?.state !== 'failed') return;
    await screenshotFailure(this, page, RESULTS, 'walkthrough-');
    // the next step starts from no session
    if (page && !page.isClosed() && await page.locator('.debug-toolbar').isVisible()) await stopSession(page).catch(() => {});
  });

  it('the .vsix contributes the two walkthroughs', () => {
    assert.deepEqual(walkthroughs.map((w) => w.id), ['heapstep.howMallocGetsMemory', 'heapstep.how2heap']);
  });

  // Mocha collects the tests before `before` has read the manifest: the step ids come from the
  // source's package.json, and each test checks the installed one has the step.
  const source: ManifestWalkthrough[] = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).contributes.walkthroughs;
  for (const ws of source) {
    describe(ws.title, () => {
      let w: ManifestWalkthrough;
      before(async () => {
        w = walkthroughs.find((x) => x.id === ws.id)!;
        assert.ok(w, `the installed extension has no walkthrough ${ws.id}`);
        await openWalkthrough(page, w);
      });

      for (const s of ws.steps) {
        it(`${s.title}: its button opens the example, stops there and shows the view`, async () => {
          assert.ok(w.steps.some((x) => x.id === s.id), `the installed walkthrough has no step ${s.id}`);
          const step = tableStep(s.id);
          const file = step.example.split('/').pop()!;
          const line = firstStopLine(step);
          const before = await renderCounts(page, step.view);

          await clickStepButton(page, w, s.id);

          // the example, read-only, in the active tab of its group
          await page.locator(`.tabs-container .tab.active[data-resource-name="${file}"]`).waitFor();
          // stopped at the step's first marker, on a breakpoint
          await waitForStop(page, file, line);
          await page.waitForFunction(() => [...document.querySelectorAll('.pane')]
            .some((p) => p.querySelector('.debug-call-stack') && /paused on breakpoint/i.test(p.textContent ?? '')));
          // the view that answers the question
          if (PANEL_VIEWS[step.view]) await waitForPanelView(page, step.view, before);
          else if (step.view === 'variables') await waitForScope(page, step.scope!);
          else await page.locator('.repl').waitFor();
          // the step's completion event: its context key, set once the view was revealed
          await waitForStepDone(page, w, s.id);
          await stopSession(page);
        });
      }
    });
  }
});
