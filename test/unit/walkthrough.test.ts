// The walkthroughs in package.json and the table behind their buttons agree: every step's
// button names a step of the table, every step of the table opens an example that exists,
// stops where its markers say (the program really gets there, in that order) and reveals a
// view that exists; every step's page is a file that the .vsix ships, and the process counters
// it quotes are the ones at the step's first stop.
import { strict as assert } from 'node:assert';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HeapStepRuntime, type StopKind } from '../../src/debug/runtime';
import { WALKTHROUGH_DONE_PREFIX, Walkthroughs } from '../../src/extension/ids';
import { WALKTHROUGH_STEPS, revealCommand, stopLines, type WalkthroughStep } from '../../src/extension/walkthrough-steps';

const pkg = JSON.parse(readFileSync('package.json', 'utf8'));
const contributes = pkg.contributes;

interface StepContribution { id: string; title: string; description: string; media: { markdown?: string }; completionEvents?: string[] }
interface WalkthroughContribution { id: string; title: string; description: string; steps: StepContribution[] }
const walkthroughs: WalkthroughContribution[] = contributes.walkthroughs ?? [];
const allSteps = walkthroughs.flatMap((w) => w.steps);

const COMMAND = 'heapstep.walkthrough.open';
// `[label](command:heapstep.walkthrough.open?<args>)`, optionally `command:toSide:` (the
// walkthrough page then opens the example in the editor group beside it)
const LINK = /\[([^\]]+)\]\(command:(?:toSide:)?([\w.]+)\?([^)\s]*)\)/g;

function links(description: string): { label: string; command: string; args: unknown }[] {
  return [...description.matchAll(LINK)].map((m) => ({ label: m[1], command: m[2], args: JSON.parse(decodeURIComponent(m[3])) }));
}

const exampleText = (step: WalkthroughStep): string => readFileSync(join('examples', step.example), 'utf8');

// What a step page says a process counter is at the first stop: "`syscalls` is **3**".
function counterClaims(md: string): [string, number][] {
  return [...md.matchAll(/`(\w+)` is \*\*(\d+)\*\*/g)].map((m) => [m[1], Number(m[2])]);
}

// Runs the example on the debugger's runtime with a breakpoint on each stop's line and
// returns the lines it stopped at, 1-based, until it exits or has stopped once per marker.
async function stopsOf(step: WalkthroughStep, lines: number[], atFirst?: (rt: HeapStepRuntime) => void): Promise<number[]> {
  const path = join('examples', step.example);
  const seen: number[] = [];
  let resolveStop: (k: StopKind | 'exited') => void = () => {};
  const rt = new HeapStepRuntime({ readFile: async (p) => readFileSync(p, 'utf8') }, {
    stopped: (kind) => resolveStop(kind),
    output: () => {},
    event: () => {},
    exited: () => resolveStop('exited'),
  });
  const diags = await rt.load(path, {});
  assert.equal(diags, null, `${step.example} does not compile: ${JSON.stringify(diags)}`);
  const bps = rt.breakpoints.setLines({ path }, lines.map((line) => ({ line })));
  assert.deepEqual(bps.map((b) => [b.verified, b.line]), lines.map((l) => [true, l]), `${step.example}: a marker is not on a statement`);
  while (seen.length < lines.length) {
    const kind = await new Promise<StopKind | 'exited'>((resolve) => { resolveStop = resolve; rt.continue(); });
    if (kind !== 'breakpoint') break;
    seen.push(rt.scenario!.interp.loc.line);
    if (seen.length === 1) atFirst?.(rt);
  }
  rt.terminate();
  return seen;
}

