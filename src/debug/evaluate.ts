// evaluate: pwndbg-style commands in the Debug Console (heap, bins, vis, vmmap, pagewalk, why)
// and, for hovers and watches, the value of a variable in scope.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { HeapStepRuntime } from './runtime';
import { describe, localsOf, peekScalar, varAddress } from './values';

export function evaluate(rt: HeapStepRuntime, args: DebugProtocol.EvaluateArguments): DebugProtocol.EvaluateResponse['body'] {
  const sc = rt.scenario;
  if (!sc) throw new Error('no program is running');
  const text = args.expression.trim();
  const [cmd, ...rest] = text.split(/\s+/);
  const result = (s: string) => ({ result: s.replace(/\n$/, ''), variablesReference: 0 });
  switch (cmd) {
    case 'heap': return result(sc.glibc.heapText());
    case 'bins': return result(sc.glibc.binsText());
    case 'vis': case 'vis_heap_chunks': return result(sc.glibc.visText(rest[0] ? Number(rest[0]) : undefined));
    case 'vmmap': case 'maps': return result(sc.proc.maps());
    case 'why': return result(sc.glibc.why.join('\n') || '(no allocator call yet)');
    case 'pagewalk': {
      const a = Number(rest[0]);
      if (!Number.isSafeInteger(a)) throw new Error('pagewalk ADDRESS (a number, e.g. 0x555555559000)');
      return result(sc.proc.pagewalkText(a));
    }
  }
  // a variable by name: innermost frame first, then globals
  const it = sc.interp;
  const frame = it.frames[args.frameId ?? it.frames.length - 1] ?? it.frame;
  const decl = (frame ? localsOf(frame.func).find((d) => d.name === text) : undefined) ?? sc.program.globals.find((d) => d.name === text);
  if (!decl) throw new Error(`'${text}' is not a variable in scope (commands: heap, bins, vis [n], vmmap, pagewalk ADDR, why)`);
  if (decl.storage.kind === 'reg') return result(describe(sc, decl.type, BigInt(frame?.r[decl.storage.slot] ?? 0)));
  const addr = varAddress(decl, frame);
  if (addr === null) throw new Error(`'${text}' has no value here`);
  if (decl.type.k !== 'int' && decl.type.k !== 'ptr') return result(`${decl.type.k} @ 0x${addr.toString(16)}`);
  return result(describe(sc, decl.type, peekScalar(sc, decl.type, addr)));
}
