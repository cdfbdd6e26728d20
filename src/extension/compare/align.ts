// The two runs side by side: the program's allocator and kernel calls paired in order, each
// pair agreeing or differing field by field, then the asserts and the way each run ended.
import { KEY_FIELDS, withoutBreakCalls, type CallRecord, type Json, type SideRun } from './records';

export interface FieldDiff { field: string; emulator: Json | undefined; host: Json | undefined }

export interface Row {
  line: number;
  what: string;                          // malloc, free, mmap, assert, exit ...
  agree: boolean;
  emulator: string;                      // the values, readable
  host: string;
  diffs: FieldDiff[];
}

export interface Comparison {
  rows: Row[];
  calls: { agree: number; differ: number };
  asserts: { host: number; differ: number };
  end: { agree: boolean };
  diverged?: { line: number; notCompared: number };   // the runs took different paths here
  notes: string[];
}

const MAX_UNPAIRED_ROWS = 20;

export function describe(r: CallRecord | undefined): string {
  if (!r) return '—';
  const parts: string[] = [];
  for (const [k, v] of Object.entries(r)) {
    if (KEY_FIELDS.has(k)) continue;
    const hex = (k === 'off' || k === 'size' || k === 'brk' || k === 'prev_size' || k === 'usable') && typeof v === 'number' && v >= 0;
    parts.push(`${k}=${hex ? '0x' + v.toString(16) : typeof v === 'string' ? v : JSON.stringify(v)}`);
  }
  return parts.join(' ') || 'returned';
}

function diffFields(e: CallRecord, h: CallRecord): FieldDiff[] {
  const keys = new Set([...Object.keys(e), ...Object.keys(h)].filter((k) => !KEY_FIELDS.has(k)));
  const out: FieldDiff[] = [];
  for (const k of keys) if (e[k] !== h[k]) out.push({ field: k, emulator: e[k], host: h[k] });
  return out;
}

function endText(s: SideRun): string {
  const why = s.abortMessage ? ` (${s.abortMessage})` : s.signal ? ` (${s.signal})` : s.assertFailed ? ` (assert at line ${s.assertFailed.line})` : '';
  return `exit status ${s.status}${why}${s.note ? `; ${s.note}` : ''}`;
}

export function compareRuns(emu: SideRun, host: SideRun): Comparison {
  const rows: Row[] = [];
  const notes: string[] = [];
  const e = withoutBreakCalls(emu.records);
  const hostAll = withoutBreakCalls(host.records);
  const h = hostAll.filter((r) => r.k !== 'assert');
  // where the emulator's failed assert came: after how many of its compared calls
  const emuFailAt = emu.assertFailed ? withoutBreakCalls(emu.records.slice(0, emu.assertFailed.at)).length : -1;
  let hostCalls = 0;   // the host's compared calls so far
  let agree = 0, differ = 0, assertDiffer = 0;
  let i = 0, j = 0, diverged: Comparison['diverged'];
  let hostAsserts = 0, emuFailMatched = false;
  const hostFail = (r: CallRecord) => r.k === 'assert' && r.ok === false;
  for (const r of hostAll) {
    if (r.k === 'assert') {
      hostAsserts++;
      const emuFailsHere = emu.assertFailed !== undefined && !emuFailMatched && emuFailAt === hostCalls && emu.assertFailed.line === r.line;
      if (emuFailsHere) emuFailMatched = true;
      if (hostFail(r) !== emuFailsHere) {
        assertDiffer++;
        rows.push({ line: r.line, what: 'assert', agree: false, emulator: emuFailsHere ? 'failed' : 'passed or not reached', host: hostFail(r) ? 'failed' : 'passed', diffs: [{ field: 'ok', emulator: !emuFailsHere, host: !hostFail(r) }] });
      }
      continue;
    }
    hostCalls++;
    if (diverged) continue;
    const er = e[j];
    if (!er) break;
    if (er.fn !== r.fn || er.line !== r.line || er.k !== r.k) {
      diverged = { line: Math.min(er.line, r.line), notCompared: 0 };
      differ++;
      rows.push({ line: r.line, what: `${er.fn} / ${r.fn}`, agree: false, emulator: `line ${er.line}: ${er.fn}(…) ${describe(er)}`, host: `line ${r.line}: ${r.fn}(…) ${describe(r)}`, diffs: [{ field: 'call', emulator: `${er.fn}@${er.line}`, host: `${r.fn}@${r.line}` }] });
      continue;
    }
    const d = diffFields(er, r);
    if (d.length) differ++; else agree++;
    rows.push({ line: r.line, what: r.fn, agree: d.length === 0, emulator: describe(er), host: describe(r), diffs: d });
    i++; j++;
  }
  if (diverged) {
    diverged.notCompared = Math.max(e.length - j - 1, h.length - i - 1, 0);
    notes.push(`The runs took different paths at line ${diverged.line}: ${diverged.notCompared} later call(s) were not compared.`);
  } else {
    // calls one run made and the other did not (it ended first)
    const extraE = e.slice(j), extraH = h.slice(i);
    for (const [k, x] of extraE.entries()) { differ++; if (k < MAX_UNPAIRED_ROWS) rows.push({ line: x.line, what: x.fn, agree: false, emulator: describe(x), host: 'not made', diffs: [{ field: 'call', emulator: x.fn, host: undefined }] }); }
    for (const [k, x] of extraH.entries()) { differ++; if (k < MAX_UNPAIRED_ROWS) rows.push({ line: x.line, what: x.fn, agree: false, emulator: 'not made', host: describe(x), diffs: [{ field: 'call', emulator: undefined, host: x.fn }] }); }
    if (extraE.length > MAX_UNPAIRED_ROWS || extraH.length > MAX_UNPAIRED_ROWS) notes.push('Calls made by one run only are listed up to the first 20 of each side.');
  }
  if (emu.assertFailed && !emuFailMatched) {
    assertDiffer++;
    rows.push({ line: emu.assertFailed.line, what: 'assert', agree: false, emulator: 'failed', host: 'passed or not reached', diffs: [{ field: 'ok', emulator: false, host: true }] });
  }
  // how each run ended: status, signal, glibc's message when one of its checks fired
  const endDiffs: FieldDiff[] = [];
  if (emu.status !== host.status) endDiffs.push({ field: 'status', emulator: emu.status, host: host.status });
  if ((emu.signal ?? null) !== (host.signal ?? null)) endDiffs.push({ field: 'signal', emulator: emu.signal ?? null, host: host.signal ?? null });
  if (emu.finalBrk !== undefined && host.finalBrk !== undefined && emu.finalBrk !== host.finalBrk) endDiffs.push({ field: 'brk at exit', emulator: emu.finalBrk, host: host.finalBrk });
  if (emu.abortMessage && emu.abortMessage !== host.abortMessage) endDiffs.push({ field: 'abort message', emulator: emu.abortMessage, host: host.abortMessage ?? null });
  if (emu.note || host.note) endDiffs.push({ field: 'note', emulator: emu.note, host: host.note });
  const lastLine = Math.max(0, ...hostAll.map((x) => x.line), ...e.map((x) => x.line));
  rows.push({ line: lastLine, what: 'end', agree: endDiffs.length === 0, emulator: endText(emu), host: endText(host), diffs: endDiffs });
  rows.sort((a, b) => (a.what === 'end' ? 1 : 0) - (b.what === 'end' ? 1 : 0));
  return { rows, calls: { agree, differ }, asserts: { host: hostAsserts, differ: assertDiffer }, end: { agree: endDiffs.length === 0 }, diverged, notes };
}
