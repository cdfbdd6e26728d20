// stackTrace: the scenario's frames, innermost first, each at the line it is executing.
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Source, StackFrame } from '@vscode/debugadapter';
import type { HeapStepRuntime } from './runtime';

export function stackTrace(rt: HeapStepRuntime, args: DebugProtocol.StackTraceArguments): DebugProtocol.StackTraceResponse['body'] {
  const it = rt.scenario?.interp;
  if (!it) return { stackFrames: [], totalFrames: 0 };
  const src = new Source(rt.path.split(/[\\/]/).pop() ?? rt.path, rt.path);
  const frames: StackFrame[] = [];
  for (let i = it.frames.length - 1; i >= 0; i--) {
    const f = it.frames[i];
    const ins = f.code[Math.min(f.pc, f.code.length - 1)];
    // a caller's pc is past its call: show the line of the call
    const line = i === it.frames.length - 1 ? it.loc.line : it.frames[i + 1].callLine;
    frames.push(new StackFrame(i, f.func.name, src, line || ins.loc.line, 1));
  }
  const start = args.startFrame ?? 0, levels = args.levels || frames.length;
  return { stackFrames: frames.slice(start, start + levels), totalFrames: frames.length };
}
