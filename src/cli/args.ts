// Command-line options: the machine options of LANGUAGE.md's pragma table (they win over the
// file's pragmas, as the debugger's launch configuration does) and the step limit.
import type { MachineConfig, StdioBuffers } from '../machine/config';
import { parseSize } from '../machine/scenario';

export const USAGE = `usage: heapstep run FILE [--jsonl | --quiet] [options]

  --jsonl              one JSON event per line (ORACLE.md's step schema), then an exit event
  --quiet              only the program's own output, and a fatal signal's message on stderr
  --no-why             leave out the allocator's narration (the why of each call): faster
  --max-steps N        stop a runaway program after N steps (default 50000000)
  --arch x86_64|i386   --ram SIZE   --swap SIZE   --overcommit 0|1|2
  --aslr on|off        --seed N     --stdio-buffers off|on|pipe|tty   --glibc 2.36

exit status: 0 normal exit (or the program's exit code), 1 failed assert, 2 syntax error,
134 SIGABRT (glibc abort), 139 SIGSEGV, 137 killed by the OOM killer, 124 step limit
`;

export function configOverridesFromArgs(args: string[]): { overrides: Partial<MachineConfig>; maxSteps: number } {
  const o: Partial<MachineConfig> = {};
  let maxSteps = 50_000_000;
  const val = (i: number, name: string): string => {
    const v = args[i + 1];
    if (v === undefined) throw new Error(`${name} needs a value`);
    return v;
  };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    switch (a) {
      case '--max-steps': { const n = Number(val(i, a)); if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`bad --max-steps`); maxSteps = n; i++; break; }
      case '--arch': { const v = val(i, a); if (v !== 'x86_64' && v !== 'i386') throw new Error(`--arch: x86_64 or i386`); o.arch = v; i++; break; }
      case '--ram': { const n = parseSize(val(i, a)); if (!n) throw new Error(`--ram: a size like 512MiB`); o.ram = n; i++; break; }
      case '--swap': { const n = parseSize(val(i, a)); if (n === null) throw new Error(`--swap: a size like 1GiB`); o.swap = n; i++; break; }
      case '--overcommit': { const v = val(i, a); if (!['0', '1', '2'].includes(v)) throw new Error(`--overcommit: 0, 1 or 2`); o.overcommit = Number(v) as 0 | 1 | 2; i++; break; }
      case '--aslr': { const v = val(i, a); if (v !== 'on' && v !== 'off') throw new Error(`--aslr: on or off`); o.aslr = v === 'on'; i++; break; }
      case '--seed': { const n = Number(val(i, a)); if (!Number.isSafeInteger(n) || n < 0) throw new Error(`--seed: a non-negative integer`); o.seed = n; i++; break; }
      case '--stdio-buffers': { const v = val(i, a); if (!['off', 'on', 'pipe', 'tty'].includes(v)) throw new Error(`--stdio-buffers: off, on, pipe or tty`); o.stdioBuffers = v as StdioBuffers; i++; break; }
      case '--glibc': { const v = val(i, a); if (v !== '2.36') throw new Error(`--glibc: only the 2.36 profile exists`); o.glibc = v; i++; break; }
      default:
        if (a.startsWith('--') && a !== '--jsonl' && a !== '--quiet' && a !== '--no-why') throw new Error(`unknown option ${a}`);
    }
  }
  return { overrides: o, maxSteps };
}
