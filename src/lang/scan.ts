// The lexer and the little preprocessor scenarios need: `#include` is ignored, `#pragma`
// lines are collected, object-like `#define NAME tokens` substitute. Never throws: bad input
// becomes a located diagnostic and the scan goes on.
import type { Diagnostic, Loc, Pragma } from './ast';

export type TokKind = 'id' | 'num' | 'str' | 'char' | 'op' | 'eof';
export interface Token {
  k: TokKind;
  v: string;              // source text (for op/id), or a description
  loc: Loc;
  num?: bigint;           // numeric value (num, char)
  suffix?: string;        // integer suffix, lower-cased ('u', 'l', 'ul', 'll', 'ull')
  radix?: number;         // 10 for decimal literals (C types them differently from hex/octal)
  bytes?: Uint8Array;     // string literal contents, without the NUL
}

const OPS = ['<<=', '>>=', '...', '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||',
  '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '{', '}', '(', ')', '[', ']', ';', ',', '.', '?', ':',
  '+', '-', '*', '/', '%', '&', '|', '^', '~', '!', '<', '>', '='];

export interface ScanResult { tokens: Token[]; pragmas: Pragma[]; diagnostics: Diagnostic[] }

const isIdStart = (c: string) => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c === '_';
const isDigit = (c: string) => c >= '0' && c <= '9';
const isIdChar = (c: string) => isIdStart(c) || isDigit(c);

const MAX_U64 = (1n << 64n) - 1n;

