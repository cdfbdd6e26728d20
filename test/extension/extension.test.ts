// Runs inside a real VS Code extension host (code-server under `npm run test:e2e`, VS Code
// desktop under `npm run test:electron`), against the extension as it was packaged.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Commands, DEBUG_TYPE, LANGUAGE_ID } from '../../src/extension/ids';
import { settle } from './settle';

const EXTENSION_ID = 'heapstep.heapstep';

function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not installed in this extension host`);
  return ext;
}

describe('extension', () => {
  it('activates', async () => {
    await extension().activate();
    assert.equal(extension().isActive, true);
  });

  it('contributes the heapstep language and debugger type', () => {
    const contributes = extension().packageJSON.contributes ?? {};
    assert.ok((contributes.languages ?? []).some((l: { id: string }) => l.id === LANGUAGE_ID), 'language not contributed');
    const dbg = (contributes.debuggers ?? []).find((d: { type: string }) => d.type === DEBUG_TYPE);
    assert.ok(dbg, `no debugger of type ${DEBUG_TYPE} in package.json`);
  });

  it('registers every command it declares', async () => {
    await extension().activate();
    const registered = new Set(await vscode.commands.getCommands(true));
    const declared = (extension().packageJSON.contributes?.commands ?? []).map((c: { command: string }) => c.command);
    const missing = [...new Set([...Object.values(Commands), ...declared])].filter((c) => !registered.has(c));
    assert.deepEqual(missing, [], 'declared but not registered');
  });

  it('opens .heap files as heapstep documents', async () => {
    const doc = await vscode.workspace.openTextDocument(await scenario('default.heap'));
    assert.equal(doc.languageId, LANGUAGE_ID);
  });
});

describe('debugging through vscode.debug', () => {
  beforeEach(settle);
  afterEach(settle);

  it('stops at a breakpoint on a malloc line, steps over it and back', async () => {
    const uri = await scenario('default.heap');
    const doc = await vscode.workspace.openTextDocument(uri);
    const line = doc.getText().split('\n').findIndex((l) => /=\s*malloc\(/.test(l));
    assert.ok(line >= 0, 'no malloc line in default.heap');
    vscode.debug.addBreakpoints([new vscode.SourceBreakpoint(new vscode.Location(uri, new vscode.Position(line, 0)))]);

    const events = watchAdapter();
    // this test's own session, not whichever one the workbench has focused
    const mine = new Promise<vscode.DebugSession>((resolve) => {
      const d = vscode.debug.onDidStartDebugSession((s) => { if (s.name === 'extension test') { d.dispose(); resolve(s); } });
    });
    try {
      const started = await vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(uri),
        { type: DEBUG_TYPE, request: 'launch', name: 'extension test', program: uri.fsPath });
      assert.equal(started, true, 'startDebugging returned false');
      const session = await mine;
      const stop = await events.next('stopped');
      assert.equal(stop.reason, 'breakpoint');
      assert.equal(session.type, DEBUG_TYPE);
      assert.equal(await topLine(session, stop.threadId), line + 1);

      await session.customRequest('next', { threadId: stop.threadId });
      const afterStep = await events.next('stopped');
      assert.equal(afterStep.reason, 'step');
      assert.equal(await topLine(session, afterStep.threadId), line + 2);
      const p = (await locals(session, afterStep.threadId)).find((v) => v.name === 'p');
      assert.ok(p, 'no local p');
      assert.match(p.value, /→ chunk 0x20\b/);

      await session.customRequest('stepBack', { threadId: afterStep.threadId });
      const back = await events.next('stopped');
      assert.equal(await topLine(session, back.threadId), line + 1);
      const pBack = (await locals(session, back.threadId)).find((v) => v.name === 'p');
      assert.doesNotMatch(pBack?.value ?? '', /→ chunk/, 'p still points at a chunk after stepping back over its malloc');
    } finally {
      events.dispose();
    }
  });
});

async function scenario(name: string): Promise<vscode.Uri> {
  const found = await vscode.workspace.findFiles(`**/${name}`, '**/node_modules/**', 1);
  assert.ok(found.length, `${name} is not in the test workspace (open a copy of examples/)`);
  return found[0];
}

interface Stopped { reason: string; threadId: number }

// Debug adapter events in arrival order, so a test waits on the adapter's own signal
// instead of polling the UI or sleeping.
function watchAdapter() {
  const queue: { event: string; body: any }[] = [];
  let wake: (() => void) | undefined;
  const reg = vscode.debug.registerDebugAdapterTrackerFactory(DEBUG_TYPE, {
    createDebugAdapterTracker: () => ({
      onDidSendMessage: (m: any) => {
        if (m?.type === 'event') { queue.push({ event: m.event, body: m.body }); wake?.(); }
      },
    }),
  });
  return {
    async next(event: string): Promise<Stopped> {
      for (;;) {
        const i = queue.findIndex((e) => e.event === event || e.event === 'terminated');
        if (i >= 0) {
          const [e] = queue.splice(i, 1);
          if (e.event !== event) throw new Error(`the session ended while waiting for '${event}'`);
          return { reason: e.body?.reason, threadId: e.body?.threadId ?? 1 };
        }
        await new Promise<void>((r) => { wake = r; });
      }
    },
    dispose: () => reg.dispose(),
  };
}

async function topLine(session: vscode.DebugSession, threadId: number): Promise<number> {
  const st = await session.customRequest('stackTrace', { threadId, startFrame: 0, levels: 1 });
  return st.stackFrames[0].line;
}

async function locals(session: vscode.DebugSession, threadId: number): Promise<{ name: string; value: string }[]> {
  const st = await session.customRequest('stackTrace', { threadId, startFrame: 0, levels: 1 });
  const { scopes } = await session.customRequest('scopes', { frameId: st.stackFrames[0].id });
  const scope = scopes.find((s: { name: string }) => /local/i.test(s.name)) ?? scopes[0];
  return (await session.customRequest('variables', { variablesReference: scope.variablesReference })).variables;
}
