// The extension's own commands and editor features, inside a real extension host. Needs a
// workspace holding a copy of examples/ (as the e2e runner opens), like extension.test.ts.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands, DEBUG_TYPE, EXAMPLE_SCHEME, LANGUAGE_ID } from '../../src/extension/ids';
import type { HeapStepApi } from '../../src/extension/activate';
import type { RunOutcome } from '../../src/extension/run-core';
import { settle, show } from './settle';

const EXTENSION_ID = 'heapstep.heapstep';

async function scenario(name: string): Promise<vscode.Uri> {
  const found = await vscode.workspace.findFiles(`**/${name}`, '**/node_modules/**', 1);
  assert.ok(found.length, `${name} is not in the test workspace (open a copy of examples/)`);
  return found[0];
}

async function untitled(content: string): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument({ language: LANGUAGE_ID, content });
  return show(doc);
}

// DAP events of HeapStep sessions in arrival order: tests wait on the adapter's signals.
function adapterEvents() {
  const queue: { event: string; body: any }[] = [];
  let wake: (() => void) | undefined;
  const reg = vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
    createDebugAdapterTracker: () => ({
      onDidSendMessage: (m: any) => { if (m?.type === 'event') { queue.push({ event: m.event, body: m.body }); wake?.(); } },
    }),
  });
  return {
    async next(event: string, match: (body: any) => boolean = () => true): Promise<any> {
      for (;;) {
        const i = queue.findIndex((e) => (e.event === event && match(e.body)) || (e.event === 'terminated' && event !== 'terminated'));
        if (i >= 0) {
          const [e] = queue.splice(i, 1);
          if (e.event !== event) throw new Error(`the session ended while waiting for '${event}'`);
          return e.body ?? {};
        }
        await new Promise<void>((r) => { wake = r; });
      }
    },
    dispose: () => reg.dispose(),
  };
}

