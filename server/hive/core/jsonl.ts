// `.hive/issues.jsonl`: one cell per line, sorted by id, keys in one fixed order, so git diffs
// and merges work line by line and an unchanged cell always prints the same bytes.
//
// Key order (CELL_KEY_ORDER): id, title, description, type, status, priority, parent, assignee,
// labels, files, dependencies, comments, metadata, createdAt, updatedAt, closedAt, closeReason,
// deletedAt, deleteReason. Inside: dependencies {dependsOn, type, createdAt, createdBy} sorted by
// (dependsOn, type); comments {id, author, text, createdAt} by id; labels and files sorted;
// metadata keys sorted. Keys holding an empty value (null, "", [], {}) are left out, except the
// always-present id, title, type, status, priority, createdAt and updatedAt; parsing restores them.
// Claims are host-local leases and never written.
import type { CellRecord, HiveProblem } from '../../../shared/hive';
import { cellRecordSchema } from '../../../shared/hiveSchemas';
import { compareIds } from './ids';
import { normalizeRecord } from './record';

export const CELL_KEY_ORDER = [
  'id',
  'title',
  'description',
  'type',
  'status',
  'priority',
  'parent',
  'assignee',
  'labels',
  'files',
  'dependencies',
  'comments',
  'metadata',
  'createdAt',
  'updatedAt',
  'closedAt',
  'closeReason',
  'deletedAt',
  'deleteReason',
] as const satisfies ReadonlyArray<keyof CellRecord>;

const ALWAYS = new Set<string>(['id', 'title', 'type', 'status', 'priority', 'createdAt', 'updatedAt']);

function isEmpty(value: unknown): boolean {
  if (value === null || value === undefined || value === '') return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

export function serializeRecord(record: CellRecord): string {
  const r = normalizeRecord(record);
  const out: Record<string, unknown> = {};
  for (const key of CELL_KEY_ORDER) {
    if (ALWAYS.has(key) || !isEmpty(r[key])) out[key] = r[key];
  }
  return JSON.stringify(out);
}

/** The whole file: records sorted by id, then lines kept verbatim (unparsable ones from before). */
export function serializeJsonl(records: Iterable<CellRecord>, keptLines: readonly string[] = []): string {
  const sorted = [...records].sort((a, b) => compareIds(a.id, b.id));
  let text = '';
  for (const r of sorted) text += serializeRecord(r) + '\n';
  for (const line of keptLines) text += line + '\n';
  return text;
}

export interface UnparsedLine {
  line: number;
  text: string;
}

export interface ParsedJsonl {
  records: CellRecord[];
  /** One per line that could not be used, with its 1-based line number. */
  problems: HiveProblem[];
  /** Those lines verbatim, so whoever rewrites the file can keep them. */
  unparsed: UnparsedLine[];
}

function describeZodError(issues: ReadonlyArray<{ path: PropertyKey[]; message: string }>): string {
  return issues
    .slice(0, 3)
    .map((i) => (i.path.length ? `${i.path.map(String).join('.')}: ${i.message}` : i.message))
    .join('; ');
}

export function parseJsonl(text: string, source: HiveProblem['source'] = 'file'): ParsedJsonl {
  const records: CellRecord[] = [];
  const problems: HiveProblem[] = [];
  const unparsed: UnparsedLine[] = [];
  const seen = new Map<string, number>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i]!.replace(/\r$/, '');
    if (raw.trim() === '') continue;
    const line = i + 1;
    const fail = (reason: string): void => {
      problems.push({ line, reason, source, text: raw.length > 200 ? raw.slice(0, 200) + '…' : raw });
      unparsed.push({ line, text: raw });
    };
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch (err) {
      fail(`not JSON: ${err instanceof Error ? err.message : String(err)}`);
      continue;
    }
    const parsed = cellRecordSchema.safeParse(value);
    if (!parsed.success) {
      fail(`not a cell: ${describeZodError(parsed.error.issues)}`);
      continue;
    }
    const earlier = seen.get(parsed.data.id);
    if (earlier !== undefined) {
      fail(`duplicate id ${parsed.data.id} (first on line ${earlier})`);
      continue;
    }
    seen.set(parsed.data.id, line);
    records.push(normalizeRecord(parsed.data));
  }
  return { records, problems, unparsed };
}

/**
 * What the host writes after changes: the current records, and any line of the file on disk that
 * it could not parse, kept at the end so a hand edit gone wrong is never lost.
 */
export function renderHiveFile(records: Iterable<CellRecord>, previousText = ''): string {
  const kept = previousText ? parseJsonl(previousText).unparsed.map((u) => u.text) : [];
  return serializeJsonl(records, kept);
}
