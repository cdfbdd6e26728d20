// The Mappings scope: /proc/self/maps, one variable per line (one vm_area each), with the
// size and the pages resident now (what mincore would report).
import type { VmArea } from '../../machine/kernel/types';
import { hex } from '../values';
import { container, leaf, list, named, ranges, type Children, type Ctx, type Variable } from './node';

const PAGE = 4096;
export const pages = (n: number): string => `${n} page${n === 1 ? '' : 's'}`;

export const permString = (v: VmArea): string => `${v.read ? 'r' : '-'}${v.write ? 'w' : '-'}${v.exec ? 'x' : '-'}${v.shared ? 's' : 'p'}`;

export function sizeText(n: number): string {
  if (n >= 2 ** 30 && n % 2 ** 30 === 0) return `${n / 2 ** 30} GiB`;
  if (n >= 2 ** 20 && n % 2 ** 20 === 0) return `${n / 2 ** 20} MiB`;
  return n >= 1024 ? `${n / 1024} KiB` : `${n} bytes`;
}

// The line's head as /proc/self/maps prints it: `555555559000-55555557a000 rw-p`.
export function mapsHead(v: VmArea): string {
  return `${v.vm_start.toString(16).padStart(8, '0')}-${v.vm_end.toString(16).padStart(8, '0')} ${permString(v)}`;
}

export function mappingVar(ctx: Ctx, v: VmArea, name = `${mapsHead(v)} ${v.name}`.trim()): Variable {
  const size = v.vm_end - v.vm_start;
  const resident = ctx.sc.proc.residentPages(v.vm_start, v.vm_end);
  const value = `${sizeText(size)}, RSS ${sizeText(resident * PAGE)}`;
  return container(ctx, name, value, () => named([
    leaf('start', hex(v.vm_start), { type: 'unsigned long', memoryReference: hex(v.vm_start) }),
    leaf('end', hex(v.vm_end), { type: 'unsigned long' }),
    leaf('perms', permString(v)),
    leaf('offset', hex(v.pgoff), { type: 'unsigned long' }),
    leaf('name', v.name || `(anonymous: ${v.kind})`),
    leaf('size', `${hex(size)} (${sizeText(size)}, ${pages(size / PAGE)})`),
    leaf('RSS', `${resident * PAGE} bytes (${resident} of ${pages(size / PAGE)} resident)`),
  ]), { type: 'struct vm_area_struct', memoryReference: hex(v.vm_start) });
}

// the legacy vsyscall page: in every x86-64 maps file, above user space, in no vm_area list
const VSYSCALL = 'ffffffffff600000-ffffffffff601000 --xp [vsyscall]';

export function mappingsScope(ctx: Ctx): Children {
  const vmas = ctx.ins.vmas;
  const extra = ctx.sc.config.arch === 'x86_64' ? 1 : 0;
  const items = list(vmas.length + extra, (i) => (i < vmas.length ? mappingVar(ctx, vmas[i])
    : leaf(VSYSCALL, '4 KiB, RSS 0 bytes (a kernel page; reads of it are emulated by the kernel)')));
  return { named: [], indexed: ranges(ctx, items) };
}
