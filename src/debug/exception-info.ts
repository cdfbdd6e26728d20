// exceptionInfo: what stopped the program, as VS Code's exception widget shows it. A glibc abort
// names the check's message and the malloc.c function it lives in, a fault its address and
// reason, with the scenario's frames after glibc's so the user sees which statement called in.
import type { DebugProtocol } from '@vscode/debugprotocol';
import type { RunEvent, SignalEvent } from '../machine/interp/events';
import type { Frame } from '../machine/interp/frame';

export interface ExceptionSource {
  text: string | undefined;
  event: RunEvent | null;
  frames: readonly Frame[];
  line: number;
}

export function exceptionInfo(src: ExceptionSource): DebugProtocol.ExceptionInfoResponse['body'] {
  const text = src.text ?? 'exception';
  const sig = src.event && 'signame' in src.event ? src.event as SignalEvent : null;
  if (!sig) return { exceptionId: text.split(':')[0], description: text, breakMode: 'always', details: { message: text, stackTrace: scenarioStack(src.frames, src.line) } };
  // the stop keeps the signal as an error whose message leads with the signal's name
  const message = sig.message.startsWith(`${sig.signame}: `) ? sig.message.slice(sig.signame.length + 2) : sig.message;
  const where = [sig.check, sig.entry && sig.entry !== sig.check ? sig.entry : undefined].filter((s): s is string => !!s);
  const description = sig.signame === 'SIGSEGV' && sig.addr
    ? `${message} at ${sig.addr}${sig.reason ? ` (${sig.reason})` : ''}`
    : message;
  const details: DebugProtocol.ExceptionDetails = {
    message: sig.check ? `${message} (glibc's check in ${sig.check})` : description,
    typeName: sig.signame,
    stackTrace: [...where, scenarioStack(src.frames, src.line)].join(' ← '),
  };
  return { exceptionId: sig.signame, description, breakMode: 'always', details };
}

function scenarioStack(frames: readonly Frame[], line: number): string {
  const parts: string[] = [];
  for (let i = frames.length - 1; i >= 0; i--) {
    const at = i === frames.length - 1 ? line : frames[i + 1].callLine;
    parts.push(`${frames[i].func.name} (line ${at})`);
  }
  return parts.join(' ← ');
}
