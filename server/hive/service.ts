// The hive as the host runs it: every write is a core decision over the read model, appended to
// HIVE_STREAM through the HiveWriter (atomic, expected version, re-decided on a lost race);
// every read is a query over the read model. Commands arrive validated (the request schemas'
// output types); the actor is the agent the caller acts as.
import type { z } from 'zod';
import { HIVE_STREAM, type Cell, type CellDetail, type CellStatus, type CellRecord, type HiveCellResult, type HiveEpicResult, type HiveListResult, type HiveNewEvent, type ImportSource } from '../../shared/hive';
import type { HiveFindQuery, HiveListQuery, HiveReadyQuery, hiveShowParamsSchema } from '../../shared/hiveSchemas';
import type { HiveTreeResult } from '../../shared/hiveViews';
import type { Store } from '../store/store';
import { hiveCommands, type HiveCommandMethod } from './commands';
import { sweepExpiredClaims } from './core/claims';
import { DEFAULT_ID_PREFIX } from './core/ids';
import { mergeHive, type HiveMergeResult } from './core/merge';
import { hiveProjection } from './projection';
import { serializeRecord } from './core/jsonl';
import { toRecord } from './core/record';
import { cellNotFound } from './core/refusals';
import type { DecideContext, HiveView } from './core/view';
import { iso } from './core/view';
import { exportHiveJsonl, findCells, getCell, hiveView, listCells, nextClaimExpiry, readyCells, showCell } from './queries';
import { HiveWriter } from './writer';
import { openBlockersOfAll } from './viewQueries';

type CommandOf<M extends HiveCommandMethod> = z.output<(typeof hiveCommands)[M]['schema']>;
type Decide<M extends HiveCommandMethod> = (cmd: CommandOf<M>, view: HiveView, ctx: DecideContext) => HiveNewEvent[];

/** Methods whose result is the one cell they name (`cmd.id`). */
export type HiveCellMethod = Exclude<HiveCommandMethod, 'apiary/hive/create' | 'apiary/hive/createEpic'>;

export interface HiveServiceOptions {
  store: Store;
  now(): number;
  /** Prefix of new root ids (default `ap-`). */
  idPrefix?: string;
}

export interface HiveImportOutcome {
  imported: number;
  purged: number;
}

/** Distinct ready-queue queries remembered at once (limit × type × label × assignee in use). */
const READY_CACHE_SIZE = 64;

export class HiveService {
  readonly writer: HiveWriter;
  private readonly readyCache = new Map<string, { head: number; at: number; until: number; result: HiveListResult }>();

  constructor(private readonly opts: HiveServiceOptions) {
    this.writer = new HiveWriter(opts.store);
  }

  dispose(): void {
    this.writer.dispose();
  }

  private get db() {
    return this.opts.store.db;
  }

  private ctx(actor: string): DecideContext {
    return { now: this.opts.now(), actor, idPrefix: this.opts.idPrefix ?? DEFAULT_ID_PREFIX };
  }

  private cellOrThrow(id: string): Cell {
    const cell = getCell(this.db, id);
    if (!cell) throw cellNotFound(id);
    return cell;
  }

  /** Runs a command's decision and appends its events; `result` reads the state after them. */
  private run<M extends HiveCommandMethod, R>(method: M, cmd: CommandOf<M>, actor: string, result: (events: readonly HiveNewEvent[]) => R): Promise<R> {
    const decide = hiveCommands[method].decide as unknown as Decide<M>;
    return this.writer.commit(() => {
      const events = decide(cmd, hiveView(this.db), this.ctx(actor));
      return { events, result: () => result(events) };
    }, actor);
  }

  // ── writes ────────────────────────────────────────────────────────────────────────────────

  create(cmd: CommandOf<'apiary/hive/create'>, actor: string): Promise<HiveCellResult> {
    return this.run('apiary/hive/create', cmd, actor, (events) => {
      const created = events.find((e) => e.type === 'hive.cell.created');
      if (created?.type !== 'hive.cell.created') throw new Error('create decided no cell');
      return { cell: this.cellOrThrow(created.data.cell.id) };
    });
  }

  createEpic(cmd: CommandOf<'apiary/hive/createEpic'>, actor: string): Promise<HiveEpicResult> {
    return this.run('apiary/hive/createEpic', cmd, actor, (events) => {
      const marker = events.find((e) => e.type === 'hive.epic.created');
      if (marker?.type !== 'hive.epic.created') throw new Error('createEpic decided no epic');
      return { epic: this.cellOrThrow(marker.data.epicId), subtasks: marker.data.subtaskIds.map((id) => this.cellOrThrow(id)) };
    });
  }

