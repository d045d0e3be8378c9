// Reservation decisions: reserve, renew, release, and the lapses (TTL expiry, cell close).
// Each takes the open reservations (not yet released; some may be past their expiry, and
// those never count) and returns the events that record the outcome.
import {
  type CoordinationEvent,
  CoordinationStreams,
  type LockConflict,
  type LockMode,
  type Reservation,
  type ReservationRef,
  type ReserveResult,
} from '../../../shared/coordination';
import type { lockReleaseParamsSchema, lockRenewParamsSchema, lockReserveParamsSchema } from '../../../shared/coordinationSchemas';
import { ApiaryError } from '../../../shared/errors';
import type { z } from 'zod';
import { type AgentRecord, requireAgent } from './agents';
import type { Decision } from './decision';
import { specsOverlap } from './glob/overlap';
import { type CompiledSpec, type GlobOptions, specOf } from './glob/pattern';
import { normalizePattern } from './glob/syntax';
import { iso, toMs } from './policy';

export type LockReserveInput = z.output<typeof lockReserveParamsSchema>;
export type LockRenewInput = z.output<typeof lockRenewParamsSchema>;
export type LockReleaseInput = z.output<typeof lockReleaseParamsSchema>;

export interface ReserveContext {
  now: number;
  lockMode: LockMode;
  newId(): string;
  nocase?: boolean;
  /** Workspace files, for globs too general to decide structurally (extglobs and the like). */
  files?: readonly string[];
}

export function isLive(r: Pick<Reservation, 'expiresAt'>, now: number): boolean {
  return toMs(r.expiresAt) > now;
}

export function reservationSpec(r: Pick<Reservation, 'pattern' | 'except'>, options: GlobOptions = {}): CompiledSpec {
  return specOf([r.pattern], r.except, options);
}

export function refOf(r: Reservation): ReservationRef {
  return { id: r.id, holder: r.holder, pattern: r.pattern };
}

/** The conflict record for `r` standing in the way of `requested`. */
export function conflictOf(r: Reservation, requested: string, witness: string | null, exact: boolean): LockConflict {
  return {
    reservationId: r.id,
    holder: r.holder,
    pattern: r.pattern,
    except: r.except,
    mode: r.mode,
    expiresAt: r.expiresAt,
    reason: r.reason,
    cell: r.cell,
    requested,
    witness,
    exact,
  };
}

/** "src/** held by BlueLake (exclusive until 10:32:00Z, cell hv-12: "refactor"; both cover src/x.ts)". */
export function describeConflict(c: LockConflict): string {
  const facts = [`${c.mode} until ${c.expiresAt}`];
  if (c.cell) facts.push(`cell ${c.cell}`);
  if (c.reason) facts.push(`"${c.reason}"`);
  const where = c.witness && c.witness !== c.pattern ? `; both cover ${c.witness}` : '';
  return `${c.pattern} held by ${c.holder} (${facts.join(', ')}${where})`;
}

interface NormalizedRequest {
  include: string[];
  except: string[];
}

function normalizeRequest(patterns: readonly string[]): NormalizedRequest {
  const include: string[] = [];
  const except: string[] = [];
  for (const raw of patterns) {
    const { text, negated } = normalizePattern(raw);
    const list = negated ? except : include;
    if (!list.includes(text)) list.push(text);
  }
  if (include.length === 0) {
    throw new ApiaryError(
      'invalid_params',
      'Only exclusions were given',
      'Name what to reserve, then carve exceptions out of it: ["src/**", "!src/gen/**"].',
      { patterns },
    );
  }
  return { include, except: except.sort() };
}

function sameSet(a: readonly string[], b: readonly string[]): boolean {
  if (a.length !== b.length) return false;
  const sortedB = [...b].sort();
  return [...a].sort().every((x, i) => x === sortedB[i]);
}

