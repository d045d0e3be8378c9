// The hive benchmark (`apiary bench hive`): a hive of 10,000 cells and 20,000 dependencies built
// through the real create path (schema → decision → projection), then
//   • the ready query (goal ≤ 5 ms median; beads publishes 30 ms for the same size), with a
//     reference measured in the same run: the same queue computed on the fly with a recursive
//     query instead of the projection's materialized `blocked` column;
//   • create through decide + projection at that size (goal ≤ 1 ms median);
//   • the full `.hive/issues.jsonl` export (goal ≤ 200 ms);
//   • informational: a claim, a rebuild of the read model from the log, a three-way merge of the file.
import type { Database } from 'sql.js';
import type { EventEnvelope } from '../../shared/events';
import { HIVE_STREAM, type HiveNewEvent } from '../../shared/hive';
import { hiveClaimParamsSchema, hiveCreateParamsSchema } from '../../shared/hiveSchemas';
import { decideClaim } from '../../server/hive/core/claims';
import { decideCreate } from '../../server/hive/core/create';
import { mergeHive } from '../../server/hive/core/merge';
import { hiveProjection } from '../../server/hive/projection';
import { exportHiveJsonl, hiveView, readyCells } from '../../server/hive/queries';
import { ProjectionEngine } from '../../server/store/projectionEngine';
import { loadSqlJs } from '../../server/store/sqljs';
import { progress } from './support/progress';
import { compared, round, type BenchResult } from './support/result';
import { median, now } from './support/stats';

export interface HiveBenchSizes {
  cells: number;
  /** Blocking dependencies, spread over the cells (each points at an older cell, so no cycles). */
  deps: number;
  readyRuns: number;
  createRuns: number;
  exportRuns: number;
}

const SIZES: HiveBenchSizes = { cells: 10_000, deps: 20_000, readyRuns: 200, createRuns: 500, exportRuns: 7 };

/** Deterministic pseudo-random numbers, so every run builds the same hive. */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The hive fed the way the host feeds it: each append applied by the projection engine in one transaction. */
class BenchHive {
  readonly log: EventEnvelope[] = [];
  readonly engine: ProjectionEngine;
  clock = Date.parse('2025-01-01T00:00:00.000Z');

  constructor(readonly db: Database) {
    this.engine = projectionEngine(db);
  }

  append(events: readonly HiveNewEvent[]): void {
    const batch: EventEnvelope[] = [];
    for (const e of events) {
      const position = this.log.length + 1;
      const envelope: EventEnvelope = {
        id: `e${position}`,
        stream: HIVE_STREAM,
        version: position,
        position,
        type: e.type,
        ts: new Date(this.clock).toISOString(),
        actor: 'bench',
        causationId: null,
        correlationId: null,
        data: e.data,
      };
      this.log.push(envelope);
      batch.push(envelope);
    }
    this.engine.apply(batch);
  }

  /** One create as the host runs it: validate, decide over the read model, append and apply. */
  create(params: unknown): string {
    const cmd = hiveCreateParamsSchema.parse(params);
    const events = decideCreate(cmd, hiveView(this.db), { now: this.clock, actor: 'bench' });
    this.append(events);
    const created = events[0]!;
    return created.type === 'hive.cell.created' ? created.data.cell.id : '';
  }
}

async function freshDb(): Promise<Database> {
  const SQL = await loadSqlJs();
  return new SQL.Database();
}

function projectionEngine(db: Database): ProjectionEngine {
  const engine = new ProjectionEngine(db, (_name, _event, err) => {
    throw err;
  });
  engine.register(hiveProjection);
  return engine;
}

/** The ready queue computed from scratch each time: what a model without a materialized flag does. */
const NAIVE_READY = `
  WITH RECURSIVE blocked(id) AS (
    SELECT id FROM hive_cells WHERE status = 'blocked'
    UNION
    SELECT d.cell_id FROM hive_deps d JOIN hive_cells b ON b.id = d.depends_on
      WHERE d.type = 'blocks' AND b.status NOT IN ('closed', 'deleted')
    UNION
    SELECT c.id FROM hive_cells c JOIN blocked p ON c.parent = p.id
  )
  SELECT id, title, priority FROM hive_cells
  WHERE status = 'open' AND (claim_expires_ms IS NULL OR claim_expires_ms <= ?) AND id NOT IN (SELECT id FROM blocked)
  ORDER BY priority, created_at, id LIMIT 50`;

