// The launch configuration: `program`, `stopOnEntry`, and the machine options of
// LANGUAGE.md's pragma table, which win over the file's pragmas.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { MachineConfig, StdioBuffers } from '../machine/config';
import { parseSize } from '../machine/scenario';

export interface LaunchArgs extends DebugProtocol.LaunchRequestArguments {
  program: string;
  stopOnEntry?: boolean;
  arch?: 'x86_64' | 'i386';
  glibc?: string;
  ram?: string;
  swap?: string;
  overcommit?: 0 | 1 | 2;
  aslr?: boolean | 'on' | 'off';
  seed?: number;
  stdioBuffers?: StdioBuffers;
}

export function launchOverrides(a: LaunchArgs): Partial<MachineConfig> {
  const o: Partial<MachineConfig> = {};
  const bad = (what: string) => { throw new Error(`launch: bad "${what}"`); };
  if (a.arch !== undefined) { if (a.arch !== 'x86_64' && a.arch !== 'i386') bad('arch'); o.arch = a.arch; }
  if (a.glibc !== undefined) { if (a.glibc !== '2.36') bad('glibc (only "2.36")'); o.glibc = a.glibc; }
  if (a.ram !== undefined) { const n = parseSize(String(a.ram)); if (!n) bad('ram (e.g. "512MiB")'); o.ram = n!; }
  if (a.swap !== undefined) { const n = parseSize(String(a.swap)); if (n === null) bad('swap (e.g. "1GiB")'); o.swap = n!; }
  if (a.overcommit !== undefined) { if (![0, 1, 2].includes(Number(a.overcommit))) bad('overcommit (0, 1 or 2)'); o.overcommit = Number(a.overcommit) as 0 | 1 | 2; }
  if (a.aslr !== undefined) o.aslr = a.aslr === true || a.aslr === 'on';
  if (a.seed !== undefined) { if (!Number.isSafeInteger(a.seed) || a.seed < 0) bad('seed'); o.seed = a.seed; }
  if (a.stdioBuffers !== undefined) { if (!['off', 'on', 'pipe', 'tty'].includes(a.stdioBuffers)) bad('stdioBuffers'); o.stdioBuffers = a.stdioBuffers; }
  return o;
}