  /** update · claim · heartbeat · release · close · reopen · delete · depAdd · depRemove · comment. */
  change<M extends HiveCellMethod>(method: M, cmd: CommandOf<M>, actor: string): Promise<HiveCellResult> {
    return this.run(method, cmd, actor, () => ({ cell: this.cellOrThrow((cmd as { id: string }).id) }));
  }

  /** Records every claim whose lease ran out (`hive.claim.expired`); returns how many. */
  sweep(): Promise<number> {
    return this.writer.commit(() => {
      const events = sweepExpiredClaims(hiveView(this.db), this.opts.now());
      return { events, result: () => events.length };
    }, 'host');
  }

  /**
   * Brings the hive to a three-way merge of `theirs` (the file as it is now) with the host's state,
   * against `base` (the file as the host last wrote it). Decided again on a lost race.
   */
  mergeFile(base: string, theirs: string, source: ImportSource = 'merge'): Promise<HiveMergeResult> {
    return this.writer.commit(() => {
      const merged = mergeHive(base, exportHiveJsonl(this.db), theirs, { now: this.opts.now(), source });
      return { events: merged.events, result: () => merged };
    }, 'host');
  }

  /** Upserts records read from elsewhere (a beads file, a JSONL file): only those that differ. */
  importRecords(records: readonly CellRecord[], source: ImportSource): Promise<HiveImportOutcome> {
    return this.writer.commit(() => {
      const at = iso(this.opts.now());
      const events: HiveNewEvent[] = [];
      for (const record of records) {
        const current = getCell(this.db, record.id);
        if (current && serializeRecord(toRecord(current)) === serializeRecord(record)) continue;
        events.push({ type: 'hive.cell.imported', data: { cell: record, source, at } });
      }
      return { events, result: () => ({ imported: events.length, purged: 0 }) };
    }, 'host');
  }

  // ── reads ─────────────────────────────────────────────────────────────────────────────────

  /**
   * The ready queue. MCP clients poll it, so an answer is kept per query until the log moves on
   * (store head) or a claim expires (the only way time alone changes it). Callers must not mutate it.
   */
  ready(query: HiveReadyQuery): HiveListResult {
    const now = this.opts.now();
    const head = this.opts.store.head;
    const key = JSON.stringify([query.limit, query.assignee ?? null, query.type ?? null, query.label ?? null]);
    const hit = this.readyCache.get(key);
    if (hit && hit.head === head && now >= hit.at && now < hit.until) return hit.result;
    const cells = readyCells(this.db, { ...query, now });
    const result = { cells, total: cells.length };
    if (this.readyCache.size >= READY_CACHE_SIZE) this.readyCache.clear();
    this.readyCache.set(key, { head, at: now, until: nextClaimExpiry(this.db, now) ?? Infinity, result });
    return result;
  }

  list(query: HiveListQuery): HiveListResult {
    return listCells(this.db, query);
  }

  show(params: z.output<typeof hiveShowParamsSchema>): CellDetail {
    const detail = showCell(this.db, params.id, this.opts.now());
    if (!detail) throw cellNotFound(params.id);
    return detail;
  }

  find(query: HiveFindQuery): HiveListResult {
    return findCells(this.db, query);
  }

  /** Every cell a tree shows (most urgent first), what blocks each blocked one, and the ready queue. */
  tree(params: { includeClosed: boolean; limit: number }): HiveTreeResult {
    const status: CellStatus[] = params.includeClosed ? ['open', 'in_progress', 'blocked', 'closed'] : ['open', 'in_progress', 'blocked'];
    const { cells, total } = listCells(this.db, { status, includeDeleted: false, limit: params.limit, offset: 0 });
    return {
      position: this.opts.store.head,
      cells,
      total,
      blockedBy: openBlockersOfAll(this.db),
      ready: readyCells(this.db, { limit: 1000, now: this.opts.now() }).map((c) => c.id),
    };
  }

  get(id: string): Cell | undefined {
    return getCell(this.db, id);
  }

  /** True when no hive event was ever appended (a fresh workspace, or one that only has the file). */
  isEmpty(): boolean {
    return this.opts.store.events.version(HIVE_STREAM) === 0;
  }

  /**
   * Names the hive's state: equal keys, equal exports. Only hive commands write hive events, all to
   * one stream, so its version and the read model's version pin down what the model holds.
   */
  stateKey(): string {
    return `${hiveProjection.version}/${this.opts.store.events.version(HIVE_STREAM)}`;
  }

  /** The hive as `.hive/issues.jsonl` text, keeping the unparsable lines of `previousText`. */
  exportText(previousText = ''): string {
    return exportHiveJsonl(this.db, previousText);
  }
}
