// The shape of a request's arguments, checked before any handler sees them: a request without
// the arguments the Debug Adapter Protocol requires (or with one of the wrong type) gets an
// error that names what is missing, not a TypeError from deep inside a handler.
import type { DebugProtocol } from '@vscode/debugprotocol';

type Kind = 'string' | 'number' | 'array' | 'object';

// Required fields by command; `list[].field` is required in each element of `list`.
const REQUIRED: Record<string, Record<string, Kind>> = {
  setBreakpoints: { source: 'object', 'breakpoints[].line': 'number' },
  setFunctionBreakpoints: { breakpoints: 'array', 'breakpoints[].name': 'string' },
  setExceptionBreakpoints: { filters: 'array' },
  dataBreakpointInfo: { name: 'string' },
  setDataBreakpoints: { breakpoints: 'array', 'breakpoints[].dataId': 'string' },
  continue: { threadId: 'number' }, next: { threadId: 'number' }, stepIn: { threadId: 'number' },
  stepOut: { threadId: 'number' }, stepBack: { threadId: 'number' }, reverseContinue: { threadId: 'number' },
  pause: { threadId: 'number' }, goto: { threadId: 'number', targetId: 'number' },
  stackTrace: { threadId: 'number' }, scopes: { frameId: 'number' }, variables: { variablesReference: 'number' },
  setVariable: { variablesReference: 'number', name: 'string', value: 'string' },
  source: { sourceReference: 'number' },
  evaluate: { expression: 'string' }, setExpression: { expression: 'string', value: 'string' },
  completions: { text: 'string', column: 'number' },
  exceptionInfo: { threadId: 'number' },
  readMemory: { memoryReference: 'string', count: 'number' }, writeMemory: { memoryReference: 'string', data: 'string' },
};

const A: Record<Kind, string> = { string: 'a string', number: 'a number', array: 'a list', object: 'an object' };

function kindOf(v: unknown): Kind | 'missing' | 'other' {
  if (v === undefined || v === null) return 'missing';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'number') return Number.isFinite(v) ? 'number' : 'other';
  if (typeof v === 'string' || typeof v === 'object') return typeof v as Kind;
  return 'other';
}

// What is wrong with the request's arguments, in words, or null.
export function requestProblem(request: DebugProtocol.Request): string | null {
  const fields = REQUIRED[request.command];
  if (!fields) return null;
  const args: unknown = request.arguments;
  if (kindOf(args) !== 'object') return `${request.command}: the request needs its arguments (an object)`;
  const a = args as Record<string, unknown>;
  for (const [path, want] of Object.entries(fields)) {
    const m = /^(\w+)\[\]\.(\w+)$/.exec(path);
    if (!m) {
      const got = kindOf(a[path]);
      if (got !== want) return `${request.command}: "${path}" ${got === 'missing' ? 'is missing' : `must be ${A[want]}`}`;
      continue;
    }
    const list = a[m[1]];
    if (list === undefined) continue;
    if (!Array.isArray(list)) return `${request.command}: "${m[1]}" must be a list`;
    const i = list.findIndex((e) => kindOf(e) !== 'object' || kindOf((e as Record<string, unknown>)[m[2]]) !== want);
    if (i >= 0) return `${request.command}: ${m[1]}[${i}] needs a "${m[2]}" (${A[want]})`;
  }
  return null;
}
