// glibc's frames in the debugger while the user walks an allocator call's path (glibc-path.ts):
// stackTrace shows them above the scenario's frames, over the generated listing; scopes and
// variables show each one's locals as the trace recorded them.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { Frame } from '../machine/interp/frame';
import type { Interpreter } from '../machine/interp/interpreter';
import type { GeneratedSources } from './generated-source';
import type { GlibcPath } from './glibc-path';

// Ids far above the scenario's frame indices and variable references.
const GLIBC_FRAME = 1 << 20;
const GLIBC_VARS = 0x40000000;
// a scenario frame that has returned since the call (its locals are no longer readable)
const GONE_FRAME = 1 << 21;

export const isGlibcFrame = (id: number): boolean => id >= GLIBC_FRAME && id < GONE_FRAME;
export const isGlibcVariables = (ref: number): boolean => ref >= GLIBC_VARS;

export function glibcStackFrames(path: GlibcPath, sources: GeneratedSources): DebugProtocol.StackFrame[] {
  const cur = path.current;
  if (!cur) return [];
  const outer = cur.stop.frames[cur.stop.frames.length - 1]?.fn ?? cur.call.fn;
  const name = `${outer} (glibc 2.36)`;
  const ref = sources.reference(`glibc-path-${path.version}`, name, () => cur.listing.lines.join('\n') + '\n');
  const source = sources.source(name, ref);
  return cur.stop.frames.map((f, k) => ({ id: GLIBC_FRAME + k, name: f.fn, source, line: f.line, column: 1, presentationHint: 'normal' }));
}

// The scenario's frames as they were during the call on the path, and the line of its statement.
export function scenarioFramesOnPath(path: GlibcPath, it: Interpreter): { frames: Frame[]; line: number; id: (i: number) => number } | null {
  const cur = path.current;
  if (!cur) return null;
  const frames = cur.call.frames;
  return { frames, line: cur.call.line, id: (i) => (it.frames[i] === frames[i] ? i : GONE_FRAME + i) };
}

export function glibcScopes(path: GlibcPath, frameId: number): DebugProtocol.Scope[] {
  const f = path.current?.stop.frames[frameId - GLIBC_FRAME];
  if (!f) throw new Error(`scopes: frame ${frameId} belongs to an earlier stop`);
  return [{ name: 'Locals', presentationHint: 'locals', variablesReference: GLIBC_VARS + (frameId - GLIBC_FRAME), expensive: false }];
}

export function glibcVariables(path: GlibcPath, ref: number): DebugProtocol.Variable[] {
  const f = path.current?.stop.frames[ref - GLIBC_VARS];
  if (!f) return [];
  return f.locals.map(([name, value]) => ({ name, value, variablesReference: 0 }));
}

// A glibc frame's local by name (hovers and watches over the listing); null for anything else,
// which the scenario's evaluation answers.
export function glibcEvaluate(path: GlibcPath, frameId: number | undefined, expression: string): DebugProtocol.EvaluateResponse['body'] | null {
  if (frameId === undefined || !isGlibcFrame(frameId)) return null;
  const f = path.current?.stop.frames[frameId - GLIBC_FRAME];
  const hit = f?.locals.find(([name]) => name === expression.trim());
  return hit ? { result: hit[1], variablesReference: 0 } : null;
}
