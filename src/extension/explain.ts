// heapstep.explain, "Explain This Allocator Call": while a HeapStep session is stopped, the
// allocator call on the cursor's line (or, from the Call Stack, the selected frame's; or the
// stop's) told as prose in the Explain panel; an "Explain" CodeLens on each line of the
// debugged scenario that calls the allocator.
import * as vscode from 'vscode';
import type { ExplainRequestArgs } from '../protocol/explain';
import { allocatorCallLines } from './alloc-sites';
import { uriOfProgram } from './files';
import { Commands, DEBUG_TYPE, LANGUAGE_ID } from './ids';
import type { Stops } from './stops';
import { ExplainPanel } from './views/explain-panel';

// What the command was given: a line (the CodeLens), an editor's URI (the editor menus), a
// stack frame (the Call Stack's menu), or nothing (the palette).
export function explainArgs(arg: unknown, editor: vscode.TextEditor | undefined, session: vscode.DebugSession): ExplainRequestArgs {
  if (typeof arg === 'object' && arg !== null && typeof (arg as { line?: unknown }).line === 'number') return { line: (arg as { line: number }).line };
  if (typeof arg === 'object' && arg !== null && typeof (arg as { frameId?: unknown }).frameId === 'number') return { frameId: (arg as { frameId: number }).frameId };
  const program = (session.configuration as { program?: string }).program;
  if (editor && program && editor.document.uri.toString() === uriOfProgram(program).toString()) return { line: editor.selection.active.line + 1 };
  const item = vscode.debug.activeStackItem;
  if (item instanceof vscode.DebugStackFrame && item.session.id === session.id) return { frameId: item.frameId };
  return {};
}

export function registerExplain(context: vscode.ExtensionContext, stops: Stops): void {
  const panel = new ExplainPanel(context.extensionUri, stops, context.subscriptions);
  context.subscriptions.push(vscode.commands.registerCommand(Commands.explain, async (arg?: unknown) => {
    const session = stops.stoppedSession() ?? (vscode.debug.activeDebugSession?.type === DEBUG_TYPE ? vscode.debug.activeDebugSession : undefined);
    if (!session) {
      void vscode.window.showWarningMessage('HeapStep: Explain needs a HeapStep debug session that is stopped.');
      return null;
    }
    return panel.explain(session, explainArgs(arg, vscode.window.activeTextEditor, session));
  }));

  // "Explain" above each line of the stopped program that calls the allocator
  const changed = new vscode.EventEmitter<void>();
  const lenses: vscode.CodeLensProvider = {
    onDidChangeCodeLenses: changed.event,
    provideCodeLenses(doc) {
      const session = stops.stoppedSession();
      const program = (session?.configuration as { program?: string } | undefined)?.program;
      if (!session || !program || doc.uri.toString() !== uriOfProgram(program).toString()) return [];
      return allocatorCallLines(doc.getText()).map((i) => new vscode.CodeLens(new vscode.Range(i, 0, i, 0),
        { title: 'Explain', tooltip: 'Explain this line\'s allocator call as it last ran', command: Commands.explain, arguments: [{ line: i + 1 }] }));
    },
  };
  context.subscriptions.push(
    changed,
    vscode.languages.registerCodeLensProvider({ language: LANGUAGE_ID }, lenses),
    stops.onDidChange(() => changed.fire()),
    vscode.debug.onDidTerminateDebugSession(() => changed.fire()),
    vscode.debug.onDidChangeActiveDebugSession(() => changed.fire()),
  );
}