export function decideReserve(
  state: { reservations: readonly Reservation[]; agents: readonly AgentRecord[] },
  request: LockReserveInput,
  ctx: ReserveContext,
): Decision<ReserveResult> {
  const holder = requireAgent(state.agents, request.agent).name;
  const { include, except } = normalizeRequest(request.patterns);
  const mode = request.shared ? 'shared' : 'exclusive';
  const key = request.idempotencyKey ?? null;

  if (key !== null) {
    const earlier = state.reservations.filter((r) => r.holder === holder && r.idempotencyKey === key);
    if (earlier.length > 0) {
      const samePatterns = sameSet(earlier.map((r) => r.pattern), include) && earlier.every((r) => sameSet(r.except, except));
      if (!samePatterns) {
        throw new ApiaryError(
          'invalid_params',
          `Idempotency key ${key} was already used for another reservation`,
          'Use a fresh key for a new request; reuse a key only to retry the same request.',
          { idempotencyKey: key, earlier: earlier.map((r) => r.pattern) },
        );
      }
      return { events: [], result: { lockMode: ctx.lockMode, granted: earlier, extended: [], conflicts: [], replayed: true } };
    }
  }

  const live = state.reservations.filter((r) => isLive(r, ctx.now));
  const options = { nocase: ctx.nocase };
  const expiresAt = iso(ctx.now + request.ttlSeconds * 1000);
  const granted: Reservation[] = [];
  const extended: Reservation[] = [];
  const conflicts: LockConflict[] = [];
  const conflictsByPattern = new Map<string, LockConflict[]>();

  for (const pattern of include) {
    const own = live.find((r) => r.holder === holder && r.pattern === pattern && r.mode === mode && sameSet(r.except, except));
    if (own) {
      // Re-reserving one's own pattern extends it; never shortens it.
      if (toMs(own.expiresAt) < toMs(expiresAt)) extended.push({ ...own, expiresAt });
      else extended.push(own);
      continue;
    }
    const requested = specOf([pattern], except, options);
    const found: LockConflict[] = [];
    for (const r of live) {
      if (r.holder === holder) continue;
      if (mode === 'shared' && r.mode === 'shared') continue;
      const o = specsOverlap(requested, reservationSpec(r, options), ctx.files);
      if (o.overlap) found.push(conflictOf(r, pattern, o.witness, o.exact));
    }
    conflicts.push(...found);
    conflictsByPattern.set(pattern, found);
    granted.push({
      id: ctx.newId(),
      pattern,
      except,
      mode,
      holder,
      reason: request.reason ?? null,
      cell: request.cell ?? null,
      createdAt: iso(ctx.now),
      expiresAt,
      idempotencyKey: key,
    });
  }

  if (conflicts.length > 0 && ctx.lockMode === 'enforce') {
    const holders = [...new Set(conflicts.map((c) => c.holder))];
    throw new ApiaryError(
      'conflict',
      `Reserved by ${holders.join(', ')}: ${conflicts.map(describeConflict).join('; ')}`,
      'Wait for the expiry, ask the holder to release (mail_send), reserve a narrower pattern, or reserve shared if you only read.',
      { conflicts },
    );
  }

  const events: CoordinationEvent[] = [];
  // Ids derived from the key make a retried append a no-op in the store as well.
  const eventId = (n: number): { id?: string } => (key === null ? {} : { id: `lock:${holder}:${key}:${n}` });
  granted.forEach((reservation) => {
    events.push({
      stream: CoordinationStreams.locks,
      ...eventId(events.length),
      type: 'lock.reserved',
      data: { reservation, conflicts: conflictsByPattern.get(reservation.pattern) ?? [], lockMode: ctx.lockMode },
    });
  });
  const renewals = extended.map((r) => ({ id: r.id, expiresAt: r.expiresAt }));
  if (renewals.length > 0) {
    events.push({
      stream: CoordinationStreams.locks,
      ...eventId(events.length),
      type: 'lock.renewed',
      data: { holder, renewals, at: iso(ctx.now) },
    });
  }
  return { events, result: { lockMode: ctx.lockMode, granted, extended, conflicts, replayed: false } };
}

