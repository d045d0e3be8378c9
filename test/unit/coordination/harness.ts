// A coordination workspace for specs: decisions' events are wrapped in envelopes and fed to the
// real projection engine over a fresh sql.js database, and state is read back through the real
// queries, so every spec exercises decide → log → read model → decide.
import initSqlJs, { type Database, type SqlJsStatic } from 'sql.js';
import type { CoordinationEvent } from '../../../shared/coordination';
import type { EventEnvelope } from '../../../shared/events';
import type { AgentRecord } from '../../../server/coordination/core/agents';
import { decideRegister } from '../../../server/coordination/core/agents';
import { type CoordinationPolicy, DEFAULT_POLICY } from '../../../server/coordination/core/policy';
import { coordinationProjection } from '../../../server/coordination/projection';
import { listAgents, openReservations } from '../../../server/coordination/queries';
import type { Reservation } from '../../../shared/coordination';
import { ProjectionEngine } from '../../../server/store/projectionEngine';

let sql: Promise<SqlJsStatic> | undefined;
export const loadSql = (): Promise<SqlJsStatic> => (sql ??= initSqlJs());

export const T0 = Date.parse('2026-03-02T09:00:00.000Z');
export const MINUTE = 60_000;

export class Workspace {
  readonly log: EventEnvelope[] = [];
  now = T0;
  policy: CoordinationPolicy = { ...DEFAULT_POLICY };
  private ids = 0;
  private readonly versions = new Map<string, number>();

  private constructor(
    readonly db: Database,
    readonly engine: ProjectionEngine,
  ) {}

  static async open(): Promise<Workspace> {
    const SQL = await loadSql();
    const db = new SQL.Database();
    const engine = new ProjectionEngine(db, (_p, _e, err) => {
      throw err;
    });
    engine.register(coordinationProjection);
    return new Workspace(db, engine);
  }

  newId = (): string => `id-${++this.ids}`;

  advance(ms: number): void {
    this.now += ms;
  }

  /** Appends the events (as the host would) and applies them to the read model. */
  commit(events: readonly CoordinationEvent[], actor = 'test'): EventEnvelope[] {
    let position = this.log.length;
    const envelopes = events.map((e): EventEnvelope => {
      position++;
      const version = (this.versions.get(e.stream) ?? 0) + 1;
      this.versions.set(e.stream, version);
      return {
        id: e.id ?? `evt-${position}`,
        stream: e.stream,
        version,
        position,
        type: e.type,
        ts: new Date(this.now).toISOString(),
        actor,
        causationId: null,
        correlationId: null,
        data: structuredClone(e.data),
      };
    });
    for (const env of envelopes) this.log.push(env);
    this.engine.apply(envelopes);
    return envelopes;
  }

  agents(): AgentRecord[] {
    return listAgents(this.db, this.now, { policy: this.policy });
  }

  reservations(): Reservation[] {
    return openReservations(this.db);
  }

  state(): { agents: AgentRecord[]; reservations: Reservation[] } {
    return { agents: this.agents(), reservations: this.reservations() };
  }

  register(name: string, kind: AgentRecord['kind'] = 'mcp-client'): AgentRecord {
    const d = decideRegister(this.agents(), { name, kind }, { now: this.now, policy: this.policy });
    this.commit(d.events);
    return this.agents().find((a) => a.name === d.result.agent.name) as AgentRecord;
  }
}

/** Every row of every coordination table, for comparing two read models. */
export function dumpTables(db: Database): Record<string, unknown[][]> {
  const out: Record<string, unknown[][]> = {};
  for (const table of ['coord_agents', 'coord_reservations', 'coord_messages', 'coord_inbox', 'coord_audit']) {
    out[table] = db.exec(`SELECT * FROM ${table} ORDER BY 1, 2`)[0]?.values ?? [];
  }
  return out;
}
