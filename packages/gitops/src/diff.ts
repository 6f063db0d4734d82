/** A unified diff of two texts (3 lines of context), as `git diff` shows it; CR shown as part of the line. */
export function unifiedDiff(path: string, before: string, after: string, context = 3): string {
  if (before === after) return '';
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = lineOps(a, b);
  const hunks: string[] = [];
  let i = 0;
  while (i < ops.length) {
    if (ops[i]!.kind === ' ') {
      i++;
      continue;
    }
    const start = Math.max(0, i - context);
    let end = i;
    // Extend the hunk while the next change is within 2*context lines.
    for (;;) {
      while (end < ops.length && ops[end]!.kind !== ' ') end++;
      let gap = end;
      while (gap < ops.length && ops[gap]!.kind === ' ') gap++;
      if (gap < ops.length && gap - end <= context * 2) end = gap;
      else break;
    }
    const stop = Math.min(ops.length, end + context);
    const slice = ops.slice(start, stop);
    const aStart = ops[start]!.aLine;
    const bStart = ops[start]!.bLine;
    const aCount = slice.filter((op) => op.kind !== '+').length;
    const bCount = slice.filter((op) => op.kind !== '-').length;
    hunks.push(
      `@@ -${aStart + (aCount ? 1 : 0)},${aCount} +${bStart + (bCount ? 1 : 0)},${bCount} @@\n${slice
        .map((op) => `${op.kind}${op.text.replace(/\r$/, '')}`)
        .join('\n')}`,
    );
    i = stop;
  }
  return `--- a/${path}\n+++ b/${path}\n${hunks.join('\n')}\n`;
}

interface Op {
  kind: ' ' | '-' | '+';
  text: string;
  aLine: number;
  bLine: number;
}

function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Common prefix and suffix, then an LCS over the (small) middle. */
function lineOps(a: string[], b: string[]): Op[] {
  let prefix = 0;
  while (prefix < a.length && prefix < b.length && a[prefix] === b[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < a.length - prefix &&
    suffix < b.length - prefix &&
    a[a.length - 1 - suffix] === b[b.length - 1 - suffix]
  ) {
    suffix++;
  }
  const midA = a.slice(prefix, a.length - suffix);
  const midB = b.slice(prefix, b.length - suffix);
  const ops: Op[] = [];
  let aLine = 0;
  let bLine = 0;
  const push = (kind: Op['kind'], text: string) => {
    ops.push({ kind, text, aLine, bLine });
    if (kind !== '+') aLine++;
    if (kind !== '-') bLine++;
  };
  for (let k = 0; k < prefix; k++) push(' ', a[k]!);
  if (midA.length * midB.length > 4_000_000) {
    midA.forEach((line) => push('-', line));
    midB.forEach((line) => push('+', line));
  } else {
    const table = Array.from({ length: midA.length + 1 }, () => new Uint32Array(midB.length + 1));
    for (let x = midA.length - 1; x >= 0; x--) {
      for (let y = midB.length - 1; y >= 0; y--) {
        table[x]![y] = midA[x] === midB[y] ? table[x + 1]![y + 1]! + 1 : Math.max(table[x + 1]![y]!, table[x]![y + 1]!);
      }
    }
    let x = 0;
    let y = 0;
    while (x < midA.length || y < midB.length) {
      if (x < midA.length && y < midB.length && midA[x] === midB[y]) {
        push(' ', midA[x++]!);
        y++;
      } else if (x < midA.length && (y === midB.length || table[x + 1]![y]! >= table[x]![y + 1]!))
        push('-', midA[x++]!);
      else push('+', midB[y++]!);
    }
  }
  for (let k = a.length - suffix; k < a.length; k++) push(' ', a[k]!);
  return ops;
}
