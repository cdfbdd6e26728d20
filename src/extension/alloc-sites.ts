// Where a scenario calls the allocator, read from its text: the line, and the pointer the
// debugger can evaluate there to see what that call did. A heuristic over the source (comments
// and strings blanked out), not a second parser: a site it misses just shows no inline value.
// No vscode import, so unit tests check it directly.
import { ALLOCATOR_ENTRIES, RETURNS_CHUNK } from '../lang/builtins';

export interface AllocSite {
  line: number;              // 0-based, as editors count
  kind: 'alloc' | 'free';
  target: string;            // what to evaluate: the pointer assigned, or the one freed
}

const ALLOCATORS = [...RETURNS_CHUNK].join('|');
const LVALUE = String.raw`[A-Za-z_]\w*(?:\s*(?:->|\.)\s*[A-Za-z_]\w*|\s*\[[^\]\n]*\])*`;
const CAST = String.raw`(?:\(\s*[A-Za-z_][\w\s]*\**\s*\)\s*)?`;
const ASSIGN = new RegExp(String.raw`(${LVALUE})\s*=\s*${CAST}(?:${ALLOCATORS})\s*\(`, 'g');
const POSIX_MEMALIGN = new RegExp(String.raw`\bposix_memalign\s*\(\s*&\s*(${LVALUE})`, 'g');
const FREE = new RegExp(String.raw`\bfree\s*\(\s*${CAST}(${LVALUE})\s*\)`, 'g');

// Comments and string/char literals become spaces, so braces and calls inside them count for
// nothing, and columns stay where they were.
export function blankNonCode(text: string): string {
  let out = '', i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i], d = text[i + 1];
    if (c === '/' && d === '/') { while (i < n && text[i] !== '\n') { out += ' '; i++; } continue; }
    if (c === '/' && d === '*') {
      const end = text.indexOf('*/', i + 2), stop = end < 0 ? n : end + 2;
      for (; i < stop; i++) out += text[i] === '\n' ? '\n' : ' ';
      continue;
    }
    if (c === '"' || c === "'") {
      out += c; i++;
      while (i < n && text[i] !== c && text[i] !== '\n') { if (text[i] === '\\') { out += ' '; i++; } out += ' '; i++; }
      if (i < n && text[i] === c) { out += c; i++; }
      continue;
    }
    out += c; i++;
  }
  return out;
}

export function allocSites(text: string): AllocSite[] {
  const lines = blankNonCode(text).split('\n');
  const sites: AllocSite[] = [];
  lines.forEach((l, line) => {
    for (const m of l.matchAll(ASSIGN)) sites.push({ line, kind: 'alloc', target: squash(m[1]) });
    for (const m of l.matchAll(POSIX_MEMALIGN)) sites.push({ line, kind: 'alloc', target: squash(m[1]) });
    for (const m of l.matchAll(FREE)) sites.push({ line, kind: 'free', target: squash(m[1]) });
  });
  return sites;
}

const squash = (s: string): string => s.replace(/\s+/g, '');

// Every line (0-based) that calls an allocator entry point at all, assigned or not.
const ANY_CALL = new RegExp(String.raw`\b(?:${[...ALLOCATOR_ENTRIES].join('|')})\s*\(`);
export function allocatorCallLines(text: string): number[] {
  return blankNonCode(text).split('\n').flatMap((l, i) => (ANY_CALL.test(l) ? [i] : []));
}

// For each line, the top-level block it sits in: the 0-based line of that block's `{`, or -1
// for code outside any function (a script-style file's statements). A stop in one function
// says nothing about the pointers of another.
export function regions(text: string): number[] {
  const lines = blankNonCode(text).split('\n');
  const out: number[] = [];
  let depth = 0, open = -1;
  lines.forEach((l, line) => {
    let region = depth > 0 ? open : -1;
    for (const c of l) {
      if (c === '{') { if (depth === 0) { open = line; region = line; } depth++; }
      else if (c === '}' && depth > 0) depth--;
    }
    out.push(region);
  });
  return out;
}
