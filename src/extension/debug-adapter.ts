// The debug adapter runs inside the extension host (inline): no process is spawned and no code
// from the workspace runs on the host, so untrusted and virtual workspaces and VS Code for the
// Web debug scenarios the same way as a desktop.
import * as vscode from 'vscode';
import { workspaceFiles } from './files';
import { DEBUG_TYPE } from './ids';

export function registerDebugAdapter(context: vscode.ExtensionContext): void {
  const factory: vscode.DebugAdapterDescriptorFactory = {
    // loaded at the first debug session, not at activation: the session brings the whole machine
    createDebugAdapterDescriptor: async () => {
      const { HeapStepSession } = await import('./core');
      return new vscode.DebugAdapterInlineImplementation(new HeapStepSession(workspaceFiles));
    },
  };
  context.subscriptions.push(vscode.debug.registerDebugAdapterDescriptorFactory(DEBUG_TYPE, factory));
}
