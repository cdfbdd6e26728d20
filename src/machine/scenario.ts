// From scenario text to a ready-to-run machine: pragmas → machine configuration → layout →
// checked program → process, glibc and interpreter. Shared by the CLI, the debugger and tests.
import { compile, scanPragmas } from '../lang/index';
import type { Diagnostic, Pragma, Program } from '../lang/ast';
import { DEFAULT_CONFIG, type FileSpec, type MachineConfig, type StdioBuffers } from './config';
import { createGlibc } from './glibc/index';
import type { Allocator } from './glibc/types';
import { Interpreter } from './interp/interpreter';
import type { RunSink } from './interp/events';
import { computeLayout } from './kernel/layout';
import { createProcess } from './kernel/process';
import type { EmulatedProcess } from './process';

export interface Scenario {
  program: Program;
  config: MachineConfig;
  proc: EmulatedProcess & { snapshot(): unknown; restore(s: unknown): void };
  glibc: Allocator;
  interp: Interpreter;
  diagnostics: Diagnostic[];   // warnings
}

export type LoadResult = { ok: true; scenario: Scenario } | { ok: false; diagnostics: Diagnostic[] };

export function parseSize(text: string): number | null {
  const m = /^\s*(\d+)\s*([KMGT]?)(i?B?)?\s*$/i.exec(text);
  if (!m) return null;
  const mul: Record<string, number> = { '': 1, K: 2 ** 10, M: 2 ** 20, G: 2 ** 30, T: 2 ** 40 };
  return Number(m[1]) * mul[m[2].toUpperCase()];
}

// `NAME SIZE` or `NAME "text"` (C escapes in the text).
export function parseFilePragma(v: string): FileSpec | null {
  const m = /^([\w./-]+)\s+(.+)$/.exec(v);
  if (!m) return null;
  if (m[2].startsWith('"')) {
    const body = m[2].slice(1, -1);
    const bytes: number[] = [];
    for (let i = 0; i < body.length; i++) {
      const ch = body[i];
      if (ch !== '\\') { for (const b of new TextEncoder().encode(ch)) bytes.push(b); continue; }
      const e = body[++i];
      if (e === 'x') { bytes.push(parseInt(body.slice(i + 1, i + 3), 16)); i += 2; }
      else bytes.push(({ n: 10, t: 9, r: 13, '0': 0, '\\': 92, '"': 34 } as Record<string, number>)[e] ?? e.charCodeAt(0));
    }
    return { name: m[1], size: bytes.length, text: Uint8Array.from(bytes) };
  }
  const size = parseSize(m[2]);
  return size === null ? null : { name: m[1], size };
}

// The machine settings a file's pragmas ask for. Unknown or malformed values were already
// reported by the front end; here they fall back to the defaults.
export function configFromPragmas(pragmas: Pragma[], overrides: Partial<MachineConfig> = {}): MachineConfig {
  const c: MachineConfig = { ...DEFAULT_CONFIG };
  for (const p of pragmas) {
    const v = p.value.trim();
    switch (p.name) {
      case 'arch': if (v === 'x86_64' || v === 'i386') c.arch = v; break;
      case 'glibc': c.glibc = v; break;
      case 'ram': { const n = parseSize(v); if (n) c.ram = n; break; }
      case 'swap': { const n = parseSize(v); if (n !== null) c.swap = n; break; }
      case 'overcommit': if (v === '0' || v === '1' || v === '2') c.overcommit = Number(v) as 0 | 1 | 2; break;
      case 'aslr': c.aslr = v === 'on'; break;
      case 'seed': if (/^\d+$/.test(v)) c.seed = Number(v); break;
      case 'swappiness': if (/^\d+$/.test(v) && Number(v) <= 200) c.swappiness = Number(v); break;
      case 'hog': { const n = parseSize(v); if (n) c.hogs = [...c.hogs, n]; break; }
      case 'file': { const f = parseFilePragma(v); if (f) c.files = [...c.files, f]; break; }
      case 'stdio_buffers': if (['off', 'on', 'pipe', 'tty'].includes(v)) c.stdioBuffers = v as StdioBuffers; break;
    }
  }
  return { ...c, ...overrides };
}

export function loadScenario(text: string, file: string, overrides: Partial<MachineConfig> = {}, sink?: RunSink): LoadResult {
  const scan = scanPragmas(text, file);
  const config = configFromPragmas(scan.pragmas, overrides);
  let layout = computeLayout(config, { rodata: 0, data: 0, bss: 0 });
  let res = compile(text, file, { arch: config.arch, rodataBase: layout.rodataBase, dataBase: layout.dataBase });
  if (!res.program) return { ok: false, diagnostics: res.diagnostics };
  const sizes = (p: Program) => ({ rodata: p.rodata.bytes.length, data: p.dataSize, bss: p.bssSize });
  const final = computeLayout(config, sizes(res.program));
  if (final.rodataBase !== layout.rodataBase || final.dataBase !== layout.dataBase) {
    layout = final;
    res = compile(text, file, { arch: config.arch, rodataBase: layout.rodataBase, dataBase: layout.dataBase });
    if (!res.program) return { ok: false, diagnostics: res.diagnostics };
  } else layout = final;
  const program = res.program;
  const proc = createProcess(config, { rodata: program.rodata, dataSize: program.dataSize, bssSize: program.bssSize }, layout);
  const glibc = createGlibc(proc, { seed: config.seed, version: config.glibc });
  const interp = new Interpreter(program, proc, glibc, { source: text, sink });
  return { ok: true, scenario: { program, config, proc, glibc, interp, diagnostics: res.diagnostics } };
}
