import type { Database, SqlValue, Statement } from 'sql.js';

// Projections run the same few statements for every event they apply (a replay runs them
// millions of times); compiling each once per database, not per event, made replay several times
// faster. Statements stay valid while the database is open: snapshots copy it with the backup API
// rather than `db.export()`, which would free them.
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