describe('walkthroughs', () => {
  it('contributes the two walkthroughs, each with a title, a description and steps', () => {
    assert.deepEqual(walkthroughs.map((w) => w.id), Object.values(Walkthroughs));
    for (const w of walkthroughs) {
      assert.ok(w.title.trim() && w.description.trim(), `${w.id} lacks a title or description`);
      assert.ok(w.steps.length > 0, `${w.id} has no steps`);
    }
    assert.equal(new Set(allSteps.map((s) => s.id)).size, allSteps.length, 'step ids repeat');
  });

  it('every step has a title, one "Open and run" button naming itself, and completes when that button has run', () => {
    for (const s of allSteps) {
      assert.ok(s.title.trim(), `${s.id} has no title`);
      const l = links(s.description);
      assert.equal(l.length, 1, `${s.id}: expected one command link in ${JSON.stringify(s.description)}`);
      assert.equal(l[0].command, COMMAND);
      assert.deepEqual(l[0].args, [s.id], `${s.id}'s button opens another step`);
      assert.ok(Object.hasOwn(WALKTHROUGH_STEPS, s.id), `${s.id} is not in WALKTHROUGH_STEPS`);
      // on its own line, so the walkthrough page draws it as a button
      assert.ok(s.description.split('\n').some((line) => /^\[[^\]]+\]\([^)]+\)$/.test(line.trim())), `${s.id}'s link is not on a line of its own`);
      assert.deepEqual(s.completionEvents, [`onContext:${WALKTHROUGH_DONE_PREFIX}${s.id}`]);
    }
  });

  it('every step of the table belongs to a walkthrough step', () => {
    const used = new Set(allSteps.map((s) => s.id));
    for (const id of Object.keys(WALKTHROUGH_STEPS)) assert.ok(used.has(id), `${id} is in no walkthrough`);
  });

  it('the command is declared and hidden from the Command Palette', () => {
    assert.ok(contributes.commands.some((c: { command: string }) => c.command === COMMAND));
    const hidden = contributes.menus.commandPalette.find((m: { command: string }) => m.command === COMMAND);
    assert.equal(hidden?.when, 'false');
  });

  it('every step page is a markdown file under media/walkthrough/ that the .vsix ships, and names its example', () => {
    const include = readFileSync('.vscodeignore', 'utf8').split('\n').map((l) => l.trim());
    assert.ok(include.includes('!media/walkthrough/*.md'), '.vscodeignore leaves the walkthrough pages out of the .vsix');
    for (const s of allSteps) {
      const md = s.media.markdown;
      assert.ok(md && /^media\/walkthrough\/[^/]+\.md$/.test(md), `${s.id}: media ${JSON.stringify(s.media)}`);
      assert.ok(existsSync(md), `${md} is missing`);
      const text = readFileSync(md, 'utf8');
      const step = WALKTHROUGH_STEPS[s.id];
      assert.ok(text.includes(`examples/${step.example}`), `${md} does not name examples/${step.example}`);
    }
  });

  it('every step names an example, markers found once each in it, and a view that exists', () => {
    const views = new Set<string>(Object.values(contributes.views as Record<string, { id: string }[]>).flat().map((v) => v.id));
    for (const [id, step] of Object.entries(WALKTHROUGH_STEPS)) {
      assert.ok(existsSync(join('examples', step.example)), `${id}: examples/${step.example} does not exist`);
      const text = exampleText(step);
      assert.ok(step.stops.length > 0, `${id} has no stop`);
      for (const m of step.stops) {
        assert.equal(text.split('\n').filter((l) => l.includes(m)).length, 1, `${id}: marker ${JSON.stringify(m)} is not on exactly one line of ${step.example}`);
      }
      if (step.view === 'variables') assert.ok(step.scope, `${id} points at the Variables view but names no scope`);
      else if (step.view === 'debugConsole') assert.equal(step.scope, undefined);
      else {
        assert.ok(views.has(step.view), `${id}: no view ${step.view} in package.json`);
        assert.equal(revealCommand(step.view), `${step.view}.focus`);
      }
    }
  });

  it('the scopes the steps name are scopes the debugger has', () => {
    const src = readFileSync('src/debug/variables.ts', 'utf8');
    const scopes = new Set([...src.matchAll(/\{\s*name:\s*'(\w+)'/g)].map((m) => m[1]));
    assert.ok(scopes.size > 0, 'no scopes found in src/debug/variables.ts');
    for (const [id, step] of Object.entries(WALKTHROUGH_STEPS)) {
      if (step.scope) assert.ok(scopes.has(step.scope), `${id}: no scope ${step.scope} (have ${[...scopes].join(', ')})`);
    }
  });

  for (const [id, step] of Object.entries(WALKTHROUGH_STEPS)) {
    it(`${id}: the program stops at each marker of ${step.example}, in order`, async function () {
      this.timeout(120_000);
      const lines = stopLines(exampleText(step), step).map((l) => l + 1);
      assert.ok(lines.every((l) => l > 0), `${id}: a marker is missing`);
      const page = allSteps.find((x) => x.id === id)?.media.markdown;
      const claims = page && existsSync(page) ? counterClaims(readFileSync(page, 'utf8')) : [];
      let counters: Record<string, unknown> = {};
      assert.deepEqual(await stopsOf(step, lines, (rt) => { counters = { ...rt.scenario!.proc.counters() }; }), lines);
      // the page's numbers are the ones the Process scope shows there
      for (const [name, value] of claims) {
        assert.ok(name in counters, `${page} claims a value for ${name}, which is no process counter`);
        assert.equal(counters[name], value, `${page}: \`${name}\` at the first stop`);
      }
    });
  }
});
