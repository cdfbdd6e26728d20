// The custom request `heapstep/explain` and the Explain panel's messages: an allocator call's
// `why` narration as paragraphs of prose whose references lead into the views (a chunk, a bin,
// a system call, a mapping, the glibc listing). Plain JSON; types only: imported by src/debug,
// src/extension and media alike.
import type { BinKind } from './state';

export const EXPLAIN_REQUEST = 'heapstep/explain';

export interface ExplainRequestArgs {
  line?: number;           // a scenario line (default: the line of the stop or of the frame)
  frameId?: number;        // a frame of the Call Stack view: its line, or for a glibc frame its call
}

export type ExplainRef =
  | { kind: 'chunk'; addr: number; size: number; preview?: string }   // preview: its user bytes now, as printable ASCII
  | { kind: 'bin'; binKind: BinKind; index: number; label: string }    // index and label as heapstep/state gives them
  | { kind: 'syscall'; name: string; args: (number | string)[]; ret: number | string }
  | { kind: 'source'; glibcFunction: string; name?: string; sourceReference?: number; line?: number }   // a line of a generated listing
  | { kind: 'mapping'; start: number; end: number };

// A run of text; with `ref`, the text is a link to what the reference names.
export interface ExplainRun { text: string; ref?: ExplainRef }
export type ExplainParagraph = ExplainRun[];

export interface ExplainedCall {
  fn: string;              // the entry point: 'malloc', 'free', ...
  call: string;            // as called: 'malloc(24)'
  result: string;          // '0x5555555592a0', 'NULL', '1'; '' for a void call or one that aborted
  step: number;            // the statement during which it ran
  line: number;
  source: string;          // that line of the scenario, trimmed
  by?: string;             // a call the C library made itself ('stdio')
  finished: boolean;       // false: one of glibc's checks aborted it
  why: string[];           // the narration as the Debug Console's `why` prints it
  paragraphs: ExplainParagraph[];
}

export interface ExplainResponse {
  file: string;            // the scenario's file name
  stopStep: number;        // the stop's step count
  line: number;            // the line asked about
  note?: string;           // why the calls shown are not that line's (it made none, or has not run yet)
  calls: ExplainedCall[];  // in the order they ran; empty when nothing was allocated before the stop
}

// host -> panel
export type ExplainHostMessage =
  | { type: 'explain'; explanation: ExplainResponse }
  | { type: 'status'; message: string };

// panel -> host
export type ExplainViewMessage =
  | { type: 'ready' }
  | { type: 'open'; ref: ExplainRef };

const num = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const word = (v: unknown): boolean => num(v) || (typeof v === 'string' && /^-?\d+$/.test(v)) || (typeof v === 'number' && Number.isSafeInteger(v));
const str = (v: unknown): v is string => typeof v === 'string' && v.length < 4096;
const BIN_KINDS = new Set(['tcache', 'fastbin', 'unsorted', 'small', 'large']);

export function isExplainRef(m: unknown): m is ExplainRef {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  switch (r.kind) {
    case 'chunk': return num(r.addr) && num(r.size) && (r.preview === undefined || str(r.preview));
    case 'bin': return str(r.binKind) && BIN_KINDS.has(r.binKind) && num(r.index) && str(r.label);
    case 'syscall': return str(r.name) && Array.isArray(r.args) && r.args.length <= 8 && r.args.every(word) && word(r.ret);
    case 'source': return str(r.glibcFunction) && (r.name === undefined || str(r.name))
      && (r.sourceReference === undefined || num(r.sourceReference)) && (r.line === undefined || num(r.line));
    case 'mapping': return num(r.start) && num(r.end);
    default: return false;
  }
}

export function isExplainViewMessage(m: unknown): m is ExplainViewMessage {
  if (typeof m !== 'object' || m === null) return false;
  const r = m as Record<string, unknown>;
  if (r.type === 'ready') return true;
  return r.type === 'open' && isExplainRef(r.ref);
}
