// How the inline debug session reads a scenario. An open editor wins over the file on disk, so
// unsaved edits, untitled documents and read-only example documents debug as they are shown;
// anything else goes through VS Code's file system, which also serves virtual workspaces.
import * as vscode from 'vscode';
import type { FileAccessor } from '../debug/runtime';

// A launch configuration's `program` is a path, or a URI for documents that have no path.
export function uriOfProgram(program: string): vscode.Uri {
  const isUri = /^[a-zA-Z][a-zA-Z0-9+.-]+:/.test(program) && !/^[a-zA-Z]:[\\/]/.test(program);
  return isUri ? vscode.Uri.parse(program) : vscode.Uri.file(program);
}

// The inverse: what to put in `program` for a document.
export function programOf(uri: vscode.Uri): string {
  return uri.scheme === 'file' ? uri.fsPath : uri.toString();
}

export const workspaceFiles: FileAccessor = {
  async readFile(program: string): Promise<string> {
    const uri = uriOfProgram(program);
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
    if (open) return open.getText();
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
  },
};
