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

/** The statement text for `rows` tuples of `width` columns, built once per head and shape. */
const insertTexts = new Map<string, string>();
function insertText(head: string, width: number, rows: number): string {
  const key = `${rows}\u0000${width}\u0000${head}`;
  let text = insertTexts.get(key);
  if (text === undefined) {
    const tuple = `(${new Array<string>(width).fill('?').join(', ')})`;
    text = `${head} ${new Array<string>(rows).fill(tuple).join(', ')}`;
    insertTexts.set(key, text);
  }
  return text;
}

/**
 * `INSERT … VALUES (…), (…), …` for many rows: one statement per 32 rows costs markedly less than
 * one per row in sql.js. Rows go in in order, so `OR IGNORE`/`OR REPLACE` keep their meaning.
 * `head` is the statement up to VALUES, e.g. `INSERT OR IGNORE INTO t VALUES`.
 */
export function insertRows(db: Database, head: string, rows: SqlValue[][]): void {
  if (rows.length === 0) return;
  const width = rows[0]!.length;
  let i = 0;
  if (rows.length >= ROWS_PER_INSERT) {
    const full = insertText(head, width, ROWS_PER_INSERT);
    // One parameter array, refilled: a replay inserts hundreds of thousands of rows this way.
    const params = new Array<SqlValue>(ROWS_PER_INSERT * width);
    for (; i + ROWS_PER_INSERT <= rows.length; i += ROWS_PER_INSERT) {
      let k = 0;
      for (let r = i; r < i + ROWS_PER_INSERT; r++) for (const v of rows[r]!) params[k++] = v;
      run(db, full, params);
    }
  }
  if (i < rows.length) {
    const one = insertText(head, width, 1);
    for (; i < rows.length; i++) run(db, one, rows[i]!);
  }
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
