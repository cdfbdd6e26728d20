// Which scenario a command acts on: the resource the editor-title button or explorer passed,
// else the active editor's document.
import * as vscode from 'vscode';
import { LANGUAGE_ID } from './ids';

export async function targetDocument(arg: unknown): Promise<vscode.TextDocument | undefined> {
  if (arg instanceof vscode.Uri) return vscode.workspace.openTextDocument(arg);
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && (doc.languageId === LANGUAGE_ID || doc.fileName.endsWith('.heap'))) return doc;
  void vscode.window.showWarningMessage('HeapStep: open a .heap scenario first.');
  return undefined;
}
