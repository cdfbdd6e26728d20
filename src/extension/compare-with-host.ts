// heapstep.compareWithHost: the scenario translated to C, built with this machine's gcc and run
// on its glibc, then compared call by call with the emulator (src/extension/compare). It runs
// code on the host, so only in a trusted workspace, and only on the desktop: the web build
// registers nothing (process.platform is the constant "browser" there).
import * as vscode from 'vscode';
import { Commands } from './ids';
import { targetDocument } from './target';

const SCHEME = 'heapstep-compare';

export function registerCompareWithHost(context: vscode.ExtensionContext): void {
  if ((process.platform as string) === 'browser') return;
  const reports = new Map<string, string>();
  const changed = new vscode.EventEmitter<vscode.Uri>();
  const diagnostics = vscode.languages.createDiagnosticCollection('heapstep-compare');
  context.subscriptions.push(
    changed, diagnostics,
    vscode.workspace.registerTextDocumentContentProvider(SCHEME, { onDidChange: changed.event, provideTextDocumentContent: (uri) => reports.get(uri.toString()) ?? '' }),
    vscode.workspace.onDidChangeTextDocument((e) => diagnostics.delete(e.document.uri)),
    vscode.commands.registerCommand(Commands.compareWithHost, async (arg?: unknown) => {
      if (!vscode.workspace.isTrusted) {
        void vscode.window.showWarningMessage('HeapStep: Compare with Your Machine compiles the scenario and runs it on this machine, so it is only available in a trusted workspace.');
        return undefined;
      }
      const doc = await targetDocument(arg);
      if (!doc) return undefined;
      const name = doc.uri.path.split('/').pop() ?? doc.uri.toString();
      const { hostCompare } = await import('./core');   // the machine and the host runner load on first use
      const m = hostCompare();
      if (!m) { void vscode.window.showWarningMessage('HeapStep: Compare with Your Machine needs VS Code on the desktop.'); return undefined; }
      const outcome = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: `HeapStep: running ${name} on the emulator and on this machine`, cancellable: true },
        (_p, token) => m.compareScenario(doc.getText(), name, { header: vscode.Uri.joinPath(context.extensionUri, 'resources', 'compare', 'heapstep-host.h').fsPath, cancelled: () => token.isCancellationRequested }),
      );
      const text = m.outcomeSummary(outcome);
      if (outcome.kind === 'failed' && outcome.reason === 'no-compiler') { void vscode.window.showErrorMessage(`HeapStep: ${outcome.message}`); return outcome; }
      // differing lines get a warning where they are
      diagnostics.delete(doc.uri);
      if (outcome.kind === 'compared') {
        const list = outcome.comparison.rows.filter((r) => !r.agree && r.line > 0).map((r) => {
          const line = doc.lineAt(Math.min(r.line, doc.lineCount) - 1);
          const d = new vscode.Diagnostic(line.range, `on this machine: ${r.host}\nin the emulator: ${r.emulator}`, vscode.DiagnosticSeverity.Warning);
          d.source = 'heapstep: compare with your machine';
          return d;
        });
        diagnostics.set(doc.uri, list);
      }
      const uri = vscode.Uri.from({ scheme: SCHEME, path: `/${name}.compare.md`, query: doc.uri.toString() });
      reports.set(uri.toString(), m.reportMarkdown(outcome));
      changed.fire(uri);
      const show = async (): Promise<void> => {
        try { await vscode.commands.executeCommand('markdown.showPreviewToSide', uri); } catch { await vscode.window.showTextDocument(uri, { preview: true, viewColumn: vscode.ViewColumn.Beside }); }
      };
      await show();
      const differs = outcome.kind !== 'compared' || outcome.comparison.calls.differ > 0 || !outcome.comparison.end.agree || outcome.comparison.asserts.differ > 0;
      void (differs ? vscode.window.showWarningMessage(`HeapStep: ${text}`) : vscode.window.showInformationMessage(`HeapStep: ${text}`));
      return outcome;
    }),
  );
}
