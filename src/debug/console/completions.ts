// completions for the Debug Console: struct fields after `.` and `->` (the operand typed by the
// front end, never evaluated), else the variables in scope, the built-ins and constants, a
// few C keywords, and at the start of a line the console's commands.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { BUILTINS, CONSTANTS } from '../../lang/index';
import { typeName } from '../values';
import { COMMANDS } from './commands';
import type { ConsoleContext } from './context';
import { compileIn, COUNTER_BUILTINS, frameView, visibleDecls } from './expr';

const KEYWORDS = ['sizeof', 'struct', 'char', 'short', 'int', 'long', 'unsigned', 'signed', 'size_t', 'uintptr_t', 'void'];

// The operand before a trailing `.` or `->`: names, members and bracketed groups, scanned
// back to the first character that cannot belong to it.
export function operandBefore(s: string): string {
  const end = s.trimEnd().length;
  let i = end, depth = 0;
  while (i > 0) {
    const c = s[i - 1];
    if (c === ')' || c === ']') { depth++; i--; continue; }
    if (c === '(' || c === '[') { if (depth === 0) break; depth--; i--; continue; }
    if (depth > 0 || /[\w.]/.test(c)) { i--; continue; }
    if (c === '>' && s[i - 2] === '-') { i -= 2; continue; }
    break;
  }
  return s.slice(i, end);
}

export function completions(con: ConsoleContext, args: DebugProtocol.CompletionsArguments): DebugProtocol.CompletionItem[] {
  const sc = con.scenario;
  const base = con.client.columnsStartAt1 === false ? 0 : 1;
  const before = args.text.slice(0, Math.max(0, args.column - base));
  const word = /(?<![\w])[A-Za-z_]\w*$/.exec(before)?.[0] ?? '';
  const head = before.slice(0, before.length - word.length);
  if (!word && /\w$/.test(head)) return [];           // inside a number or x/4gx's letters
  const item = (label: string, type: DebugProtocol.CompletionItemType, rank: string, detail?: string): DebugProtocol.CompletionItem =>
    ({ label, type, detail, sortText: rank + label, start: head.length + base, length: word.length });
  const fv = frameView(sc, args.frameId);

  const member = /(\.|->)\s*$/.exec(head);
  if (member) {
    let t;
    try { t = compileIn(sc, fv, operandBefore(head.slice(0, member.index)), 'object').type; } catch { return []; }
    const st = t.k === 'struct' ? t : t.k === 'ptr' && t.to.k === 'struct' ? t.to : null;
    if (!st) return [];
    return st.fields.filter((f) => f.name.startsWith(word)).map((f) => item(f.name, 'field', 'a', typeName(f.type)));
  }
  if (/\bstruct\s+$/.test(head)) {
    return [...sc.program.structs.keys()].filter((n) => n.startsWith(word)).map((n) => item(n, 'class', 'a'));
  }

  const out: DebugProtocol.CompletionItem[] = [];
  const seen = new Set<string>();
  const add = (c: DebugProtocol.CompletionItem) => { if (c.label.startsWith(word) && !seen.has(c.label)) { seen.add(c.label); out.push(c); } };
  const decls = visibleDecls(sc, fv);
  for (const d of [...decls].reverse()) add(item(d.name, 'variable', d.storage.kind === 'global' ? 'b' : 'a', typeName(d.type)));
  if (!head.trim()) for (const k of COMMANDS) for (const n of k.names) add(item(n, 'keyword', 'c', k.usage));
  for (const n of COUNTER_BUILTINS) add(item(n, 'function', 'd', BUILTINS[n]?.doc));
  for (const n of Object.keys(CONSTANTS)) add(item(n, 'value', 'e'));
  for (const n of KEYWORDS) add(item(n, 'keyword', 'f'));
  return out;
}
