// The reference the store is measured against: an event table in SQLite through better-sqlite3,
// WAL journal with synchronous=FULL (every commit is fsynced), one row per committed transaction,
// rows carrying the same envelope JSON our log writes.
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import type BetterSqlite3 from 'better-sqlite3';

export class SqliteReference {
  private position = 0;
  private readonly versions = new Map<string, number>();

  private constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly insert: BetterSqlite3.Statement,
  ) {}

  static open(dir: string): SqliteReference {
    // Loaded on first use: it is a native dev dependency only the benchmarks need.
    const Database = require('better-sqlite3') as typeof BetterSqlite3;
    const db = new Database(path.join(dir, 'reference.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE IF NOT EXISTS events (position INTEGER PRIMARY KEY, id TEXT NOT NULL, stream TEXT NOT NULL, version INTEGER NOT NULL, type TEXT NOT NULL, body TEXT NOT NULL)');
    const insert = db.prepare('INSERT INTO events (position, id, stream, version, type, body) VALUES (?, ?, ?, ?, ?, ?)');
    return new SqliteReference(db, insert);
  }

  /** One event, one autocommit transaction: durable when this returns. */
  append(stream: string, type: string, data: unknown, actor: string): void {
    const version = (this.versions.get(stream) ?? 0) + 1;
    const position = this.position + 1;
    const id = randomUUID();
    const body = JSON.stringify({ id, stream, version, position, type, ts: new Date().toISOString(), actor, causationId: null, correlationId: null, data });
    this.insert.run(position, id, stream, version, type, body);
    this.versions.set(stream, version);
    this.position = position;
  }

  close(): void {
    this.db.close();
  }
}
