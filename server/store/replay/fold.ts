// Time travel: the read models folded up to a position or a moment, on a database of their own,
// and what may be asked of them (the size of each table, one read-only query). The same code runs
// on a replay worker (the host's way: a long fold or a slow query never holds up the agents the
// host serves) and on the calling thread (where the store has no workers).
import type { Database, SqlJsStatic } from 'sql.js';
import { ApiaryError } from '../../../shared/errors';
import type { EventEnvelope } from '../../../shared/events';
import type { ReplayResult } from '../../../shared/protocol';
import { decodePayload } from '../eventStore';
import type { Projection } from '../projection';
import { ProjectionEngine } from '../projectionEngine';
import { readFrames, type LogSource } from '../segmentLog';
import { emptyDatabase } from '../sqljs';

export interface FoldLimit {
  /** Last position folded in. */
  to?: number;
  /** Last moment folded in: every event accepted at or before it (ISO 8601). */
  at?: string;
}

export interface Folded {
  db: Database;
  /** Position of the last event folded in (0: none). */
  position: number;
  ts: string | null;
}

/** Events applied in one transaction, as a replay at start does. */
const APPLY_CHUNK = 5000;

/** Folds `projections` from the start of the log up to `limit`, on a new database with `room` to grow into. */
export function foldLog(SQL: SqlJsStatic, projections: readonly Projection[], source: LogSource, limit: FoldLimit, room: number): Folded {
  const atMs = limit.at ? Date.parse(limit.at) : Number.POSITIVE_INFINITY;
  const to = limit.to ?? Number.MAX_SAFE_INTEGER;
  const db = emptyDatabase(SQL, room);
  const engine = new ProjectionEngine(db);
  for (const p of projections) engine.register(p);
  let chunk: EventEnvelope[] = [];
  let position = 0;
  let ts: string | null = null;
  readFrames(source, 1, ({ buf, start, end }) => {
    for (const e of decodePayload(buf.subarray(start, end))) {
      if (e.position > to || Date.parse(e.ts) > atMs) return false;
      chunk.push(e);
      position = e.position;
      ts = e.ts;
    }
    if (chunk.length >= APPLY_CHUNK) {
      engine.apply(chunk);
      chunk = [];
    }
    return true;
  });
  engine.apply(chunk);
  engine.persistCheckpoints();
  return { db, position, ts };
}

/**
 * The rows of each read-model table, and the rows of `sql` when given. The query must be one
 * SELECT (or WITH … SELECT); it runs with the database set query-only, so a statement that would
 * write is refused by SQLite itself, whatever its shape.
 */
export function describeFold(folded: Folded, sql?: string): ReplayResult {
  const { db } = folded;
  const tables: Record<string, number> = {};
  const names = db.exec("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' ORDER BY name")[0]?.values ?? [];
  for (const [name] of names) {
    tables[String(name)] = Number(db.exec(`SELECT count(*) FROM "${String(name)}"`)[0]!.values[0]![0]);
  }
  const result: ReplayResult = { position: folded.position, ts: folded.ts, tables };
  if (sql !== undefined) result.rows = runReadOnly(db, sql);
  return result;
}

function runReadOnly(db: Database, sql: string): Array<Record<string, unknown>> {
  const readOnly = (message: string): ApiaryError =>
    new ApiaryError('invalid_params', `replay queries are read-only: ${message}`, 'Pass one SELECT (or WITH … SELECT) query over the folded tables.');
  if (!/^\s*(select|with)\b/i.test(sql)) throw readOnly('start with SELECT or WITH');
  const failed = (err: unknown): ApiaryError =>
    new ApiaryError('invalid_params', `query failed: ${(err as Error).message}`, 'Check table and column names: a replay without --sql lists the tables.');
  let statements = 0;
  try {
    // SQLite's own parser says where each statement ends; a second one is refused, not ignored.
    for (const statement of db.iterateStatements(sql)) {
      statement.free();
      statements += 1;
    }
  } catch (err) {
    throw failed(err);
  }
  if (statements !== 1) throw readOnly(`one query at a time (this text holds ${statements})`);
  db.exec('PRAGMA query_only = 1');
  try {
    const res = db.exec(sql)[0];
    return res ? res.values.map((v) => Object.fromEntries(res.columns.map((c, i) => [c, v[i]]))) : [];
  } catch (err) {
    if (/readonly database/.test((err as Error).message)) throw readOnly('this query would write');
    throw failed(err);
  }
}
