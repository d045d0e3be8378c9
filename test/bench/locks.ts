// The locks benchmark (`apiary bench locks`): 1,000 active reservation globs over a monorepo-like
// tree, then
//   • the conflict check of one concrete path through the reservation index (goal ≤ 50 µs
//     median), with a reference measured in the same run: testing every reservation's
//     precompiled matcher in turn;
//   • informational: building the index, and a reserve decision (glob-vs-glob overlap against
//     every active reservation);
//   • the host round trip: reserve + release through a real host over its socket (median).
import type { Reservation } from '../../shared/coordination';
import { lockReserveParamsSchema } from '../../shared/coordinationSchemas';
import type { AgentRecord } from '../../server/coordination/core/agents';
import { ReservationIndex } from '../../server/coordination/core/reservationIndex';
import { decideReserve, reservationSpec } from '../../server/coordination/core/reservations';
import { hostRoundTrip } from './support/locksHost';
import { progress } from './support/progress';
import { compared, round, type BenchResult } from './support/result';
import { median, now } from './support/stats';

export interface LocksBenchSizes {
  reservations: number;
  paths: number;
  /** Paths per timed batch: a single check is too short for the clock. */
  batch: number;
  reserveRuns: number;
  /** Reserve + release pairs through the host, and the other agents' reservations held meanwhile. */
  hostRuns: number;
  hostBackground: number;
}

const SIZES: LocksBenchSizes = { reservations: 1000, paths: 20_000, batch: 100, reserveRuns: 50, hostRuns: 200, hostBackground: 100 };
const T = Date.parse('2026-03-02T09:00:00.000Z');

/** Deterministic pseudo-random numbers, so every run builds the same workspace. */
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

const PACKAGES = 60;
const MODULES = 12;

/** A reservation pattern of the kinds agents ask for: trees, file types, single files, braces, a few repo-wide globs. */
function patternFor(i: number, rand: () => number): string {
  const p = `packages/p${Math.floor(rand() * PACKAGES)}`;
  const m = `m${Math.floor(rand() * MODULES)}`;
  switch (i % 10) {
    case 0:
      return `${p}/src/${m}/**`;
    case 1:
      return `${p}/src/${m}/*.ts`;
    case 2:
      return `${p}/test/**/*.test.ts`;
    case 3:
      return `${p}/src/${m}/f${Math.floor(rand() * 40)}.ts`;
    case 4:
      return `${p}/{src,test}/${m}/index.ts`;
    case 5:
      return `${p}/src/*/f${Math.floor(rand() * 40)}.ts`;
    case 6:
      return `docs/${m}/*.md`;
    case 7:
      return `${p}/src/${m}/[a-f]*.ts`;
    case 8:
      return i % 50 === 8 ? `**/generated-${Math.floor(rand() * 100)}.ts` : `${p}/package.json`;
    default:
      return `${p}/src/${m}/f${Math.floor(rand() * 40)}.{ts,tsx}`;
  }
}

function pathFor(rand: () => number): string {
  const p = `packages/p${Math.floor(rand() * PACKAGES)}`;
  const m = `m${Math.floor(rand() * MODULES)}`;
  const f = `f${Math.floor(rand() * 40)}`;
  switch (Math.floor(rand() * 6)) {
    case 0:
      return `${p}/test/${m}/${f}.test.ts`;
    case 1:
      return `docs/${m}/${f}.md`;
    case 2:
      return `${p}/src/${m}/deep/${f}.tsx`;
    default:
      return `${p}/src/${m}/${f}.ts`;
  }
}

