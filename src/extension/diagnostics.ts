// Errors and warnings while typing: the same front end as the CLI and the debugger, run on the
// editor's text a moment after the last keystroke.
import * as vscode from 'vscode';
import type { Diagnostic } from '../lang/ast';
import { LANGUAGE_ID } from './ids';

const DEBOUNCE_MS = 250;

// A diagnostic points at `line:col`; it covers the word there, or one character.
export function toVscode(doc: vscode.TextDocument, d: Diagnostic): vscode.Diagnostic {
  const line = Math.min(Math.max(d.loc.line - 1, 0), Math.max(doc.lineCount - 1, 0));
  const pos = doc.validatePosition(new vscode.Position(line, Math.max(d.loc.col - 1, 0)));
  const word = doc.getWordRangeAtPosition(pos);
  const range = word ?? new vscode.Range(pos, doc.validatePosition(pos.translate(0, 1)));
  const out = new vscode.Diagnostic(range, d.message, d.severity === 'warning' ? vscode.DiagnosticSeverity.Warning : vscode.DiagnosticSeverity.Error);
  out.source = 'heapstep';
  return out;
}

export function registerDiagnostics(context: vscode.ExtensionContext): void {
  const collection = vscode.languages.createDiagnosticCollection(LANGUAGE_ID);
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  const check = async (doc: vscode.TextDocument): Promise<void> => {
    const { checkText } = await import('./core');   // the front end loads after activation
    if (doc.isClosed) return;
    const name = doc.uri.path.split('/').pop() ?? doc.uri.toString();
    collection.set(doc.uri, checkText(doc.getText(), name).map((d) => toVscode(doc, d)));
  };
  const schedule = (doc: vscode.TextDocument, delay: number): void => {
    if (doc.languageId !== LANGUAGE_ID) return;
    const key = doc.uri.toString();
    clearTimeout(timers.get(key));
    timers.set(key, setTimeout(() => { timers.delete(key); void check(doc); }, delay));
  };
  context.subscriptions.push(
    collection,
    vscode.workspace.onDidOpenTextDocument((d) => schedule(d, 0)),
    vscode.workspace.onDidChangeTextDocument((e) => schedule(e.document, DEBOUNCE_MS)),
    vscode.workspace.onDidCloseTextDocument((d) => { clearTimeout(timers.get(d.uri.toString())); collection.delete(d.uri); }),
    { dispose: () => timers.forEach((t) => clearTimeout(t)) },
  );
  for (const d of vscode.workspace.textDocuments) schedule(d, 0);
}
