// heapstep.debugScenario: the editor-title Debug button, also for untitled and read-only
// example documents (their URI stands in for a path).
import * as vscode from 'vscode';
import { programOf } from './files';
import { Commands, DEBUG_TYPE } from './ids';
import { targetDocument } from './target';

export function registerDebugScenario(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand(Commands.debugScenario, async (arg?: unknown) => {
    const doc = await targetDocument(arg);
    if (!doc) return false;
    const name = doc.uri.path.split('/').pop() ?? 'scenario';
    return vscode.debug.startDebugging(vscode.workspace.getWorkspaceFolder(doc.uri), {
      type: DEBUG_TYPE, request: 'launch', name: `Debug ${name}`, program: programOf(doc.uri), stopOnEntry: false,
    });
  }));
}
