// heapstep.exportState: the stopped process's heap, bins, mappings and counters as JSON in an
// untitled editor, exactly as the `heapstep/state` request answers the views.
import * as vscode from 'vscode';
import { STATE_REQUEST, type HeapState } from '../protocol/state';
import { Commands, DEBUG_TYPE } from './ids';

export async function exportState(): Promise<vscode.TextDocument | undefined> {
  const session = vscode.debug.activeDebugSession;
  if (session?.type !== DEBUG_TYPE) {
    void vscode.window.showWarningMessage('HeapStep: no HeapStep debug session is active.');
    return undefined;
  }
  let state: HeapState;
  try {
    state = await session.customRequest(STATE_REQUEST, {}) as HeapState;
  } catch (e) {
    void vscode.window.showErrorMessage(`HeapStep: cannot read the state: ${(e as Error)?.message ?? e}`);
    return undefined;
  }
  const doc = await vscode.workspace.openTextDocument({ language: 'json', content: JSON.stringify(state, null, 2) + '\n' });
  await vscode.window.showTextDocument(doc, { preview: false });
  return doc;
}

export function registerExportState(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand(Commands.exportState, exportState));
}
