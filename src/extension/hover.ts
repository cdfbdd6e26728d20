// While a HeapStep session is stopped, hovering a pointer shows its chunk: the debugger's own
// `chunk EXPR` command when it has one, else the pointer's value looked up in the heap state.
import * as vscode from 'vscode';
import { chunkSummary, parsePointer } from './chunk-label';
import { LANGUAGE_ID } from './ids';
import { evaluateIn, type Stops } from './stops';

export function registerHover(context: vscode.ExtensionContext, stops: Stops): void {
  const provider: vscode.HoverProvider = {
    async provideHover(doc, position) {
      const session = stops.stoppedSession();
      if (!session) return undefined;
      const range = doc.getWordRangeAtPosition(position, /[A-Za-z_]\w*/);
      if (!range) return undefined;
      const name = doc.getText(range);
      const frameId = (vscode.debug.activeStackItem instanceof vscode.DebugStackFrame && vscode.debug.activeStackItem.session.id === session.id)
        ? vscode.debug.activeStackItem.frameId : undefined;
      const md = new vscode.MarkdownString();
      // the console's commands answer in the `watch` context too, where writes are refused
      const chunk = await evaluateIn(session, `chunk ${name}`, frameId, 'watch');
      if (chunk !== null) {
        md.appendCodeblock(chunk, 'text');
        return new vscode.Hover(md, range);
      }
      const value = await evaluateIn(session, name, frameId, 'hover');
      const ptr = value === null ? null : parsePointer(value);
      if (ptr === null || ptr === 0) return undefined;
      const state = await stops.state(session);
      const summary = state ? chunkSummary(state, ptr) : null;
      if (!summary) return undefined;
      md.appendCodeblock(`${name} = ${value}\n${summary}`, 'text');
      return new vscode.Hover(md, range);
    },
  };
  context.subscriptions.push(vscode.languages.registerHoverProvider({ language: LANGUAGE_ID }, provider));
}
