// Prepared statements cached per database, keyed by SQL text. Applying an event and answering the
// ready query run the same few statements thousands of times; preparing them once is most of the
// speed of the read model.
//
// Surviving `db.export()`: older sql.js releases freed every prepared statement when exporting,
// and a freed statement throws the string "Statement closed" on its next bind. The cache treats
// that as "prepare again": it drops the dead statement, prepares it anew and retries once (the
// throw comes from bind, before anything ran, so the retry cannot apply anything twice). Code that
// closes or replaces statements deliberately can call resetStatements(db) to start afresh.
import type { BindParams, Database, SqlValue, Statement } from 'sql.js';

export type Row = Record<string, SqlValue>;
type Params = SqlValue[];

function toRow(columns: string[], values: SqlValue[]): Row {
  const row: Row = {};
  for (let i = 0; i < columns.length; i++) row[columns[i]!] = values[i]!;
  return row;
}

function isClosedStatement(err: unknown): boolean {
  const text = typeof err === 'string' ? err : err instanceof Error ? err.message : '';
  return /statement closed|finalized/i.test(text);
}

export class StatementCache {
  private readonly cache = new Map<string, Statement>();

  constructor(private readonly db: Database) {}

  private use<T>(sql: string, params: Params, body: (stmt: Statement) => T): T {
    for (let attempt = 0; ; attempt++) {
      let stmt = this.cache.get(sql);
      if (!stmt) {
        stmt = this.db.prepare(sql);
        this.cache.set(sql, stmt);
      }
      try {
        stmt.bind(params as BindParams);
      } catch (err) {
        if (attempt === 0 && isClosedStatement(err)) {
          this.cache.delete(sql);
          continue;
        }
        throw err;
      }
      try {
        return body(stmt);
      } finally {
        stmt.reset();
      }
    }
  }

  run(sql: string, params: Params = []): void {
    this.use(sql, params, (stmt) => {
      while (stmt.step()) {
        /* drain */
      }
    });
  }

  get(sql: string, params: Params = []): Row | undefined {
    return this.use(sql, params, (stmt) => (stmt.step() ? toRow(stmt.getColumnNames(), stmt.get()) : undefined));
  }

  all(sql: string, params: Params = []): Row[] {
    return this.use(sql, params, (stmt) => {
      const rows: Row[] = [];
      // getAsObject asks for the column names on every row; asking once is much faster on big reads.
      let columns: string[] | undefined;
      while (stmt.step()) {
        columns ??= stmt.getColumnNames();
        rows.push(toRow(columns, stmt.get()));
      }
      return rows;
    });
  }

  /** First column of every row. */
  column(sql: string, params: Params = []): SqlValue[] {
    return this.use(sql, params, (stmt) => {
      const values: SqlValue[] = [];
      while (stmt.step()) values.push(stmt.get()[0]!);
      return values;
    });
  }

  free(): void {
    for (const stmt of this.cache.values()) {
      try {
        stmt.free();
      } catch {
        // Already freed by sql.js itself.
      }
    }
    this.cache.clear();
  }
}

const caches = new WeakMap<Database, StatementCache>();

export function statements(db: Database): StatementCache {
  let cache = caches.get(db);
  if (!cache) {
    cache = new StatementCache(db);
    caches.set(db, cache);
  }
  return cache;
}

/** Frees and forgets this database's cached statements; the next use prepares them again. */
export function resetStatements(db: Database): void {
  caches.get(db)?.free();
  caches.delete(db);
}
