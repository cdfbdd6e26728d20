// A line diff for golden comparisons: the changed lines with a little context, `-` for the
// golden file's and `+` for the adapter's, like `diff -u` (LCS over the differing middle).

export function lineDiff(expected: string[], actual: string[], context = 3, maxLines = 80): string {
  let pre = 0;
  while (pre < expected.length && pre < actual.length && expected[pre] === actual[pre]) pre++;
  let suf = 0;
  while (suf < expected.length - pre && suf < actual.length - pre && expected[expected.length - 1 - suf] === actual[actual.length - 1 - suf]) suf++;
  const a = expected.slice(pre, expected.length - suf), b = actual.slice(pre, actual.length - suf);
  // edit script over the middle; beyond a few thousand lines each side, show it as replaced
  const ops: { op: ' ' | '-' | '+'; text: string }[] = [];
  if (a.length * b.length <= 25_000_000) {
    const w = b.length + 1;
    const lcs = new Uint32Array((a.length + 1) * w);
    for (let i = a.length - 1; i >= 0; i--) {
      for (let j = b.length - 1; j >= 0; j--) {
        lcs[i * w + j] = a[i] === b[j] ? lcs[(i + 1) * w + j + 1] + 1 : Math.max(lcs[(i + 1) * w + j], lcs[i * w + j + 1]);
      }
    }
    let i = 0, j = 0;
    while (i < a.length || j < b.length) {
      if (i < a.length && j < b.length && a[i] === b[j]) { ops.push({ op: ' ', text: a[i] }); i++; j++; }
      else if (i < a.length && (j === b.length || lcs[(i + 1) * w + j] >= lcs[i * w + j + 1])) ops.push({ op: '-', text: a[i++] });
      else ops.push({ op: '+', text: b[j++] });
    }
  } else {
    for (const t of a) ops.push({ op: '-', text: t });
    for (const t of b) ops.push({ op: '+', text: t });
  }
  const all = [
    ...expected.slice(Math.max(0, pre - context), pre).map((text) => ({ op: ' ' as const, text })),
    ...ops,
    ...expected.slice(expected.length - suf, expected.length - suf + context).map((text) => ({ op: ' ' as const, text })),
  ];
  // keep changed lines and `context` lines around each
  const keep = new Array<boolean>(all.length).fill(false);
  all.forEach((o, k) => { if (o.op !== ' ') for (let d = -context; d <= context; d++) if (all[k + d]) keep[k + d] = true; });
  const out: string[] = [`@@ first difference at line ${pre + 1} @@`];
  let skipped = false;
  for (let k = 0; k < all.length && out.length < maxLines; k++) {
    if (!keep[k]) { if (!skipped) out.push('  ...'); skipped = true; continue; }
    skipped = false;
    out.push(`${all[k].op} ${all[k].text}`);
  }
  const changed = ops.filter((o) => o.op !== ' ').length;
  if (out.length >= maxLines) out.push(`  ... (${changed} changed lines in all)`);
  return out.join('\n');
}
