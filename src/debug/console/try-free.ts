// `try_free EXPR`: what free(EXPR) would do now, found by running the emulated glibc's own
// free on a second machine restored from this one's state, never on the machine being
// debugged (whose TLB, counters and bytes stay exactly as they are). Reports glibc's abort
// message when one of its checks would fire, else where the chunk would go.
import { loadScenario, type Scenario } from '../../machine/scenario';
import { peekU64 } from '../../machine/memory/peek';
import { MachineError, MachineSignal } from '../../machine/signals';
import { placeContaining, placesOf, placeText } from './bins';

const hx = (n: number | bigint) => '0x' + n.toString(16);

// One spare machine per scenario, built from the same text and configuration: the layout and
// therefore every address are the same, and restoring a snapshot makes its state the same.
const spares = new WeakMap<Scenario, Scenario>();

function spareOf(sc: Scenario): Scenario {
  let copy = spares.get(sc);
  if (!copy) {
    const r = loadScenario(sc.interp.sourceLines.join('\n'), sc.program.file, sc.config);
    if (!r.ok) throw new Error('try_free: the scenario could not be loaded a second time');
    copy = r.scenario;
    spares.set(sc, copy);
  }
  copy.proc.restore(sc.proc.snapshot());
  copy.glibc.restore(sc.glibc.snapshot());
  copy.glibc.explain = true;
  return copy;
}

const peekWord = (sc: Scenario, a: number): bigint | null => peekU64(sc.proc.inspect, a);

export function tryFreeText(sc: Scenario, mem: number): string {
  const copy = spareOf(sc);
  const call = `free(${hx(mem)})`;
  const size = peekWord(sc, mem - 8);
  const path = (): string[] => copy.glibc.why.map((w) => '  ' + w);
  const footer = '(run on a copy of the machine: nothing here changed)';
  try {
    copy.glibc.free(mem);
  } catch (e) {
    if (e instanceof MachineSignal) {
      const what = e.signame === 'SIGABRT'
        ? `would abort: ${e.message}\n  (SIGABRT: glibc's check in ${e.check ?? 'free'}; the program would end with status 134)`
        : `would crash: ${e.message}\n  (${e.signame}; the program would end with status ${128 + e.signo})`;
      return [`${call} ${what}`, ...path(), footer].join('\n');
    }
    if (e instanceof MachineError) return [`${call} would fail: ${e.message}`, footer].join('\n');
    throw e;
  }
  return [`${call} ${destination(sc, copy, mem, size)}`, ...path(), footer].join('\n');
}

function destination(before: Scenario, after: Scenario, mem: number, sizeField: bigint | null): string {
  if (mem === 0) return 'does nothing (free(NULL))';
  const chunk = mem - 16;
  const size = sizeField === null ? '' : ` (size ${hx(sizeField & ~7n)})`;
  if (sizeField !== null && sizeField & 2n) return `would munmap the chunk${size}: its mapping goes back to the kernel`;
  const base = before.proc.layout.heapBase;
  const st = after.glibc.state();
  const brk0 = before.proc.brkNow(), brk1 = after.proc.brkNow();
  const trimmed = brk1 < brk0 ? `, then systrim would give ${hx(brk0 - brk1)} bytes back to the kernel (brk ${hx(brk0)} -> ${hx(brk1)})` : '';
  const exact = placesOf(st, base, chunk).filter((p) => p.kind !== 'top');
  if (exact.length) {
    const grown = sizeField !== null && exact[0].size !== Number(sizeField & ~7n) ? ` after merging forward (now size ${hx(exact[0].size)})` : '';
    return `would put chunk ${hx(chunk)}${size} into ${exact.map(placeText).join(' and ')}${grown}${trimmed}`;
  }
  const holder = placeContaining(st, base, chunk);
  if (holder?.kind === 'top') return `would merge chunk ${hx(chunk)}${size} into top (top would start at ${hx(holder.chunk)}, size ${hx(holder.size)})${trimmed}`;
  if (holder) return `would merge chunk ${hx(chunk)}${size} backward into ${hx(holder.chunk)} (size ${hx(holder.size)}), which goes to ${placeText(holder)}${trimmed}`;
  return `would free chunk ${hx(chunk)}${size}, into no bin the views can find${trimmed}`;
}