export function scan(text: string, file: string): ScanResult {
  const tokens: Token[] = [];
  const pragmas: Pragma[] = [];
  const diagnostics: Diagnostic[] = [];
  const defines = new Map<string, Token[]>();
  let i = 0, line = 1, col = 1;
  const loc = (): Loc => ({ file, line, col });
  const err = (l: Loc, message: string) => { if (diagnostics.length < 200) diagnostics.push({ loc: l, message, severity: 'error' }); };
  const adv = (n = 1) => {
    for (let k = 0; k < n && i < text.length; k++) {
      if (text[i] === '\n') { line++; col = 1; } else col++;
      i++;
    }
  };
  let atLineStart = true;

  const escape = (quoteLoc: Loc): number => {
    // at a backslash
    adv();
    const c = text[i];
    if (c === undefined) { err(quoteLoc, 'unterminated escape sequence'); return 0; }
    const simple: Record<string, number> = { n: 10, t: 9, r: 13, '0': 0, '\\': 92, '"': 34, "'": 39, a: 7, b: 8, f: 12, v: 11, e: 27, '?': 63 };
    if (c === 'x') {
      adv();
      let v = 0, n = 0;
      while (n < 2 && /[0-9a-fA-F]/.test(text[i] ?? '')) { v = v * 16 + parseInt(text[i], 16); adv(); n++; }
      if (n === 0) err(loc(), '\\x used with no following hex digits');
      return v & 0xff;
    }
    if (c >= '0' && c <= '7') {
      let v = 0, n = 0;
      while (n < 3 && (text[i] ?? '') >= '0' && (text[i] ?? '') <= '7') { v = v * 8 + Number(text[i]); adv(); n++; }
      return v & 0xff;
    }
    adv();
    if (c in simple) return simple[c];
    err(loc(), `unknown escape sequence '\\${c}'`);
    return c.charCodeAt(0) & 0xff;
  };

  const directive = (): void => {
    const start = loc();
    let end = text.indexOf('\n', i);
    if (end < 0) end = text.length;
    // line continuations
    while (end > 0 && text[end - 1] === '\\' && end < text.length) { const n = text.indexOf('\n', end + 1); end = n < 0 ? text.length : n; }
    const body = text.slice(i + 1, end).replace(/\\\n/g, ' ').replace(/\/\/.*$/, '').replace(/\/\*.*?\*\//g, ' ').trim();
    const m = /^(\w+)\s*(.*)$/s.exec(body);
    const name = m?.[1] ?? '';
    const rest = (m?.[2] ?? '').trim();
    if (name === 'include' || name === '' ) { /* accepted and ignored */ }
    else if (name === 'pragma') {
      const pm = /^(\w+)\s*(.*)$/.exec(rest);
      if (!pm) err(start, 'expected a pragma name after #pragma');
      else pragmas.push({ name: pm[1], value: pm[2].trim(), loc: start });
    } else if (name === 'define') {
      const dm = /^([A-Za-z_]\w*)(\(?)(.*)$/s.exec(rest);
      if (!dm) err(start, 'macro name missing');
      else if (dm[2] === '(') err(start, `function-like macro '${dm[1]}' is not supported; write a function instead`);
      else {
        const sub = scan(dm[3], file);
        // report the replacement's own lexical errors at the directive
        for (const d of sub.diagnostics) err(start, d.message);
        defines.set(dm[1], sub.tokens.filter((t) => t.k !== 'eof').map((t) => ({ ...t, loc: start })));
      }
    } else if (name === 'undef') defines.delete(rest.split(/\s+/)[0]);
    else if (['ifdef', 'ifndef', 'if', 'endif', 'else', 'elif', 'error', 'warning', 'line'].includes(name)) {
      err(start, `preprocessor directive '#${name}' is not supported`);
    } else err(start, `invalid preprocessing directive '#${name}'`);
    adv(end - i);
  };

  const pushId = (t: Token, depth = 0): void => {
    const rep = defines.get(t.v);
    if (rep && depth < 32) {
      for (const r of rep) {
        if (r.k === 'id') pushId({ ...r, loc: t.loc }, depth + 1);
        else tokens.push({ ...r, loc: t.loc });
      }
      return;
    }
    tokens.push(t);
  };

  while (i < text.length) {
    const c = text[i];
    if (c === '\n') { adv(); atLineStart = true; continue; }
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') { adv(); continue; }
    if (c === '\\' && text[i + 1] === '\n') { adv(2); continue; }
    if (c === '/' && text[i + 1] === '/') { while (i < text.length && text[i] !== '\n') adv(); continue; }
    if (c === '/' && text[i + 1] === '*') {
      const l = loc();
      const end = text.indexOf('*/', i + 2);
      if (end < 0) { err(l, 'unterminated /* comment'); adv(text.length - i); break; }
      adv(end + 2 - i);
      continue;
    }
    if (c === '#' && atLineStart) { directive(); continue; }
    atLineStart = false;
    const l = loc();
    if (isIdStart(c)) {
      let j = i;
      while (j < text.length && isIdChar(text[j])) j++;
      const v = text.slice(i, j);
      adv(j - i);
      pushId({ k: 'id', v, loc: l });
      continue;
    }
    if (isDigit(c) || (c === '.' && isDigit(text[i + 1] ?? ''))) {
      let j = i;
      while (j < text.length && /[0-9a-zA-Z_.]/.test(text[j])) j++;
      const raw = text.slice(i, j);
      adv(j - i);
      const m = /^(0[xX][0-9a-fA-F]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)([uUlL]*)$/.exec(raw);
      if (!m) { err(l, /[.eE]/.test(raw) && !/^0[xX]/.test(raw) ? 'floating-point numbers are not supported' : `invalid number '${raw}'`); tokens.push({ k: 'num', v: raw, loc: l, num: 0n, suffix: '', radix: 10 }); continue; }
      const digits = m[1];
      const suffix = m[2].toLowerCase();
      if (!['', 'u', 'l', 'ul', 'lu', 'll', 'ull', 'llu'].includes(suffix)) err(l, `invalid suffix '${m[2]}' on integer constant`);
      let v: bigint;
      let radix = 10;
      if (/^0[xX]/.test(digits)) { v = BigInt(digits); radix = 16; }
      else if (/^0[bB]/.test(digits)) { v = BigInt(digits); radix = 2; }
      else if (digits.length > 1 && digits[0] === '0') { v = BigInt('0o' + digits.slice(1)); radix = 8; }
      else v = BigInt(digits);
      if (v > MAX_U64) { err(l, 'integer literal is too large to be represented in any integer type'); v &= MAX_U64; }
      const norm = suffix === 'lu' ? 'ul' : suffix === 'llu' ? 'ull' : suffix;
      tokens.push({ k: 'num', v: raw, loc: l, num: v, suffix: norm, radix });
      continue;
    }
    if (c === '"') {
      // a string literal; adjacent ones are joined by the parser
      adv();
      const bytes: number[] = [];
      let closed = false;
      while (i < text.length) {
        const ch = text[i];
        if (ch === '"') { adv(); closed = true; break; }
        if (ch === '\n') break;
        if (ch === '\\') { bytes.push(escape(l)); continue; }
        const code = text.codePointAt(i)!;
        const enc = new TextEncoder().encode(String.fromCodePoint(code));
        bytes.push(...enc);
        adv(code > 0xffff ? 2 : 1);
      }
      if (!closed) err(l, 'missing terminating \'"\' character');
      tokens.push({ k: 'str', v: 'string', loc: l, bytes: Uint8Array.from(bytes) });
      continue;
    }
    if (c === "'") {
      adv();
      let v = 0;
      let n = 0;
      while (i < text.length && text[i] !== "'" && text[i] !== '\n') {
        const b = text[i] === '\\' ? escape(l) : (() => { const x = text.charCodeAt(i) & 0xff; adv(); return x; })();
        v = n === 0 ? b : ((v << 8) | b) >>> 0;
        n++;
      }
      if (text[i] === "'") adv(); else err(l, "missing terminating ' character");
      if (n === 0) err(l, 'empty character constant');
      // a plain char constant has type int; a one-byte value is sign-extended as gcc's char is signed
      const val = n === 1 ? ((v << 24) >> 24) : v | 0;
      tokens.push({ k: 'char', v: 'char', loc: l, num: BigInt(val) });
      continue;
    }
    const op = OPS.find((o) => text.startsWith(o, i));
    if (op) { adv(op.length); tokens.push({ k: 'op', v: op, loc: l }); continue; }
    const cp = text.codePointAt(i)!;
    err(l, cp < 32 || cp === 127 ? `invalid character 0x${cp.toString(16)} in source` : `unexpected character '${String.fromCodePoint(cp)}'`);
    adv(cp > 0xffff ? 2 : 1);
  }
  tokens.push({ k: 'eof', v: 'end of file', loc: loc() });
  return { tokens, pragmas, diagnostics };
}
