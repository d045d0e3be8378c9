// Prepared statements cached per database, for the projection's hot path and the queries.
//
// Why this survives `db.export()`: older sql.js releases finalise every prepared statement on
// export (1.16, which the host requires and snapshots with, exports through the backup API and
// keeps them), and a freed statement throws the string "Statement closed" on first use, before
// touching the database. So a cached statement is used optimistically and, on that one error,
// prepared again and the call retried. The cache is a WeakMap keyed by the Database object, so a
// closed or dropped database takes its statements with it.
import type { BindParams, Database, Statement } from 'sql.js';

const caches = new WeakMap<Database, Map<string, Statement>>();

function isClosedStatement(err: unknown): boolean {
  const message = typeof err === 'string' ? err : err instanceof Error ? err.message : '';
  return message === 'Statement closed';
}

function prepared(db: Database, sql: string, fresh: boolean): Statement {
  let cache = caches.get(db);
  if (!cache) {
    cache = new Map();
    caches.set(db, cache);
  }
  let stmt = fresh ? undefined : cache.get(sql);
  if (!stmt) {
    stmt = db.prepare(sql);
    cache.set(sql, stmt);
  }
  return stmt;
}

function withStatement<T>(db: Database, sql: string, use: (stmt: Statement) => T): T {
  try {
    return use(prepared(db, sql, false));
  } catch (err) {
    if (!isClosedStatement(err)) throw err;
    return use(prepared(db, sql, true));
  }
}

/** Runs a write. */
export function run(db: Database, sql: string, params: BindParams = []): void {
  withStatement(db, sql, (stmt) => {
    stmt.run(params);
  });
}

/** Rows as plain objects. The statement is reset afterwards so it holds no read lock. */
export function rows<T>(db: Database, sql: string, params: BindParams = []): T[] {
  return withStatement(db, sql, (stmt) => {
    try {
      stmt.bind(params);
      const out: T[] = [];
      while (stmt.step()) out.push(stmt.getAsObject() as T);
      return out;
    } finally {
      stmt.reset();
    }
  });
}

export function row<T>(db: Database, sql: string, params: BindParams = []): T | undefined {
  return rows<T>(db, sql, params)[0];
}
