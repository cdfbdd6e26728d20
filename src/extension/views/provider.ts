// Hosts one HeapStep view in the panel: its page (strict CSP, a fresh nonce per load), the
// state from the feed, and what the view asks for.
import * as vscode from 'vscode';
import { isViewMessage, type ViewId, type ViewMessage } from '../../protocol/messages';
import { makeNonce, viewHtml } from './html';
import type { StateFeed } from './feed';
import { revealChunk } from './memory';

export class HeapStepView implements vscode.WebviewViewProvider {
  constructor(private readonly extensionUri: vscode.Uri, private readonly view: ViewId, private readonly feed: StateFeed) {}

  resolveWebviewView(wv: vscode.WebviewView): void {
    const media = vscode.Uri.joinPath(this.extensionUri, 'dist', 'media');
    wv.webview.options = { enableScripts: true, localResourceRoots: [media] };
    wv.webview.html = viewHtml({ cspSource: wv.webview.cspSource, nonce: makeNonce(), mediaRoot: wv.webview.asWebviewUri(media).toString(), view: this.view });
    let ready = false;
    const sub = this.feed.subscribe((m) => { if (ready && wv.visible) void wv.webview.postMessage(m); });
    const msgs = wv.webview.onDidReceiveMessage((m: unknown) => { if (isViewMessage(m)) void this.handle(m, wv); });
    // a view hidden while stops went by catches up when shown
    const catchUp = () => { for (const m of this.feed.catchUp()) void wv.webview.postMessage(m); };
    const vis = wv.onDidChangeVisibility(() => { if (wv.visible && ready) catchUp(); });
    wv.onDidDispose(() => { sub.dispose(); msgs.dispose(); vis.dispose(); });
    this.markReady = () => { ready = true; catchUp(); };
  }

  private markReady: () => void = () => {};

  private async handle(m: ViewMessage, wv: vscode.WebviewView): Promise<void> {
    switch (m.type) {
      case 'ready': this.markReady(); return;
      case 'reveal': {
        const s = vscode.debug.activeDebugSession;
        if (s) await revealChunk(s, m.addr, m.size).catch((e: unknown) => vscode.window.showWarningMessage(`HeapStep: cannot open memory: ${(e as Error)?.message ?? e}`));
        return;
      }
      case 'selectAddress':
        await this.feed.selectAddress(m.addr);
        if (this.view !== 'pageWalk') await vscode.commands.executeCommand('heapstep.pageWalk.focus', { preserveFocus: true });
        return;
      case 'travel': await this.feed.travel(m.step); return;
      default: { const never: never = m; void never; void wv; }
    }
  }
}
