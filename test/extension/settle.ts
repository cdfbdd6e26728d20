// Between tests: no HeapStep session left running. A session still shutting down would answer
// the next test's requests in its place or open editors while that test opens its own.
import * as vscode from 'vscode';

export async function settle(): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (vscode.debug.activeDebugSession && Date.now() < deadline) {
    const ended = new Promise<void>((resolve) => {
      const d = vscode.debug.onDidTerminateDebugSession(() => { d.dispose(); resolve(); });
      setTimeout(() => { d.dispose(); resolve(); }, 1000);
    });
    await vscode.debug.stopDebugging();
    await ended;
  }
  vscode.debug.removeBreakpoints(vscode.debug.breakpoints);
}

// showTextDocument refuses when another editor opens in the same moment (a session that just
// ended may still reveal its file): ask again, as a person would click again.
export async function show(doc: vscode.TextDocument): Promise<vscode.TextEditor> {
  for (let attempt = 0; ; attempt++) {
    try { return await vscode.window.showTextDocument(doc); } catch (e) {
      if (attempt >= 4 || !/another editor opened/.test(String((e as Error).message))) throw e;
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}
