// heapstep.walkthrough.open: a walkthrough step's "Open and run" button. Opens the step's
// example read-only (a document of the example scheme, so it works in untrusted and virtual
// workspaces and the shipped file is never edited), puts breakpoints before its marked
// statements, debugs it, and once the first stop has been shown reveals the view that answers
// the step's question. The step then counts as done (its `onContext` completion event).
import * as vscode from 'vscode';
import { programOf } from './files';
import { Commands, DEBUG_TYPE, WALKTHROUGH_DONE_PREFIX } from './ids';
import { openExample } from './open-example';
import { WALKTHROUGH_STEPS, revealCommand, stopLines, type WalkthroughStep } from './walkthrough-steps';

const STOP_TIMEOUT_MS = 60_000;

// Resolves once VS Code has shown the session's first stop (it focuses the top frame then), or
// when the session ends without stopping, or after the timeout: the view is revealed anyway.
function firstStop(name: string): { started: (s: vscode.DebugSession) => void; done: Promise<void>; cancel: () => void } {
  let session: vscode.DebugSession | undefined;
  const subs: vscode.Disposable[] = [];
  let finish = (): void => {};
  const done = new Promise<void>((resolve) => {
    const timer = setTimeout(() => finish(), STOP_TIMEOUT_MS);
    finish = () => { clearTimeout(timer); for (const d of subs) d.dispose(); resolve(); };
  });
  const ours = (s: vscode.DebugSession | undefined): boolean => !!s && s.type === DEBUG_TYPE && s.configuration.name === name;
  const shown = (): boolean => {
    const item = vscode.debug.activeStackItem;
    return item instanceof vscode.DebugStackFrame && item.session.id === session?.id;
  };
  subs.push(
    vscode.debug.onDidStartDebugSession((s) => { if (ours(s)) session = s; }),
    vscode.debug.onDidChangeActiveStackItem(() => { if (shown()) finish(); }),
    vscode.debug.onDidTerminateDebugSession((s) => { if (ours(s)) finish(); }),
  );
  return { started: (s) => { session = s; if (shown()) finish(); }, done, cancel: () => finish() };
}

async function addBreakpoints(uri: vscode.Uri, lines: number[]): Promise<void> {
  const have = new Set(vscode.debug.breakpoints
    .filter((b): b is vscode.SourceBreakpoint => b instanceof vscode.SourceBreakpoint && b.location.uri.toString() === uri.toString())
    .map((b) => b.location.range.start.line));
  const add = lines.filter((l) => l >= 0 && !have.has(l))
    .map((l) => new vscode.SourceBreakpoint(new vscode.Location(uri, new vscode.Position(l, 0))));
  if (add.length) vscode.debug.addBreakpoints(add);
}

// The walkthrough page stays in view: when it is the active editor, the example goes to another
// group (a new one beside it if there is none). The page's `command:toSide:` links do this
// too, but only while the page is wide.
function besideTheWalkthrough(): vscode.ViewColumn | undefined {
  const active = vscode.window.tabGroups.activeTabGroup;
  if (!active.activeTab || active.activeTab.input instanceof vscode.TabInputText) return undefined;
  return vscode.window.tabGroups.all.find((g) => g !== active)?.viewColumn ?? vscode.ViewColumn.Beside;
}

export async function openWalkthroughStep(root: vscode.Uri, id: string, step: WalkthroughStep): Promise<boolean> {
  // a step's button restarts its example rather than running a second session beside the last
  const active = vscode.debug.activeDebugSession;
  if (active?.type === DEBUG_TYPE) await vscode.debug.stopDebugging(active);
  const doc = await openExample(root, step.example, true, besideTheWalkthrough());
  const lines = stopLines(doc.getText(), step);
  await addBreakpoints(doc.uri, lines);
  const name = `Walkthrough: ${step.example.split('/').pop()}`;
  const stop = firstStop(name);
  const ok = await vscode.debug.startDebugging(undefined, {
    type: DEBUG_TYPE, request: 'launch', name, program: programOf(doc.uri), stopOnEntry: false,
  });
  if (!ok) { stop.cancel(); return false; }
  if (vscode.debug.activeDebugSession?.configuration.name === name) stop.started(vscode.debug.activeDebugSession);
  await stop.done;
  await vscode.commands.executeCommand(revealCommand(step.view));
  await vscode.commands.executeCommand('setContext', `${WALKTHROUGH_DONE_PREFIX}${id}`, true);
  return true;
}

export function registerWalkthrough(context: vscode.ExtensionContext): void {
  const root = vscode.Uri.joinPath(context.extensionUri, 'examples');
  context.subscriptions.push(vscode.commands.registerCommand(Commands.walkthroughOpen, async (id?: unknown) => {
    const step = typeof id === 'string' && Object.hasOwn(WALKTHROUGH_STEPS, id) ? WALKTHROUGH_STEPS[id] : undefined;
    if (!step) {
      void vscode.window.showErrorMessage(`HeapStep: no walkthrough step ${JSON.stringify(id)}.`);
      return false;
    }
    return openWalkthroughStep(root, id as string, step);
  }));
}
