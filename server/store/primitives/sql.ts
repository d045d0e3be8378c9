import type { Database, SqlValue, Statement } from 'sql.js';

// Projections run the same few statements for every event they apply (a replay runs them
// millions of times); compiling each once per database, not per event, made replay several times
// faster. Statements stay valid while the database is open, snapshots included: since 1.16,
// sql.js's `db.export()` copies through the backup API and leaves them alone.
const prepared = new WeakMap<Database, Map<string, Statement>>();

/** Runs a write statement, prepared once per database and SQL text. */
export function run(db: Database, sql: string, params: SqlValue[]): void {
  let cache = prepared.get(db);
  if (!cache) {
    cache = new Map();
    prepared.set(db, cache);
  }
  let stmt = cache.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    cache.set(sql, stmt);
  }
  stmt.run(params);
}

const ROWS_PER_INSERT = 32;

/**
 * `INSERT … VALUES (…), (…), …` for many rows: one statement per 32 rows costs markedly less than
 * one per row in sql.js. Rows go in in order, so `OR IGNORE`/`OR REPLACE` keep their meaning.
 * `head` is the statement up to VALUES, e.g. `INSERT OR IGNORE INTO t VALUES`.
 */
export function insertRows(db: Database, head: string, rows: SqlValue[][]): void {
  if (rows.length === 0) return;
  const width = rows[0]!.length;
  const tuple = `(${new Array<string>(width).fill('?').join(', ')})`;
  let i = 0;
  for (; i + ROWS_PER_INSERT <= rows.length; i += ROWS_PER_INSERT) {
    run(db, `${head} ${new Array<string>(ROWS_PER_INSERT).fill(tuple).join(', ')}`, rows.slice(i, i + ROWS_PER_INSERT).flat());
  }
  for (; i < rows.length; i++) run(db, `${head} ${tuple}`, rows[i]!);
}

/** Rows of a query as plain objects. */
export function all<T>(db: Database, sql: string, params: SqlValue[] = []): T[] {
  const stmt = db.prepare(sql);
  try {
    stmt.bind(params);
    const rows: T[] = [];
    while (stmt.step()) rows.push(stmt.getAsObject() as T);
    return rows;
  } finally {
    stmt.free();
  }
}

export function one<T>(db: Database, sql: string, params: SqlValue[] = []): T | undefined {
  return all<T>(db, sql, params)[0];
}
