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
 * sql.js keeps a database in a file of its in-memory file system, and that file grows by an
 * eighth at a time, copying the whole file each time: a database built up to 65 MB by a replay
 * is copied about forty times, and the garbage collector chases every discarded copy (a quarter
 * to a third of the time to apply 1,000,000 events, measured). A database opened "with room"
 * starts as a file that already has the space: a valid image followed by zeros. SQLite reads the
 * size of the database from its header, not from the file, so the zeros are free space it writes
 * new pages into in place.
 */
export function withRoom(image: Uint8Array, room: number): Uint8Array {
  if (room <= 0) return image;
  const file = new Uint8Array(image.length + room);
  file.set(image);
  return file;
}

let emptyImage: Uint8Array | null = null;

/** A new, empty database with `room` bytes to grow into before its file must grow. */
export function emptyDatabase(SQL: SqlJsStatic, room: number): Database {
  if (room <= 0) return new SQL.Database();
  if (!emptyImage) {
    // The smallest valid image: one page with a header (a zero-byte file has none to read the
    // size from). Setting a value and clearing it writes that page.
    const seed = new SQL.Database();
    seed.exec('PRAGMA user_version = 1; PRAGMA user_version = 0');
    emptyImage = seed.export();
    seed.close();
  }
  return new SQL.Database(withRoom(emptyImage, room));
}

/**
 * Room for the read models of a replay of `logBytes` of log: they come to about a fifth of the
 * log in a working host's mix. Capped: the room is memory (the file system copies it in).
 */
export function replayRoom(logBytes: number): number {
  return Math.min(256 * 1024 * 1024, Math.floor(logBytes / 5));
}
