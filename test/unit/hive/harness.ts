// A hive driven the way the host drives it: params validated by the request's schema, a decision
// over the real sql.js read model, the events appended (here: to an in-memory log) and applied by
// the real projection.
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import type { EventEnvelope } from '../../../shared/events';
import { HIVE_STREAM, type Cell, type CellSummary, type HiveNewEvent } from '../../../shared/hive';
import { hiveCommands, type HiveCommandMethod } from '../../../server/hive/commands';
import type { DecideContext } from '../../../server/hive/core/view';
import { applyHiveEvent, HIVE_SCHEMA } from '../../../server/hive/projection';
import { getCell, hiveView, readyCells } from '../../../server/hive/queries';

let sql: Promise<SqlJsStatic> | undefined;
export function loadSql(): Promise<SqlJsStatic> {
  sql ??= initSqlJs();
  return sql;
}

export async function hiveDb(): Promise<Database> {
  const SQL = await loadSql();
  const db = new SQL.Database();
  for (const ddl of HIVE_SCHEMA) db.exec(ddl);
  return db;
}

export const T0 = Date.parse('2025-03-01T09:00:00.000Z');

export class TestHive {
  readonly log: EventEnvelope[] = [];
  now = T0;
  actor = 'alice';
  idPrefix: string | undefined;

  constructor(readonly db: Database) {}

  static async create(): Promise<TestHive> {
    return new TestHive(await hiveDb());
  }

  ctx(actor = this.actor): DecideContext {
    return { now: this.now, actor, ...(this.idPrefix ? { idPrefix: this.idPrefix } : {}) };
  }

  /** Validates, decides and appends; returns the events appended. */
  run(method: HiveCommandMethod, params: unknown, actor = this.actor): HiveNewEvent[] {
    const command = hiveCommands[method];
    const parsed = command.schema.parse(params);
    const decide = command.decide as (cmd: unknown, view: ReturnType<typeof hiveView>, ctx: DecideContext) => HiveNewEvent[];
    const events = decide(parsed, hiveView(this.db), this.ctx(actor));
    this.append(events, actor);
    return events;
  }

  append(events: readonly HiveNewEvent[], actor = this.actor): void {
    for (const e of events) {
      const envelope: EventEnvelope = {
        id: `e${this.log.length + 1}`,
        stream: HIVE_STREAM,
        version: this.log.length + 1,
        position: this.log.length + 1,
        type: e.type,
        ts: new Date(this.now).toISOString(),
        actor,
        causationId: null,
        correlationId: null,
        data: e.data,
      };
      this.log.push(envelope);
      applyHiveEvent(this.db, envelope);
    }
  }

  create(title: string, extra: Record<string, unknown> = {}, actor = this.actor): string {
    const [event] = this.run('apiary/hive/create', { title, ...extra }, actor);
    if (event?.type !== 'hive.cell.created') throw new Error('create made no cell');
    return event.data.cell.id;
  }

  cell(id: string): Cell {
    const cell = getCell(this.db, id);
    if (!cell) throw new Error(`no cell ${id}`);
    return cell;
  }

  ready(limit = 50): CellSummary[] {
    return readyCells(this.db, { now: this.now, limit });
  }

  readyIds(limit = 50): string[] {
    return this.ready(limit).map((c) => c.id);
  }

  advance(ms: number): void {
    this.now += ms;
  }
}

/** Runs `fn` and returns the ApiaryError-shaped object it threw. */
export function refusal(fn: () => unknown): { code: string; message: string; hint?: string; details?: Record<string, unknown> } {
  try {
    fn();
  } catch (err) {
    const e = err as { code?: unknown; message?: unknown };
    if (typeof e.code === 'string' && typeof e.message === 'string') return err as { code: string; message: string };
    throw err;
  }
  throw new Error('expected a refusal, but it succeeded');
}
