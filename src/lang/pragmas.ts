// LANGUAGE.md's pragma table: names and the values each accepts.
import type { Diagnostic, Pragma } from './ast';

const SIZE = /^\d+\s*([KMGT]i?B?|[KMGT])?$/i;
const FILE = /^[\w./-]+\s+(\d+\s*([KMGT]i?B?|[KMGT])?|"(?:[^"\\]|\\.)*")$/i;

const RULES: Record<string, { ok: (v: string) => boolean; expect: string }> = {
  arch: { ok: (v) => v === 'x86_64' || v === 'i386', expect: "'x86_64' or 'i386'" },
  glibc: { ok: (v) => v === '2.36', expect: "'2.36' (the version profile emulated)" },
  ram: { ok: (v) => SIZE.test(v) && !/^0+\D*$/.test(v), expect: 'a size such as 512MiB or 4GiB' },
  swap: { ok: (v) => SIZE.test(v), expect: 'a size such as 1GiB, or 0' },
  overcommit: { ok: (v) => ['0', '1', '2'].includes(v), expect: '0, 1 or 2' },
  aslr: { ok: (v) => v === 'on' || v === 'off', expect: "'on' or 'off'" },
  seed: { ok: (v) => /^\d+$/.test(v) && Number(v) <= Number.MAX_SAFE_INTEGER, expect: 'a non-negative integer' },
  swappiness: { ok: (v) => /^\d+$/.test(v) && Number(v) <= 200, expect: 'an integer from 0 to 200 (vm.swappiness)' },
  hog: { ok: (v) => SIZE.test(v), expect: 'a size such as 8MiB (memory a background process holds)' },
  file: { ok: (v) => FILE.test(v), expect: 'a name and a size (#pragma file data.bin 8MiB) or a name and a string (#pragma file notes.txt "hello\\n")' },
  stdio_buffers: { ok: (v) => ['off', 'on', 'pipe', 'tty'].includes(v), expect: "'off', 'on', 'pipe' or 'tty'" },
};

export function validatePragmas(pragmas: Pragma[]): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const p of pragmas) {
    const r = RULES[p.name];
    if (!r) { out.push({ loc: p.loc, message: `unknown pragma '${p.name}' (known: ${Object.keys(RULES).join(', ')})`, severity: 'error' }); continue; }
    if (!r.ok(p.value.trim())) out.push({ loc: p.loc, message: `#pragma ${p.name}: expected ${r.expect}, got '${p.value}'`, severity: 'error' });
  }
  return out;
}
