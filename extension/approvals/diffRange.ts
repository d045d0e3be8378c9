// The first range of lines a proposed content changes, for anchoring a comment in the editor:
// skip the common prefix and suffix of lines. 0-based and end-inclusive, in the current text
// (`current`) and in the proposal (`proposed`); a pure insertion or deletion gives a one-line
// range at the line where it happens.
export interface LineRange {
  start: number;
  end: number;
}

export function changedRange(current: string, proposed: string): { current: LineRange; proposed: LineRange } | null {
  if (current === proposed) return null;
  const a = current.split('\n');
  const b = proposed.split('\n');
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const clamp = (end: number, len: number): LineRange => ({ start: Math.min(pre, len - 1), end: Math.min(Math.max(pre, end), len - 1) });
  return { current: clamp(a.length - 1 - suf, a.length), proposed: clamp(b.length - 1 - suf, b.length) };
}
