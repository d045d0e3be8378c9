// Every request and notification between the agent host and its clients (extension windows,
// the CLI, bridges), declared once. Both ends import these objects; the host validates params
// with the schemas in ./schemas.
import { NotificationType, RequestType, RequestType0 } from 'vscode-jsonrpc';
import type { ApiaryErrorData } from './errors';
import type { EventEnvelope } from './events';
import type { AppendParams, HelloParams, ReadEventsParams, ReplayParams } from './schemas';

export const PROTOCOL_VERSION = 1;

// ── host ────────────────────────────────────────────────────────────────────────────────────

export interface HostInfo {
  pid: number;
  version: string;
  protocol: number;
  workspace: string;
  startedAt: string;
  /** Local socket (or named pipe) clients attach to. */
  socket: string;
  mcp?: { url: string };
}

/**
 * `.apiary/host.starting.json`: written by a host while it opens a store that takes a while (a
 * replay of a large log), removed once it serves. Clients waiting to attach read it to keep
 * waiting while the host makes progress, and to say what it is doing.
 */
export interface HostStarting {
  pid: number;
  phase: 'replaying';
  /** Events folded into the read models so far. */
  events: number;
  /** Share of the log read, 0–1 (an estimate). */
  fraction: number;
  /** When this was written (ms since the epoch). */
  at: number;
}

/** Whether a parsed `.apiary/host.starting.json` has the shape of HostStarting. */
export function isHostStarting(v: unknown): v is HostStarting {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return typeof s.pid === 'number' && s.phase === 'replaying' && typeof s.events === 'number' && typeof s.fraction === 'number' && typeof s.at === 'number';
}

export interface HelloResult {
  sessionId: string;
  host: HostInfo;
}

export interface StoreStatus {
  position: number;
  streams: number;
  segments: number;
  bytes: number;
  snapshotPosition: number;
  headHash: string;
}

export interface HostStatus extends HostInfo {
  uptimeMs: number;
  sessions: Array<{ id: string; name: string; kind: string; since: string }>;
  store: StoreStatus;
  projections: Array<{ name: string; version: number; position: number; faulted?: string }>;
}

export const HelloRequest = new RequestType<HelloParams, HelloResult, ApiaryErrorData>('apiary/hello');
export const StatusRequest = new RequestType0<HostStatus, ApiaryErrorData>('apiary/status');

// ── events ──────────────────────────────────────────────────────────────────────────────────

export interface AppendResult {
  stream: string;
  /** The stream's version after the append. */
  version: number;
  positions: number[];
  /** True when every event id was already in the log (a retried append): nothing was written. */
  duplicate: boolean;
}

export interface ReadEventsResult {
  events: EventEnvelope[];
  /** The log's committed head when the read was served. */
  head: number;
}

export interface VerifyReport {
  ok: boolean;
  records: number;
  events: number;
  segments: number;
  headHash: string;
  /** First problem found, with where it is. */
  problem?: { position: number; segment: string; offset: number; reason: string };
}

export interface ReplayResult {
  position: number;
  ts: string | null;
  tables: Record<string, number>;
  rows?: Array<Record<string, unknown>>;
}

export const AppendEventsRequest = new RequestType<AppendParams, AppendResult, ApiaryErrorData>('apiary/events/append');
export const ReadEventsRequest = new RequestType<ReadEventsParams, ReadEventsResult, ApiaryErrorData>('apiary/events/read');
export const VerifyEventsRequest = new RequestType0<VerifyReport, ApiaryErrorData>('apiary/events/verify');
export const ReplayRequest = new RequestType<ReplayParams, ReplayResult, ApiaryErrorData>('apiary/replay');

// ── notifications (host → client) ─────────────────────────────────────────────────────────

export type LogLevel = 'error' | 'warn' | 'info' | 'debug';
export interface LogLine {
  level: LogLevel;
  ts: string;
  message: string;
}
export const LogNotification = new NotificationType<LogLine>('apiary/log');

/** Sent after events commit (coalesced): clients re-query what they show. */
export interface StoreChanged {
  position: number;
  /** Event types committed since the last notification, so views can ignore what they don't show. */
  types: string[];
}
export const StoreChangedNotification = new NotificationType<StoreChanged>('apiary/storeChanged');

/** Every host method lives under this prefix; the extension-side relay forwards all of them. */
export const HOST_METHOD_PREFIX = 'apiary/';