function workspace(sizes: LocksBenchSizes): { reservations: Reservation[]; paths: string[]; agents: AgentRecord[] } {
  const rand = rng(42);
  const holders = Array.from({ length: 20 }, (_, i) => `agent${i}`);
  const reservations = Array.from({ length: sizes.reservations }, (_, i): Reservation => ({
    id: `r${i}`,
    pattern: patternFor(i, rand),
    except: i % 97 === 0 ? ['**/generated/**'] : [],
    mode: i % 4 === 0 ? 'shared' : 'exclusive',
    holder: holders[i % holders.length]!,
    reason: null,
    cell: null,
    createdAt: new Date(T).toISOString(),
    expiresAt: new Date(T + 3_600_000).toISOString(),
    idempotencyKey: null,
  }));
  const paths = Array.from({ length: sizes.paths }, () => pathFor(rand));
  const agents = [...holders, 'newcomer'].map(
    (name): AgentRecord => ({
      name,
      kind: 'swarm-worker',
      program: null,
      model: null,
      registeredAt: new Date(T).toISOString(),
      lastSeen: new Date(T).toISOString(),
      active: true,
      clientKey: null,
      inactiveRecorded: false,
    }),
  );
  return { reservations, paths, agents };
}

/** Median microseconds per path over batches. */
function perPath(paths: readonly string[], batch: number, check: (path: string) => number): { median: number; hits: number } {
  const samples: number[] = [];
  let hits = 0;
  for (let i = 0; i + batch <= paths.length; i += batch) {
    const start = now();
    for (let j = i; j < i + batch; j++) hits += check(paths[j]!);
    samples.push(((now() - start) * 1000) / batch);
  }
  return { median: median(samples), hits };
}

export async function benchLocks(sizes: Partial<LocksBenchSizes> = {}): Promise<BenchResult> {
  const s = { ...SIZES, ...sizes };
  const { reservations, paths, agents } = workspace(s);

  progress(`indexing ${s.reservations} reservations`);
  const buildStart = now();
  const index = ReservationIndex.build(reservations);
  const buildMs = now() - buildStart;

  // The reference gets the same head start as the index: matchers and expiry times precomputed.
  const compiled = reservations.map((r) => ({ expiresAt: Date.parse(r.expiresAt), test: reservationSpec(r).test }));
  const indexed = (path: string): number => index.covering(path, T).length;
  const linear = (path: string): number => {
    let n = 0;
    for (const c of compiled) if (c.expiresAt > T && c.test(path)) n++;
    return n;
  };

  progress(`checking ${s.paths} paths`);
  perPath(paths.slice(0, 2000), s.batch, indexed);
  perPath(paths.slice(0, 2000), s.batch, linear);
  const fast = perPath(paths, s.batch, indexed);
  const slow = perPath(paths, s.batch, linear);
  if (fast.hits !== slow.hits) throw new Error(`index found ${fast.hits} holders, the linear scan ${slow.hits}`);
  if (fast.hits === 0) throw new Error('no path is covered: the workload measures nothing');

  progress(`deciding ${s.reserveRuns} reserve requests against ${s.reservations} active reservations`);
  const rand = rng(7);
  const reserveSamples: number[] = [];
  for (let i = 0; i < s.reserveRuns; i++) {
    const request = lockReserveParamsSchema.parse({ agent: 'newcomer', patterns: [patternFor(i, rand)] });
    const start = now();
    try {
      decideReserve({ reservations, agents }, request, { now: T, lockMode: 'advisory', newId: () => `n${i}` });
    } finally {
      reserveSamples.push(now() - start);
    }
  }

  progress(`reserve + release through the host, ${s.hostRuns} times (${s.hostBackground} other reservations held)`);
  const trip = await hostRoundTrip(s.hostRuns, s.hostBackground);

  return {
    name: 'locks',
    metrics: {
      conflict_check_per_path: compared(round(fast.median, 2), round(slow.median, 2), 'µs', '<= 50 µs'),
      holders_per_path: { value: round(fast.hits / paths.length, 2), unit: 'reservations', goal: 'informational' },
      index_build_1000: { value: round(buildMs, 1), unit: 'ms', goal: 'informational' },
      reserve_decision_vs_1000: { value: round(median(reserveSamples), 2), unit: 'ms', goal: 'informational' },
      host_reserve_release_round_trip: { value: round(trip.medianMs, 2), unit: 'ms', goal: 'informational' },
    },
  };
}
