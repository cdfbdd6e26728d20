// What the DAP tests start from: the shipped adapter over stdio, a client initialized with
// VS Code's own arguments (or a bare client's), and breakpoint lines found by markers in a
// fixture rather than hard-coded numbers.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { DebugClient } from '@vscode/debugadapter-testsupport';
import type { DebugProtocol } from '@vscode/debugprotocol';

export const ADAPTER = resolve('dist/debugAdapter.js');

export const VSCODE_INIT: DebugProtocol.InitializeRequestArguments = {
  clientID: 'vscode', clientName: 'Visual Studio Code', adapterID: 'heapstep', pathFormat: 'path',
  linesStartAt1: true, columnsStartAt1: true, supportsVariableType: true, supportsVariablePaging: true,
  supportsRunInTerminalRequest: true, locale: 'en', supportsProgressReporting: true,
  supportsInvalidatedEvent: true, supportsMemoryReferences: true, supportsArgsCanBeInterpretedByShell: true,
  supportsMemoryEvent: true, supportsStartDebuggingRequest: true,
};
// a client that asks for nothing beyond the protocol's basics
export const BARE_INIT: DebugProtocol.InitializeRequestArguments = { adapterID: 'heapstep', linesStartAt1: true, columnsStartAt1: true, pathFormat: 'path' };

export function marker(file: string, name: string): number {
  const i = readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(name));
  if (i < 0) throw new Error(`no marker ${name} in ${file}`);
  return i + 1;
}

export async function startClient(init: DebugProtocol.InitializeRequestArguments = VSCODE_INIT): Promise<DebugClient> {
  const dc = new DebugClient('node', ADAPTER, 'heapstep');
  await dc.start();
  await dc.initializeRequest(init);
  return dc;
}
