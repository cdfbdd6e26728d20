// The Explain panel: one webview panel beside the editor showing the answer to a
// `heapstep/explain` request, asked again at every stop of the session it belongs to. Its
// links open what they name: a chunk in the heap map and its memory, a bin in the Bins view,
// a system call or mapping in the Address space view, a glibc function in the listing.
import * as vscode from 'vscode';
import { EXPLAIN_REQUEST, isExplainViewMessage, type ExplainHostMessage, type ExplainRef, type ExplainRequestArgs, type ExplainResponse } from '../../protocol/explain';
import { explainHtml } from './explain-html';
import { makeNonce } from './html';
import { revealChunk } from './memory';
import type { Stops } from '../stops';
import { InternalCommands } from '../ids';

const MAX_REVEAL = 64 * 1024;   // a chunk's memory view shows at most this much (a top chunk may be huge)

export class ExplainPanel {
  private panel: vscode.WebviewPanel | null = null;
  private ready = false;
  private last: ExplainHostMessage = { type: 'status', message: 'Nothing explained yet.' };
  private session: vscode.DebugSession | null = null;
  private args: ExplainRequestArgs = {};
  private seq = 0;

  constructor(private readonly extensionUri: vscode.Uri, stops: Stops, subscriptions: vscode.Disposable[]) {
    subscriptions.push(
      // the same line again at the next stop (a frame id would belong to the old stop)
      stops.onDidChange(({ session }) => {
        if (this.panel && session.id === this.session?.id) void this.ask(session, { line: this.args.line });
      }),
      vscode.debug.onDidTerminateDebugSession((s) => {
        if (s.id === this.session?.id) this.show({ type: 'status', message: 'The debug session has ended.' });
      }),
      { dispose: () => this.panel?.dispose() },
    );
  }

  // Asks the adapter and shows the answer, opening the panel if needed.
  async explain(session: vscode.DebugSession, args: ExplainRequestArgs): Promise<ExplainResponse | null> {
    this.open();
    return this.ask(session, args);
  }

  private async ask(session: vscode.DebugSession, args: ExplainRequestArgs): Promise<ExplainResponse | null> {
    this.session = session;
    this.args = args;
    const seq = ++this.seq;
    try {
      const r = await session.customRequest(EXPLAIN_REQUEST, args) as ExplainResponse;
      if (seq === this.seq) this.show({ type: 'explain', explanation: r });
      return r;
    } catch (e) {
      if (seq === this.seq) this.show({ type: 'status', message: `Cannot explain: ${(e as Error)?.message ?? e}` });
      return null;
    }
  }

  private show(m: ExplainHostMessage): void {
    this.last = m;
    if (this.panel && m.type === 'explain') this.panel.title = m.explanation.calls[0] ? `Explain ${m.explanation.calls[0].call}` : 'Explain';
    if (this.panel && this.ready) void this.panel.webview.postMessage(m);
  }

  private open(): void {
    if (this.panel) { this.panel.reveal(vscode.ViewColumn.Beside, true); return; }
    const media = vscode.Uri.joinPath(this.extensionUri, 'dist', 'media');
    const panel = vscode.window.createWebviewPanel('heapstep.explain', 'Explain', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true },
      { enableScripts: true, localResourceRoots: [media] });
    panel.iconPath = vscode.Uri.joinPath(media, 'heapstep.svg');
    panel.webview.html = explainHtml({ cspSource: panel.webview.cspSource, nonce: makeNonce(), mediaRoot: panel.webview.asWebviewUri(media).toString() });
    this.ready = false;
    panel.webview.onDidReceiveMessage((m: unknown) => {
      if (!isExplainViewMessage(m)) return;
      if (m.type === 'ready') { this.ready = true; void panel.webview.postMessage(this.last); return; }
      void this.follow(m.ref).catch((e: unknown) => vscode.window.showWarningMessage(`HeapStep: ${(e as Error)?.message ?? e}`));
    });
    panel.onDidDispose(() => { this.panel = null; this.ready = false; });
    this.panel = panel;
  }

  private async follow(ref: ExplainRef): Promise<void> {
    const s = this.session;
    switch (ref.kind) {
      case 'chunk':
        await vscode.commands.executeCommand('heapstep.heapMap.focus', { preserveFocus: true });
        await vscode.commands.executeCommand(InternalCommands.selectChunk, ref.addr);
        if (s) await revealChunk(s, ref.addr, Math.min(Math.max(ref.size, 16), MAX_REVEAL));
        return;
      case 'bin': await vscode.commands.executeCommand('heapstep.bins.focus', { preserveFocus: true }); return;
      case 'syscall': case 'mapping': await vscode.commands.executeCommand('heapstep.addressSpace.focus', { preserveFocus: true }); return;
      case 'source': {
        if (!s || ref.sourceReference === undefined) throw new Error(`the glibc listing of ${ref.glibcFunction} belongs to a debug session that has ended`);
        // VS Code's own address of a source the adapter serves (its Source.uri)
        const uri = vscode.Uri.from({ scheme: 'debug', path: ref.name ?? ref.glibcFunction, query: `session=${encodeURIComponent(s.id)}&ref=${ref.sourceReference}` });
        const doc = await vscode.workspace.openTextDocument(uri);
        const line = Math.max(0, Math.min((ref.line ?? 1) - 1, doc.lineCount - 1));
        await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.One, preview: true, selection: new vscode.Range(line, 0, line, doc.lineAt(line).text.length) });
        return;
      }
      default: { const never: never = ref; void never; }
    }
  }
}
