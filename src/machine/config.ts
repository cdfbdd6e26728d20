// The emulated machine's settings: LANGUAGE.md's pragma table. The debugger's launch
// configuration overrides the file's pragmas field by field.
import type { Arch } from '../lang/ast';

export type StdioBuffers = 'off' | 'on' | 'pipe' | 'tty';

// A file of the emulated disk (`#pragma file NAME SIZE` or `#pragma file NAME "text"`).
export interface FileSpec { name: string; size: number; text?: Uint8Array }

export interface MachineConfig {
  arch: Arch;
  glibc: string;          // version profile, '2.36'
  ram: number;            // bytes of physical memory
  swap: number;           // bytes of swap, 0 for none
  overcommit: 0 | 1 | 2;  // vm.overcommit_memory
  aslr: boolean;
  seed: number;
  stdioBuffers: StdioBuffers;
  swappiness: number;     // vm.swappiness, 0..200
  files: FileSpec[];
  hogs: number[];         // bytes held by each background process (`#pragma hog`)
}

export const DEFAULT_CONFIG: MachineConfig = {
  arch: 'x86_64', glibc: '2.36', ram: 4 * 2 ** 30, swap: 0, overcommit: 0,
  aslr: false, seed: 0, stdioBuffers: 'off', swappiness: 60, files: [], hogs: [],
};

export const PAGE_SIZE = 4096;
export const PAGE_SHIFT = 12;