describe('HeapStep commands', () => {
  beforeEach(settle);
  afterEach(settle);

  // The 50 ms target is a benchmark figure: printed here for the README, not a pass/fail
  // (a loaded machine must not fail a test for being slow).
  it('activates and says how long its activation took, loading included', async () => {
    const ext = vscode.extensions.getExtension<HeapStepApi>(EXTENSION_ID);
    assert.ok(ext);
    const api = await ext.activate();
    console.log(`    HeapStep activation: ${(api.loadMs + api.activationMs).toFixed(2)} ms (evaluating the bundle ${api.loadMs.toFixed(2)} ms, activate() ${api.activationMs.toFixed(2)} ms)`);
    assert.ok(Number.isFinite(api.loadMs) && api.loadMs > 0 && Number.isFinite(api.activationMs) && api.activationMs > 0, 'activation times are measured');
  });

  it('Run Scenario runs a file through the CLI core and returns its exit status', async () => {
    const outcome = await vscode.commands.executeCommand<RunOutcome>(Commands.runScenario, await scenario('default.heap'));
    assert.deepEqual(outcome, { status: 0, cancelled: false });
  });

  it('Run Scenario on the active editor: a file with errors runs nothing (status 2)', async () => {
    await untitled('int main(void) {\n  char *p = malloc(;\n}\n');
    const outcome = await vscode.commands.executeCommand<RunOutcome>(Commands.runScenario);
    assert.equal(outcome?.status, 2);
  });

  it('Open Example opens an untitled copy, or the example itself read-only', async () => {
    const copy = await vscode.commands.executeCommand<vscode.TextDocument>(Commands.openExample, 'default.heap');
    assert.equal(copy.isUntitled, true);
    assert.equal(copy.languageId, LANGUAGE_ID);
    assert.match(copy.getText(), /malloc/);
    const original = await vscode.commands.executeCommand<vscode.TextDocument>(Commands.openExample, 'default.heap', true);
    assert.equal(original.uri.scheme, EXAMPLE_SCHEME);
    assert.equal(original.getText(), copy.getText());
  });

  it('reports errors while typing, at file:line:col', async () => {
    const editor = await untitled('char *p = malloc(8);\n');
    const changed = new Promise<vscode.Diagnostic[]>((resolve) => {
      const sub = vscode.languages.onDidChangeDiagnostics(() => {
        const d = vscode.languages.getDiagnostics(editor.document.uri);
        if (d.some((x) => x.severity === vscode.DiagnosticSeverity.Error)) { sub.dispose(); resolve(d); }
      });
    });
    await editor.edit((e) => e.insert(new vscode.Position(1, 0), 'free(q);\n'));
    const d = await changed;
    assert.equal(d[0].range.start.line, 1);
    assert.equal(d[0].source, 'heapstep');
  });

  it('F5 without launch.json debugs the active .heap file', async () => {
    const doc = await vscode.workspace.openTextDocument(await scenario('default.heap'));
    await vscode.window.showTextDocument(doc);
    const events = adapterEvents();
    try {
      const ok = await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(doc.uri), { type: DEBUG_TYPE, request: 'launch', name: 'F5', stopOnEntry: true });
      assert.equal(ok, true);
      assert.equal((await events.next('stopped')).reason, 'entry');
    } finally { events.dispose(); }
  });

  it('Debug Scenario runs an untitled document as it is shown', async () => {
    await untitled('printf("hello %d\\n", 6 * 7);\n');
    const events = adapterEvents();
    try {
      assert.equal(await vscode.commands.executeCommand(Commands.debugScenario), true);
      await events.next('output', (b) => /hello 42/.test(b?.output ?? ''));
    } finally { events.dispose(); }
  });

  it('while stopped: inline values say what each allocator call returned and where a freed chunk went', async () => {
    const editor = await untitled('char *p = malloc(24);\nchar *q = malloc(24);\nfree(p);\nputs("stop");\n');
    const uri = editor.document.uri;
    vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(uri, new vscode.Position(3, 0)))]);
    const events = adapterEvents();
    try {
      assert.equal(await vscode.commands.executeCommand(Commands.debugScenario), true);
      const stop = await events.next('stopped');
      const session = vscode.debug.activeDebugSession!;
      const st = await session.customRequest('stackTrace', { threadId: stop.threadId ?? 1, startFrame: 0, levels: 1 });
      const values = await vscode.commands.executeCommand<vscode.InlineValue[]>('vscode.executeInlineValueProvider', uri,
        new vscode.Range(0, 0, 3, 0), { frameId: st.stackFrames[0].id, stoppedLocation: new vscode.Range(3, 0, 3, 0) });
      const byLine = new Map(values.map((v) => [v.range.start.line, (v as vscode.InlineValueText).text]));
      assert.match(byLine.get(0) ?? '', /^p → 0x[0-9a-f]+ · chunk 0x20 · tcache\[0x20\] 1\/7$/);
      assert.match(byLine.get(1) ?? '', /^q → 0x[0-9a-f]+ · chunk 0x20 · in use$/);
      assert.equal(byLine.get(2), 'freed → tcache[0x20] 1/7');
      assert.equal(byLine.has(3), false, 'the line stopped at has not run yet');
    } finally { events.dispose(); }
  });

  it('while stopped: Export State writes the heap as JSON, and a pointer hover shows its chunk', async () => {
    const uri = await scenario('default.heap');
    const doc = await vscode.workspace.openTextDocument(uri);
    const lines = doc.getText().split('\n');
    const mallocLine = lines.findIndex((l) => /char\s*\*\s*p\s*=\s*malloc\(/.test(l));
    assert.ok(mallocLine >= 0, 'default.heap has no `char *p = malloc(` line');
    vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(uri, new vscode.Position(mallocLine + 1, 0)))]);
    await vscode.window.showTextDocument(doc);
    const events = adapterEvents();
    let exported: vscode.TextDocument | undefined;
    try {
      assert.equal(await vscode.commands.executeCommand(Commands.debugScenario, uri), true);
      await events.next('stopped');
      exported = await vscode.commands.executeCommand<vscode.TextDocument>(Commands.exportState);
      const state = JSON.parse(exported.getText());
      assert.ok(Array.isArray(state.chunks) && state.chunks.length > 0, 'no chunks');
      assert.ok(state.bins && Array.isArray(state.mappings), 'no bins or mappings');

      const col = lines[mallocLine].indexOf('p =');
      const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, new vscode.Position(mallocLine, col));
      const text = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n');
      assert.match(text, /chunk/);
    } finally {
      events.dispose();
      // an untitled editor left active would make the next launch ask where to save it
      if (exported) {
        await vscode.window.showTextDocument(exported);
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      }
    }
  });
});
