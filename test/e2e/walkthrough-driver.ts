/// <reference lib="dom" />   // the waitForFunction callbacks run in the browser
/// <reference lib="dom.iterable" />
// Driving the HeapStep walkthroughs in code-server as a user does: the Command Palette's
// "Welcome: Open Walkthrough...", a click on a step, a click on its "Open and run" button;
// then what the button promised: the example's tab, the debugger stopped at the step's first
// marker, the step's view shown and drawn. Shared by walkthrough.test.ts and the screenshots.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { ROOT } from './code-server';
import { WALKTHROUGH_STEPS, stopLines, type WalkthroughStep, type WalkthroughView } from '../../src/extension/walkthrough-steps';

export const EXTENSION_ID = 'heapstep.heapstep';

export interface ManifestStep { id: string; title: string }
export interface ManifestWalkthrough { id: string; title: string; steps: ManifestStep[] }

export function tableStep(id: string): WalkthroughStep {
  const s = WALKTHROUGH_STEPS[id];
  if (!s) throw new Error(`no walkthrough step ${id} in walkthrough-steps.ts`);
  return s;
}

// 1-based, as the Call Stack view shows it
export function firstStopLine(step: WalkthroughStep): number {
  return stopLines(readFileSync(join(ROOT, 'examples', step.example), 'utf8'), step)[0] + 1;
}

export async function openWalkthrough(page: Page, w: ManifestWalkthrough): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget .quick-input-box input');
  await input.waitFor();
  await input.fill('>Welcome: Open Walkthrough');
  await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Open Walkthrough' }).first().waitFor();
  await page.keyboard.press('Enter');
  // the second pick lists the walkthroughs by title
  await page.locator('.quick-input-list .monaco-list-row', { hasText: w.title }).first().waitFor();
  await input.fill(w.title);
  await page.locator('.quick-input-list .monaco-list-row.focused', { hasText: w.title }).waitFor();
  await page.keyboard.press('Enter');
  await page.locator(`.gettingStartedContainer h2.category-title[x-category-title-for="${EXTENSION_ID}#${w.id}"]`).waitFor();
}

export function stepLocator(page: Page, w: ManifestWalkthrough, stepId: string) {
  return page.locator(`.gettingStartedContainer button.getting-started-step[data-step-id="${EXTENSION_ID}#${w.id}#${stepId}"]`);
}

// Selects the step and clicks its button.
export async function clickStepButton(page: Page, w: ManifestWalkthrough, stepId: string): Promise<void> {
  const step = stepLocator(page, w, stepId);
  if (await step.getAttribute('aria-expanded') !== 'true') {
    await step.locator('h3.step-title').click();
    await page.waitForFunction((el) => el?.getAttribute('aria-expanded') === 'true', await step.elementHandle());
  }
  await step.locator('.step-description-container a.monaco-button', { hasText: 'Open and run' }).click();
}

export async function waitForStepDone(page: Page, w: ManifestWalkthrough, stepId: string): Promise<void> {
  const step = stepLocator(page, w, stepId);
  await page.waitForFunction((el) => el?.getAttribute('aria-checked') === 'true', await step.elementHandle());
}

// The line of the top stack frame as the Call Stack view shows it ("11:5"), and its file.
export async function waitForStop(page: Page, file: string, line: number): Promise<void> {
  await page.locator('.debug-toolbar').waitFor();
  await page.waitForFunction(([f, want]) => {
    const row = document.querySelector('.debug-call-stack .monaco-list-row .stack-frame');
    const ln = row?.querySelector('.line-number')?.textContent;
    return !!row && Number(ln?.split(':')[0]) === want && (row.querySelector('.file')?.textContent ?? row.textContent ?? '').includes(f);
  }, [file, line] as const, { timeout: 60_000 });
}

export async function stopSession(page: Page): Promise<void> {
  await page.locator('.debug-toolbar .action-label.codicon-debug-stop').click();
  await page.locator('.debug-toolbar').waitFor({ state: 'hidden' });
}

// A HeapStep panel view: its pane's title and what its page draws into.
export const PANEL_VIEWS: Record<string, { title: string; root: string }> = {
  'heapstep.heapMap': { title: 'Heap map', root: 'main[aria-label="Heap map"]' },
  'heapstep.bins': { title: 'Bins', root: 'main[aria-label="Bins"]' },
  'heapstep.addressSpace': { title: 'Address space', root: 'main[aria-label="Address space"]' },
  'heapstep.pageWalk': { title: 'Page walk', root: 'main[aria-label="Page walk"]' },
  'heapstep.timeline': { title: 'Timeline', root: 'main[aria-label="Timeline"]' },
};

// How many states each webview page of `view` has drawn so far (media/common.ts's hook).
export async function renderCounts(page: Page, view: WalkthroughView): Promise<Map<Frame, number>> {
  const out = new Map<Frame, number>();
  const spec = PANEL_VIEWS[view];
  if (!spec) return out;
  for (const f of page.frames()) {
    if (await f.locator(spec.root).count().catch(() => 0)) {
      out.set(f, await f.evaluate(() => (window as unknown as { __heapstep?: { renders: number } }).__heapstep?.renders ?? 0).catch(() => 0));
    }
  }
  return out;
}

// The pane of a panel view, expanded, with a webview page that has drawn a state since
// `before` (a page loaded since counts from zero) and shows it.
export async function waitForPanelView(page: Page, view: WalkthroughView, before: Map<Frame, number>, timeout = 60_000): Promise<Frame> {
  const spec = PANEL_VIEWS[view];
  const header = page.locator('.part.panel .pane > .pane-header', { has: page.locator('h3.title', { hasText: new RegExp(`^${spec.title}$`, 'i') }) });
  await page.waitForFunction((el) => el?.getAttribute('aria-expanded') === 'true', await header.elementHandle(), { timeout });
  const deadline = Date.now() + timeout;
  for (;;) {
    for (const f of page.frames()) {
      const drawn = await f.evaluate((sel) => {
        const root = document.querySelector(sel) as HTMLElement | null;
        const h = (window as unknown as { __heapstep?: { renders: number } }).__heapstep;
        return root && !root.hidden && h ? h.renders : -1;
      }, spec.root).catch(() => -1);
      if (drawn > (before.get(f) ?? 0)) return f;
    }
    if (Date.now() > deadline) throw new Error(`the ${spec.title} view did not draw a new state within ${timeout / 1000} s`);
    await Promise.race([
      page.waitForEvent('frameattached', { timeout: 500 }).catch(() => {}),
      page.waitForEvent('framenavigated', { timeout: 500 }).catch(() => {}),
    ]);
  }
}

// The Variables view, visible, listing the scope. The list draws only the rows in view, so an
// expanded scope above (VS Code opens Locals by itself) is closed first and the list scrolled,
// as a user would.
export async function waitForScope(page: Page, scope: string): Promise<void> {
  const list = page.locator('.debug-variables');
  await list.waitFor();
  const scopes = list.locator('.monaco-list-row[aria-level="1"]');
  await scopes.first().waitFor();
  const row = scopes.filter({ has: page.getByText(scope, { exact: true }) });
  for (let i = 0; i < 20 && !await row.isVisible(); i++) {
    const open = scopes.and(page.locator('[aria-expanded="true"]')).first();
    if (await open.count()) {
      const el = await open.elementHandle();
      await open.click();
      await page.waitForFunction((e) => !e!.isConnected || e!.getAttribute('aria-expanded') !== 'true', el);
    } else {
      await list.hover();
      await page.mouse.wheel(0, 120);
      await row.waitFor({ timeout: 1000 }).catch(() => {});
    }
  }
  await row.waitFor();
}
