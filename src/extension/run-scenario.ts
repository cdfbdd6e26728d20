// heapstep.runScenario: the CLI's readable trace of a whole run, in the output channel.
import * as vscode from 'vscode';
import { Commands } from './ids';
import type { Log } from './log';
import { targetDocument } from './target';

const SIGNALS: Record<number, string> = { 1: 'assertion failed', 2: 'errors in the file; nothing ran', 124: 'step limit', 134: 'SIGABRT', 136: 'SIGFPE', 137: 'killed (OOM)', 139: 'SIGSEGV' };

export function registerRunScenario(context: vscode.ExtensionContext, log: Log): void {
  context.subscriptions.push(vscode.commands.registerCommand(Commands.runScenario, async (arg?: unknown) => {
    const doc = await targetDocument(arg);
    if (!doc) return undefined;
    const name = doc.uri.path.split('/').pop() ?? doc.uri.toString();
    log.channel.show(true);
    log.info(`── heapstep run ${name} ──`);
    const { runScenarioText } = await import('./core');   // the machine loads on first use
    const outcome = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Window, title: `HeapStep: running ${name}`, cancellable: true },
      (_p, token) => runScenarioText(doc.getText(), name, (s) => log.channel.append(s), { cancelled: () => token.isCancellationRequested }),
    );
    if (!outcome.cancelled) log.info(`── exit status ${outcome.status}${SIGNALS[outcome.status] ? ` (${SIGNALS[outcome.status]})` : ''} ──`);
    return outcome;
  }));
}
