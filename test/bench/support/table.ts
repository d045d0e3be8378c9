// The human-readable report: one table per benchmark, goals judged in the last column.
import { verdict } from './goal';
import type { BenchResult } from './result';

const HEADER = ['metric', 'value', 'unit', 'reference', 'ratio', 'goal', ''];

function fmt(n: number | undefined): string {
  if (n === undefined) return '';
  if (Number.isInteger(n)) return n.toLocaleString('en-US');
  return n.toLocaleString('en-US', { maximumFractionDigits: Math.abs(n) < 10 ? 2 : 1 });
}

export function renderTable(result: BenchResult): string {
  const rows = Object.entries(result.metrics).map(([name, m]) => [
    name,
    fmt(m.value),
    m.unit,
    fmt(m.reference),
    m.ratio === undefined ? '' : `${fmt(m.ratio)}x`,
    m.goal,
    verdict(m),
  ]);
  const widths = HEADER.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // Numbers right-aligned, words left-aligned.
  const numeric = new Set([1, 3, 4]);
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (numeric.has(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [`${result.name}`, line(HEADER), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}
