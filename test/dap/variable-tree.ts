// Helpers for the scope and variable tests: launch the shipped adapter to a set of lines, and
// walk the Variables view's tree the way VS Code fetches it (named children, then the indexed
// ones page by page), flattened to one readable line per variable.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { DebugClient } from '@vscode/debugadapter-testsupport';

export const ADAPTER = resolve('dist/debugAdapter.js');

export const VSCODE_INIT = {
  clientID: 'vscode', clientName: 'Visual Studio Code', adapterID: 'heapstep', pathFormat: 'path' as const,
  linesStartAt1: true, columnsStartAt1: true, supportsVariableType: true, supportsVariablePaging: true,
  supportsRunInTerminalRequest: true, locale: 'en', supportsProgressReporting: true,
  supportsInvalidatedEvent: true, supportsMemoryReferences: true, supportsArgsCanBeInterpretedByShell: true,
  supportsMemoryEvent: true, supportsStartDebuggingRequest: true,
};

// the 1-based line of the first line containing `text`, from its `nth` occurrence (0-based)
export function lineOf(file: string, text: string, nth = 0): number {
  const lines = readFileSync(file, 'utf8').split('\n');
  let seen = 0;
  for (let i = 0; i < lines.length; i++) if (lines[i].includes(text) && seen++ === nth) return i + 1;
  throw new Error(`${file}: no line with '${text}' (occurrence ${nth})`);
}

export async function newClient(): Promise<DebugClient> {
  const dc = new DebugClient('node', ADAPTER, 'heapstep');
  await dc.start();
  await dc.initializeRequest(VSCODE_INIT);
  return dc;
}

// Launches `program` with breakpoints on `lines` and waits for the first stop.
export async function launchTo(dc: DebugClient, program: string, lines: number[]): Promise<void> {
  await Promise.all([
    dc.waitForEvent('initialized')
      .then(() => dc.setBreakpointsRequest({ source: { path: program }, breakpoints: lines.map((line) => ({ line })) }))
      .then(() => dc.configurationDoneRequest()),
    dc.launch({ program }),
    dc.waitForEvent('stopped'),
  ]);
}

export async function topScopes(dc: DebugClient): Promise<DebugProtocol.Scope[]> {
  const st = await dc.stackTraceRequest({ threadId: 1 });
  return (await dc.scopesRequest({ frameId: st.body.stackFrames[0].id })).body.scopes;
}

export interface WalkLimits {
  depth: number;           // levels below a scope
  perLevel: number;        // children fetched per container (the first page)
}

// Children as VS Code asks for them: with `indexedVariables`, the named ones (filter 'named')
// and then the indexed ones (filter 'indexed', start, count); otherwise all at once.
export async function childrenOf(dc: DebugClient, v: { variablesReference: number; indexedVariables?: number; namedVariables?: number }, limit: number): Promise<DebugProtocol.Variable[]> {
  const ref = v.variablesReference;
  if (!v.indexedVariables) return (await dc.variablesRequest({ variablesReference: ref })).body.variables.slice(0, limit);
  const named = v.namedVariables ? (await dc.variablesRequest({ variablesReference: ref, filter: 'named' })).body.variables : [];
  const count = Math.min(v.indexedVariables, Math.max(0, limit - named.length));
  const indexed = count ? (await dc.variablesRequest({ variablesReference: ref, filter: 'indexed', start: 0, count })).body.variables : [];
  return [...named, ...indexed];
}

export function lineFor(v: DebugProtocol.Variable, indent: number): string {
  let s = `${'  '.repeat(indent)}${v.name} = ${v.value}`;
  if (v.type) s += `  {${v.type}}`;
  if (v.memoryReference) s += `  @${v.memoryReference}`;
  if (v.indexedVariables) s += `  [${v.indexedVariables} indexed]`;
  return s;
}

// Every variable under `ref`, depth first, one line each, indented by depth.
export async function walkTree(dc: DebugClient, root: { variablesReference: number; indexedVariables?: number; namedVariables?: number }, lim: WalkLimits, indent = 1, out: string[] = [], visit?: (v: DebugProtocol.Variable) => void): Promise<string[]> {
  const kids = await childrenOf(dc, root, lim.perLevel);
  const total = (root.indexedVariables ?? 0) + (root.namedVariables ?? 0);
  for (const v of kids) {
    visit?.(v);
    out.push(lineFor(v, indent));
    if (v.variablesReference > 0 && indent < lim.depth) await walkTree(dc, v, lim, indent + 1, out, visit);
  }
  if (root.indexedVariables && total > kids.length) out.push(`${'  '.repeat(indent)}... ${total - kids.length} more`);
  return out;
}

// A stop's scopes, each followed by its tree; `limits` may differ from scope to scope.
export async function walkScopes(dc: DebugClient, limits: WalkLimits | ((scope: string) => WalkLimits), visit?: (v: DebugProtocol.Variable) => void): Promise<string[]> {
  const out: string[] = [];
  for (const s of await topScopes(dc)) {
    out.push(`${s.name}${s.expensive ? ' (expensive)' : ''}`);
    await walkTree(dc, s, typeof limits === 'function' ? limits(s.name) : limits, 1, out, visit);
  }
  return out;
}