/** The holder's reservations named by `patterns` (as reserved), or all of them. */
function selectOwn(
  reservations: readonly Reservation[],
  holder: string,
  patterns: readonly string[] | undefined,
): Reservation[] {
  const own = reservations.filter((r) => r.holder === holder);
  if (patterns === undefined) return own;
  const wanted = new Set(patterns.map((p) => normalizePattern(p).text));
  return own.filter((r) => wanted.has(r.pattern));
}

export function decideRenew(
  state: { reservations: readonly Reservation[]; agents: readonly AgentRecord[] },
  request: LockRenewInput,
  ctx: { now: number },
): Decision<{ renewed: Reservation[] }> {
  const holder = requireAgent(state.agents, request.agent).name;
  const live = state.reservations.filter((r) => isLive(r, ctx.now));
  const chosen = selectOwn(live, holder, request.patterns);
  if (chosen.length === 0) {
    throw new ApiaryError(
      'not_found',
      request.patterns ? `${holder} holds no active reservation of ${request.patterns.join(', ')}` : `${holder} holds no active reservation`,
      'Expired reservations cannot be renewed: reserve again (apiary lock reserve).',
      { agent: holder, patterns: request.patterns ?? null },
    );
  }
  const target = ctx.now + request.ttlSeconds * 1000;
  const renewed = chosen.map((r) => (toMs(r.expiresAt) < target ? { ...r, expiresAt: iso(target) } : r));
  const event: CoordinationEvent = {
    stream: CoordinationStreams.locks,
    type: 'lock.renewed',
    data: { holder, renewals: renewed.map((r) => ({ id: r.id, expiresAt: r.expiresAt })), at: iso(ctx.now) },
  };
  return { events: [event], result: { renewed } };
}

export function decideRelease(
  state: { reservations: readonly Reservation[]; agents: readonly AgentRecord[] },
  request: LockReleaseInput,
  ctx: { now: number },
): Decision<{ released: Reservation[] }> {
  const holder = requireAgent(state.agents, request.agent).name;
  const chosen = selectOwn(state.reservations, holder, request.all === true ? undefined : request.patterns);
  if (chosen.length === 0) {
    throw new ApiaryError(
      'not_found',
      request.patterns ? `${holder} holds no reservation of ${request.patterns.join(', ')}` : `${holder} holds no reservation`,
      'Release patterns exactly as reserved (see apiary lock list --agent NAME), or use --all.',
      { agent: holder, patterns: request.patterns ?? null },
    );
  }
  const event: CoordinationEvent = {
    stream: CoordinationStreams.locks,
    type: 'lock.released',
    data: { holder, ids: chosen.map((r) => r.id), cause: 'released', cell: null, at: iso(ctx.now) },
  };
  return { events: [event], result: { released: chosen } };
}

/** A cell closed: its reservations are released, one event per holder. */
export function releaseForCell(reservations: readonly Reservation[], cell: string, now: number): CoordinationEvent[] {
  const byHolder = new Map<string, string[]>();
  for (const r of reservations) {
    if (r.cell !== cell) continue;
    const ids = byHolder.get(r.holder) ?? [];
    ids.push(r.id);
    byHolder.set(r.holder, ids);
  }
  return [...byHolder].map(([holder, ids]) => ({
    stream: CoordinationStreams.locks,
    type: 'lock.released' as const,
    data: { holder, ids, cause: 'cell_closed' as const, cell, at: iso(now) },
  }));
}

/** Open reservations past their expiry, recorded as expired (one event, or none). */
export function sweepExpired(reservations: readonly Reservation[], now: number): CoordinationEvent[] {
  const expired = reservations.filter((r) => !isLive(r, now));
  if (expired.length === 0) return [];
  return [{ stream: CoordinationStreams.locks, type: 'lock.expired', data: { reservations: expired.map(refOf), at: iso(now) } }];
}
