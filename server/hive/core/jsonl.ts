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
import { idSortKey } from './ids';
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
    const value = r[key];
    if (ALWAYS.has(key) || !isEmpty(value)) out[key] = value;
  }
  return JSON.stringify(out);
}

/** The whole file: records sorted by id, then lines kept verbatim (unparsable ones from before). */
export function serializeJsonl(records: Iterable<CellRecord>, keptLines: readonly string[] = []): string {
  const keyed = [...records].map((r) => [idSortKey(r.id), r] as const);
  keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const lines = keyed.map(([, r]) => serializeRecord(r));
  lines.push(...keptLines);
  return lines.length ? lines.join('\n') + '\n' : '';
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

/** Lines already parsed (a record, or why it is unusable), shared between parses of similar files. */
export type LineCache = Map<string, CellRecord | string>;

function parseLine(raw: string): CellRecord | string {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch (err) {
    return `not JSON: ${err instanceof Error ? err.message : String(err)}`;
  }
  const parsed = cellRecordSchema.safeParse(value);
  if (!parsed.success) return `not a cell: ${describeZodError(parsed.error.issues)}`;
  return normalizeRecord(parsed.data);
}

export function parseJsonl(text: string, source: HiveProblem['source'] = 'file', cache: LineCache = new Map()): ParsedJsonl {
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
    let result = cache.get(raw);
    if (result === undefined) {
      result = parseLine(raw);
      cache.set(raw, result);
    }
    if (typeof result === 'string') {
      fail(result);
      continue;
    }
    const earlier = seen.get(result.id);
    if (earlier !== undefined) {
      fail(`duplicate id ${result.id} (first on line ${earlier})`);
      continue;
    }
    seen.set(result.id, line);
    records.push(result);
  }
  return { records, problems, unparsed };
}

/**
 * What the host writes after changes: the current records, and any line of the file on disk that
 * it could not parse, kept at the end so a hand edit gone wrong is never lost.
 */
export function renderHiveFile(records: Iterable<CellRecord>, previousText = ''): string {
  return keepUnparsable(serializeJsonl(records), previousText);
}

/** `text` (a freshly written file) followed by the lines of `previousText` that must be kept. */
export function keepUnparsable(text: string, previousText: string): string {
  if (!previousText) return text;
  const previous = previousText
    .split('\n')
    .map((line) => line.replace(/\r$/, ''))
    .filter((line) => line.trim() !== '');
  // Only lines that are not being written again can be unparsable; parse just those. A valid line
  // is an older version of a cell (superseded, dropped) unless its id occurs twice in the file:
  // then it is a duplicate, which is kept like any line the host cannot use.
  const written = new Set(text.split('\n'));
  const idCount = new Map<string, number>();
  for (const line of previous) {
    const id = /^\{"id":"([^"\\]*)"/.exec(line)?.[1];
    if (id !== undefined) idCount.set(id, (idCount.get(id) ?? 0) + 1);
  }
  let kept = '';
  for (const line of previous) {
    if (written.has(line)) continue;
    const parsed = parseJsonl(line);
    const record = parsed.records[0];
    if (!record || (idCount.get(record.id) ?? 0) > 1) kept += line + '\n';
  }
  return text + kept;
}
