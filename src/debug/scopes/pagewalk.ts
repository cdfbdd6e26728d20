// "page walk": how the MMU would translate an address, level by level (PML4, PDPT, PD, PT on
// x86-64; PDE, PTE on i386), read from the page tables in emulated frames without walking them
// the way the hardware does: no accessed bit is set and the TLB is neither asked nor filled
// (its column says whether it holds the page now).
import type { PageWalkLevel } from '../../machine/process';
import { hex } from '../values';
import { vmaLabel } from './inspection';
import { container, leaf, named, type Ctx, type Variable } from './node';

const bitsText = (l: PageWalkLevel, x64: boolean): string => {
  const b = l.bits;
  return `${b.P ? 'P' : '-'} ${b.RW ? 'RW' : 'R-'} ${b.US ? 'US' : '--'} ${b.A ? 'A' : '-'} ${b.D ? 'D' : '-'}${x64 ? (b.NX ? ' NX' : ' --') : ''}`;
};

function levelVar(ctx: Ctx, l: PageWalkLevel, x64: boolean, last: boolean): Variable {
  const entry = hex(typeof l.entry === 'bigint' ? l.entry : BigInt(l.entry));
  const bit = (name: string, on: boolean, why: string): Variable => leaf(name, `${on ? 1 : 0} (${why})`);
  return container(ctx, l.level, `[${l.index}] = ${entry}  ${bitsText(l, x64)}`, () => named([
    leaf('index', String(l.index)),
    leaf('table', `${hex(l.tableAddr)} (physical)`),
    leaf('entry', entry, { type: 'pte_t' }),
    bit('P', l.bits.P, 'present'), bit('RW', l.bits.RW, 'writable'), bit('US', l.bits.US, 'user accessible'),
    bit('A', l.bits.A, 'accessed'), bit('D', l.bits.D, 'dirty'), ...(x64 ? [bit('NX', l.bits.NX, 'no execute')] : []),
    ...(l.next !== undefined ? [leaf('next', `${hex(l.next)} (physical: ${last ? 'the page frame' : 'the next table'})`)] : []),
  ]));
}

export function pageWalkVar(ctx: Ctx, va: number, name = 'page walk'): Variable {
  const w = ctx.sc.proc.pagewalk(va);
  const x64 = ctx.sc.config.arch === 'x86_64';
  const value = w.present ? `${hex(va)} → physical ${hex(w.pa!)} (frame ${hex(Math.floor(w.pa! / 4096))}), TLB ${w.tlb}`
    : w.swapped ? `${hex(va)}: not present, in swap (a touch is a major fault)`
      : `${hex(va)}: not present, ${w.vma ? 'mapped but never touched (a touch is a minor fault)' : 'not mapped (a touch is SIGSEGV)'}`;
  return container(ctx, name, value, () => named([
    leaf('address', hex(va), { memoryReference: hex(va) }),
    leaf('split', splitText(va, x64)),
    ...w.levels.map((l, i) => levelVar(ctx, l, x64, i === levelsOf(x64) - 1)),
    leaf('result', w.present ? `physical ${hex(w.pa!)}` : w.swapped ? 'swapped out' : 'not present'),
    leaf('TLB', w.tlb === 'hit' ? 'holds this page' : 'does not hold this page'),
    leaf('mapping', w.vma ? vmaLabel(w.vma) : '(none)'),
  ]));
}

const levelsOf = (x64: boolean): number => (x64 ? 4 : 2);

function splitText(va: number, x64: boolean): string {
  const parts: [string, number, number][] = x64 ? [['PML4', 39, 9], ['PDPT', 30, 9], ['PD', 21, 9], ['PT', 12, 9]] : [['PDE', 22, 10], ['PTE', 12, 10]];
  return `${parts.map(([n, shift, bits]) => `${n} ${Math.floor(va / 2 ** shift) % 2 ** bits}`).join(' | ')} | offset ${hex(va % 4096)}`;
}
