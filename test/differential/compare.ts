// Field-by-field comparison of the emulator's call events with the real glibc's lines.
import type { EmuResult } from './emulator';
import type { RunResult } from './host';

const IGNORED = new Set(['event', 'step', 'line', 'fn', 'args', 'why', 'by']);

export interface Mismatch { step: number; path: string; emulator: unknown; glibc: unknown }

function diff(a: unknown, b: unknown, path: string): Mismatch | null {
  if (typeof a !== typeof b || Array.isArray(a) !== Array.isArray(b) || (a === null) !== (b === null)) return { step: -1, path, emulator: a, glibc: b };
  if (a && typeof a === 'object') {
    if (Array.isArray(a)) {
      const bb = b as unknown[];
      if (a.length !== bb.length) return { step: -1, path: `${path}.length`, emulator: a.length, glibc: bb.length };
      for (let i = 0; i < a.length; i++) { const d = diff(a[i], bb[i], `${path}[${i}]`); if (d) return d; }
      return null;
    }
    const ao = a as Record<string, unknown>, bo = b as Record<string, unknown>;
    const keys = new Set([...Object.keys(ao), ...Object.keys(bo)].filter((k) => !IGNORED.has(k)));
    for (const k of keys) {
      if (!(k in ao) || !(k in bo)) return { step: -1, path: `${path}.${k}`, emulator: ao[k], glibc: bo[k] };
      const d = diff(ao[k], bo[k], `${path}.${k}`);
      if (d) return d;
    }
    return null;
  }
  return a === b ? null : { step: -1, path, emulator: a, glibc: b };
}

export function compareRuns(emu: EmuResult, host: RunResult): Mismatch | null {
  const n = Math.max(emu.calls.length, host.lines.length);
  for (let i = 0; i < n; i++) {
    const e = emu.calls[i], h = host.lines[i];
    if (!e || !h) return { step: i, path: 'steps', emulator: emu.calls.length, glibc: host.lines.length };
    const d = diff(e, h, '');
    if (d) return { ...d, step: i };
  }
  const es = emu.signal?.message ?? null, hs = host.signal?.message ?? null;
  if (es !== hs) return { step: n, path: 'signal', emulator: es, glibc: hs };
  return null;
}
