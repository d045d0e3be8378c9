// Loads sql.js once per process. The wasm sits next to the bundle (esbuild copies it); from
// sources (tests) it is found in node_modules.
import fs from 'node:fs';
import path from 'node:path';
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';

let loading: Promise<SqlJsStatic> | undefined;

function wasmPath(): string {
  const beside = path.join(__dirname, 'sql-wasm.wasm');
  if (fs.existsSync(beside)) return beside;
  return require.resolve('sql.js/dist/sql-wasm.wasm');
}

export function loadSqlJs(): Promise<SqlJsStatic> {
  loading ??= initSqlJs({ locateFile: () => wasmPath() });
  return loading;
}

/**
 * Copies a live database page by page into a fresh one and exports that: unlike `db.export()`,
 * this leaves the live database open, so the statements projections have prepared stay valid.
 */
export function exportDatabase(SQL: SqlJsStatic, db: Database): Uint8Array {
  const api = SQL as unknown as { cwrap(name: string, ret: string, args: string[]): unknown };
  const init = api.cwrap('sqlite3_backup_init', 'number', ['number', 'string', 'number', 'string']) as (a: number, b: string, c: number, d: string) => number;
  const step = api.cwrap('sqlite3_backup_step', 'number', ['number', 'number']) as (b: number, n: number) => number;
  const finish = api.cwrap('sqlite3_backup_finish', 'number', ['number']) as (b: number) => number;
  const copy = new SQL.Database();
  try {
    const handle = (x: Database): number => (x as unknown as { db: number }).db;
    const backup = init(handle(copy), 'main', handle(db), 'main');
    if (!backup) throw new Error('sqlite3_backup_init failed');
    const rc = step(backup, -1);
    finish(backup);
    if (rc !== 101 /* SQLITE_DONE */) throw new Error(`sqlite3_backup_step failed with code ${rc}`);
    return copy.export();
  } finally {
    copy.close();
  }
}
