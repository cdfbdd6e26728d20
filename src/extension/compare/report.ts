// The comparison as a Markdown report: a summary line, a table of every compared call with
// ✓ or ✗, and what was not compared. Every value from the runs is escaped for Markdown tables.
import type { Comparison } from './align';
import { NOT_COMPARED, type CompareOutcome } from './index';

const OUTPUT_SHOWN = 8192;

// A fenced block whose fence no run of backticks in the text can close.
function fenced(text: string, lang: string): string[] {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return [`${fence}${lang}`, ...text.replace(/\n$/, '').split('\n'), fence];
}

const cell = (s: string): string => s.replace(/[\\`*_{}[\]<>|]/g, (c) => `\\${c}`).replace(/\n/g, ' ');

export function summary(c: Comparison): string {
  const asserts = c.asserts.host ? `; ${c.asserts.host} assert(s) evaluated on the host${c.asserts.differ ? `, ${c.asserts.differ} with a different outcome` : ''}` : '';
  return `${c.calls.agree} calls agree, ${c.calls.differ} differ${asserts}; the runs ${c.end.agree ? 'end the same way' : 'end differently'}`;
}

export function outcomeSummary(o: CompareOutcome): string {
  switch (o.kind) {
    case 'compared': return `${o.file}: ${summary(o.comparison)}.`;
    case 'unsupported': return `${o.file} cannot run on the host: ${o.unsupported.map((u) => `line ${u.line}: ${u.reason}`).join('; ')}`;
    case 'errors': return `${o.file} has errors: ${o.errors.join('; ')}`;
    case 'failed': return `${o.file}: ${o.message}`;
  }
}

export function reportMarkdown(o: CompareOutcome): string {
  const out: string[] = [`# ${cell(o.file)}: the emulator and this machine`, ''];
  if (o.kind === 'unsupported') {
    out.push('This scenario has no twin on the host:', '', ...o.unsupported.map((u) => `- line ${u.line}: ${cell(u.reason)}`));
    return out.join('\n') + '\n';
  }
  if (o.kind === 'errors') { out.push('The scenario has errors; nothing ran:', '', ...o.errors.map((e) => `- ${cell(e)}`)); return out.join('\n') + '\n'; }
  if (o.kind === 'failed') { out.push(cell(o.message)); return out.join('\n') + '\n'; }
  const c = o.comparison;
  out.push(`**${summary(c)}.** Host glibc ${cell(o.hostGlibc)}, built with gcc -O0.`, '');
  for (const n of c.notes) out.push(`> ${cell(n)}`, '');
  out.push('| | line | call | emulator | this machine |', '|---|---:|---|---|---|');
  for (const r of c.rows) {
    const mark = r.agree ? '✓' : '✗';
    const diff = r.agree ? '' : ` (${r.diffs.map((d) => d.field).join(', ')})`;
    out.push(`| ${mark} | ${r.line} | ${cell(r.what)}${cell(diff)} | ${cell(r.emulator)} | ${cell(r.host)} |`);
  }
  out.push('', 'Offsets are from the heap base (the program break before `main`); `brk` is the program break after the call.', '', '## Not compared', '', ...NOT_COMPARED.map((n) => `- ${cell(n)}`));
  const output = (o.hostStdout + o.hostStderr).slice(0, OUTPUT_SHOWN);
  if (output) out.push('', '## Output on this machine', '', ...fenced(output + (o.hostStdout.length + o.hostStderr.length > OUTPUT_SHOWN ? '\n…' : ''), 'text'));
  out.push('', '## The C program', '', `Built with \`gcc -O0 -std=gnu11\` next to \`heapstep-host.h\`, the prelude that records each call.`, '', ...fenced(o.c, 'c'));
  return out.join('\n') + '\n';
}