async function build(s: HiveBenchSizes): Promise<{ hive: BenchHive; ids: string[] }> {
  const hive = new BenchHive(await freshDb());
  const random = rng(42);
  const ids: string[] = [];
  let depsLeft = s.deps;
  for (let i = 0; i < s.cells; i++) {
    hive.clock += 1000;
    // Every 20th cell is an epic; the next ones are its children.
    const epicIndex = i - (i % 20);
    const parent = i % 20 !== 0 && ids[epicIndex] ? ids[epicIndex] : undefined;
    const wanted = Math.round((depsLeft / (s.cells - i)) * (0.5 + random()));
    const deps = new Set<string>();
    for (let tries = 0; deps.size < Math.min(wanted, i) && tries < 10 * wanted; tries++) deps.add(ids[Math.floor(random() * i)]!);
    depsLeft -= deps.size;
    ids.push(
      hive.create({
        title: `Cell ${i}: ${random().toString(36).slice(2, 10)}`,
        description: 'Generated for the benchmark. '.repeat(3),
        type: i % 20 === 0 ? 'epic' : i % 7 === 0 ? 'bug' : 'task',
        priority: Math.floor(random() * 5),
        labels: i % 3 === 0 ? ['backend'] : ['ui'],
        dependsOn: [...deps],
        ...(parent ? { parent } : {}),
      }),
    );
  }
  // Work in flight: most old cells done, some started, a few claimed.
  for (let i = 0; i < s.cells; i++) {
    const r = random();
    const id = ids[i]!;
    if (r < 0.55) hive.append([{ type: 'hive.cell.closed', data: { id, reason: 'done', at: new Date(hive.clock).toISOString() } }]);
    else if (r < 0.6) hive.append([{ type: 'hive.cell.updated', data: { id, changes: { status: 'in_progress' }, at: new Date(hive.clock).toISOString() } }]);
  }
  return { hive, ids };
}

export async function benchHive(sizes: Partial<HiveBenchSizes> = {}): Promise<BenchResult> {
  const s = { ...SIZES, ...sizes };
  progress(`building a hive of ${s.cells.toLocaleString('en-US')} cells and ${s.deps.toLocaleString('en-US')} dependencies`);
  const buildStart = now();
  const { hive, ids } = await build(s);
  const buildMs = now() - buildStart;
  const deps = Number(hive.db.exec('SELECT COUNT(*) FROM hive_deps')[0]!.values[0]![0]);
  const cells = Number(hive.db.exec('SELECT COUNT(*) FROM hive_cells')[0]!.values[0]![0]);

  progress('ready queue');
  const readyTimes: number[] = [];
  const naiveTimes: number[] = [];
  let readyCount = 0;
  for (let i = 0; i < s.readyRuns; i++) {
    const at = hive.clock + i;
    let t = now();
    readyCount = readyCells(hive.db, { now: at, limit: 50 }).length;
    readyTimes.push(now() - t);
    if (i % 4 === 0) {
      t = now();
      hive.db.exec(NAIVE_READY, [at]);
      naiveTimes.push(now() - t);
    }
  }
  if (readyCount === 0) throw new Error('the generated hive has an empty ready queue; the benchmark would measure nothing');

  progress('claims');
  const claimTimes: number[] = [];
  const ready = readyCells(hive.db, { now: hive.clock, limit: 200 });
  for (const cell of ready.slice(0, 100)) {
    const t = now();
    hive.append(decideClaim(hiveClaimParamsSchema.parse({ id: cell.id }), hiveView(hive.db), { now: hive.clock, actor: 'agent' }));
    claimTimes.push(now() - t);
  }

  progress('export');
  const exportTimes: number[] = [];
  let text = '';
  for (let i = 0; i < s.exportRuns; i++) {
    const t = now();
    text = exportHiveJsonl(hive.db);
    exportTimes.push(now() - t);
  }

  progress('merge');
  const theirs = text.replace(/"title":"Cell 1(\d)/g, '"title":"Renamed 1$1');
  const mergeStart = now();
  const merged = mergeHive(text, text, theirs, { now: hive.clock });
  const mergeMs = now() - mergeStart;
  if (merged.changed.length === 0) throw new Error('the merge benchmark changed nothing');

  progress('rebuild');
  const rebuildEngine = projectionEngine(await freshDb());
  const rebuildStart = now();
  // Replayed as the host replays its log: in batches, one transaction each.
  for (let i = 0; i < hive.log.length; i += 1000) rebuildEngine.apply(hive.log.slice(i, i + 1000));
  const rebuildMs = now() - rebuildStart;

  progress('create');
  const random = rng(7);
  const createTimes: number[] = [];
  for (let i = 0; i < s.createRuns; i++) {
    hive.clock += 1000;
    const params = {
      title: `New cell ${i}`,
      priority: 2,
      dependsOn: [ids[Math.floor(random() * ids.length)]!, ids[Math.floor(random() * ids.length)]!],
    };
    const t = now();
    hive.create(params);
    createTimes.push(now() - t);
  }

  const readyMedian = median(readyTimes);
  return {
    name: 'hive',
    metrics: {
      // ratio = value / reference; far below 1 is the point of the materialized `blocked` column.
      'ready-query': { ...compared(round(readyMedian, 3), round(median(naiveTimes), 3), 'ms', '<= 5 ms'), ratio: Number((readyMedian / median(naiveTimes)).toPrecision(2)) },
      create: { value: round(median(createTimes), 3), unit: 'ms', goal: '<= 1 ms' },
      'jsonl-export': { value: round(median(exportTimes), 1), unit: 'ms', goal: '<= 200 ms' },
      claim: { value: round(median(claimTimes), 3), unit: 'ms', goal: 'informational' },
      'merge-file': { value: round(mergeMs, 1), unit: 'ms', goal: 'informational' },
      'rebuild-from-log': { value: round(rebuildMs, 0), unit: 'ms', goal: 'informational' },
      'build-hive': { value: round(buildMs / 1000, 1), unit: 's', goal: 'informational' },
      cells: { value: cells, unit: 'cells', goal: 'informational' },
      dependencies: { value: deps, unit: 'deps', goal: 'informational' },
      'events-in-log': { value: hive.log.length, unit: 'events', goal: 'informational' },
    },
  };
}
