// The "HeapStep" output channel: run output, activation time, and failures a user should be
// able to read without opening the developer tools.
import * as vscode from 'vscode';

export interface Log {
  readonly channel: vscode.OutputChannel;
  info(line: string): void;
}

export function createLog(context: vscode.ExtensionContext): Log {
  const channel = vscode.window.createOutputChannel('HeapStep');
  context.subscriptions.push(channel);
  return { channel, info: (line) => channel.appendLine(line) };
}
