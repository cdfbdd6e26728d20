// stackTrace: the scenario's frames, innermost first, each at the line it is executing; while
// the user walks an allocator call's path, glibc's frames above them (glibc-frames.ts).
import type { DebugProtocol } from '@vscode/debugprotocol';
import { Source, StackFrame } from '@vscode/debugadapter';
import type { GeneratedSources } from './generated-source';
import { glibcStackFrames, scenarioFramesOnPath } from './glibc-frames';
import type { HeapStepRuntime } from './runtime';

export function stackTrace(rt: HeapStepRuntime, args: DebugProtocol.StackTraceArguments, sources: GeneratedSources): DebugProtocol.StackTraceResponse['body'] {
  const it = rt.scenario?.interp;
  if (!it) return { stackFrames: [], totalFrames: 0 };
  const src = new Source(rt.path.split(/[\\/]/).pop() ?? rt.path, rt.path);
  const frames: DebugProtocol.StackFrame[] = glibcStackFrames(rt.glibcPath, sources);
  // on the path, the scenario's frames are those of the call (its statement has run since)
  const on = scenarioFramesOnPath(rt.glibcPath, it);
  const list = on?.frames ?? it.frames;
  for (let i = list.length - 1; i >= 0; i--) {
    const f = list[i];
    const ins = f.code[Math.min(f.pc, f.code.length - 1)];
    // a caller's pc is past its call: show the line of the call
    const line = i === list.length - 1 ? on?.line ?? it.loc.line : list[i + 1].callLine;
    frames.push(new StackFrame(on ? on.id(i) : i, f.func.name, src, line || ins.loc.line, 1));
  }
  const start = args.startFrame ?? 0, levels = args.levels || frames.length;
  return { stackFrames: frames.slice(start, start + levels), totalFrames: frames.length };
}
