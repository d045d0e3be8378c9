// Coordination between agents sharing one working tree: who is here (agents), who works where
// (file reservations) and what they tell each other (mail). Domain types, the events that record
// every change, and the host requests/notifications, declared once for the host, the CLI and
// the extension. Times are ISO-8601 UTC strings.
import { NotificationType, RequestType } from 'vscode-jsonrpc';
import type { ApiaryErrorData } from './errors';
import type {
  AgentHeartbeatParams,
  AgentListParams,
  AgentRegisterParams,
  DeferredCreateParams,
  DeferredGetParams,
  DeferredRejectParams,
  DeferredResolveParams,
  DeferredWaitParams,
  LockCheckParams,
  LockForceReleaseParams,
  LockGuardParams,
  LockListParams,
  LockOverrideParams,
  LockReleaseParams,
  LockRenewParams,
  LockReserveParams,
  MailAckParams,
  MailInboxParams,
  MailReadParams,
  MailSendParams,
  MailThreadParams,
} from './coordinationSchemas';

// ── domain ──────────────────────────────────────────────────────────────────────────────────

/** `cli`: an agent acting through the `apiary` command line (a script, or a coding agent's shell). */
export type AgentKind = 'vscode-window' | 'mcp-client' | 'swarm-worker' | 'human' | 'cli';

/** The human at the keyboard is an agent too. */
export const HUMAN_AGENT_NAME = 'you';

export interface Agent {
  name: string;
  kind: AgentKind;
  /** Program driving the agent (`claude-code`, `cursor`, `apiary-swarm`, ...). */
  program: string | null;
  model: string | null;
  registeredAt: string;
  lastSeen: string;
  /** False once silent past the liveness threshold; a heartbeat makes it active again. */
  active: boolean;
}

/** `enforce` (default): a conflicting exclusive request is refused. `advisory`: granted, conflicts reported. */
export type LockMode = 'enforce' | 'advisory';
export type ReservationMode = 'exclusive' | 'shared';

export interface Reservation {
  id: string;
  /** Normalised workspace-relative path or glob. */
  pattern: string;
  /** Normalised globs carved out of `pattern` (the request's `!` entries). */
  except: string[];
  mode: ReservationMode;
  holder: string;
  reason: string | null;
  cell: string | null;
  createdAt: string;
  expiresAt: string;
  idempotencyKey: string | null;
}

/** Another agent's reservation standing in the way of a request (or covering a path). */
export interface LockConflict {
  reservationId: string;
  holder: string;
  pattern: string;
  except: string[];
  mode: ReservationMode;
  expiresAt: string;
  reason: string | null;
  cell: string | null;
  /** The requested pattern (or checked path) that collides. */
  requested: string;
  /** A path both match, when one is known: for messages like "both cover src/x.ts". */
  witness: string | null;
  /** False when the globs were too general to decide and the workspace files were used instead. */
  exact: boolean;
}

export type Importance = 'low' | 'normal' | 'high' | 'urgent';

export interface MailMessage {
  id: string;
  from: string;
  /** Resolved recipients (for a broadcast: every registered agent but the sender). */
  to: string[];
  broadcast: boolean;
  subject: string;
  /** Markdown. */
  body: string;
  thread: string;
  replyTo: string | null;
  importance: Importance;
  ackRequired: boolean;
  sentAt: string;
}

export type InboxState = 'unread' | 'read' | 'acked';

export interface InboxEntry {
  message: MailMessage;
  state: InboxState;
  readAt: string | null;
  ackedAt: string | null;
}

// ── events ──────────────────────────────────────────────────────────────────────────────────

/** Streams the coordination events are appended to. One stream per concern lets the host
 *  serialise decisions with an expected version (e.g. two racing exclusive reserves). */
export const CoordinationStreams = {
  agents: 'agents',
  locks: 'locks',
  mail: 'mail',
} as const;

export const CoordinationEventTypes = {
  agentRegistered: 'agent.registered',
  agentHeartbeat: 'agent.heartbeat',
  agentInactive: 'agent.inactive',
  lockReserved: 'lock.reserved',
  lockRenewed: 'lock.renewed',
  lockReleased: 'lock.released',
  lockExpired: 'lock.expired',
  lockForceReleased: 'lock.force_released',
  lockOverride: 'lock.override',
  lockGuardBypassed: 'lock.guard_bypassed',
  mailSent: 'mail.sent',
  mailRead: 'mail.read',
  mailAcked: 'mail.acked',
} as const;

/** A reservation named in an event, with enough to tell its holder what happened. */
export interface ReservationRef {
  id: string;
  holder: string;
  pattern: string;
}

/** Payload of each coordination event type. */
export interface CoordinationEventData {
  /** First registration, a re-registration, or a reconnect with a known clientKey. */
  'agent.registered': {
    name: string;
    kind: AgentKind;
    program: string | null;
    model: string | null;
    clientKey: string | null;
    at: string;
    reconnected: boolean;
  };
  /** Recorded at most once per heartbeat interval per agent (see core/agents). */
  'agent.heartbeat': { name: string; at: string };
  'agent.inactive': { name: string; lastSeen: string; at: string };
  /** One event per granted pattern. `conflicts` is non-empty only in advisory mode. */
  'lock.reserved': { reservation: Reservation; conflicts: LockConflict[]; lockMode: LockMode };
  /** Renew, or a re-reserve of one's own pattern: new absolute expiry per reservation. */
  'lock.renewed': { holder: string; renewals: Array<{ id: string; expiresAt: string }>; at: string };
  'lock.released': {
    holder: string;
    ids: string[];
    cause: 'released' | 'cell_closed';
    cell: string | null;
    at: string;
  };
  /** Written by the host's sweep; readers already ignore reservations past expiresAt. */
  'lock.expired': { reservations: ReservationRef[]; at: string };
  'lock.force_released': {
    reservation: ReservationRef;
    by: string;
    reason: string | null;
    holderLastSeen: string | null;
    at: string;
  };
  /** Someone edits a path another agent holds exclusively; the reservation stays. */
  'lock.override': { by: string; path: string; reservations: ReservationRef[]; reason: string | null; at: string };
  /** A commit went through with APIARY_GUARD_BYPASS=1 over other agents' reservations. */
  'lock.guard_bypassed': { agent: string; paths: string[]; conflicts: LockConflict[]; at: string };
  /** The key lets a retried send be recognised and answered with the first message. */
  'mail.sent': { message: MailMessage; idempotencyKey: string | null };
  /** Only ids that were unread before. */
  'mail.read': { agent: string; ids: string[]; at: string };
  'mail.acked': { agent: string; id: string; at: string };
}

export type CoordinationEventType = keyof CoordinationEventData;

/** A new event as a decision returns it; the host appends it to `stream`. */
export interface CoordinationEvent<K extends CoordinationEventType = CoordinationEventType> {
  stream: string;
  /** Set when the decision must be idempotent across retries (derived from an idempotency key). */
  id?: string;
  type: K;
  data: CoordinationEventData[K];
}

// ── results ─────────────────────────────────────────────────────────────────────────────────

export interface AgentRegisterResult {
  agent: Agent;
  /** The clientKey was known: same agent, same name. */
  reconnected: boolean;
}

export interface ReserveResult {
  lockMode: LockMode;
  /** New reservations. */
  granted: Reservation[];
  /** Own reservations of the same pattern and mode, extended. */
  extended: Reservation[];
  /** Advisory mode only (enforce refuses instead). */
  conflicts: LockConflict[];
  /** True when an idempotency key matched an earlier request: nothing was written. */
  replayed: boolean;
}

export interface PathCheck {
  path: string;
  /** Every active reservation covering the path. */
  holders: Array<LockConflict & { mine: boolean }>;
  /** Covered by another agent's exclusive reservation. */
  blocked: boolean;
}

export interface CheckResult {
  paths: PathCheck[];
  blocked: boolean;
}

export interface GuardResult {
  allowed: boolean;
  bypassed: boolean;
  /** Staged paths covered by another agent's exclusive reservation. */
  blocking: PathCheck[];
}

// ── requests ────────────────────────────────────────────────────────────────────────────────

export const AgentRegisterRequest = new RequestType<AgentRegisterParams, AgentRegisterResult, ApiaryErrorData>('apiary/agent/register');
export const AgentHeartbeatRequest = new RequestType<AgentHeartbeatParams, { agent: Agent }, ApiaryErrorData>('apiary/agent/heartbeat');
export const AgentListRequest = new RequestType<AgentListParams, { agents: Agent[] }, ApiaryErrorData>('apiary/agent/list');

export const LockReserveRequest = new RequestType<LockReserveParams, ReserveResult, ApiaryErrorData>('apiary/lock/reserve');
export const LockRenewRequest = new RequestType<LockRenewParams, { renewed: Reservation[] }, ApiaryErrorData>('apiary/lock/renew');
export const LockReleaseRequest = new RequestType<LockReleaseParams, { released: Reservation[] }, ApiaryErrorData>('apiary/lock/release');
export const LockListRequest = new RequestType<LockListParams, { reservations: Reservation[] }, ApiaryErrorData>('apiary/lock/list');
export const LockCheckRequest = new RequestType<LockCheckParams, CheckResult, ApiaryErrorData>('apiary/lock/check');
export const LockForceReleaseRequest = new RequestType<LockForceReleaseParams, { released: Reservation }, ApiaryErrorData>('apiary/lock/forceRelease');
export const LockOverrideRequest = new RequestType<LockOverrideParams, { overridden: ReservationRef[] }, ApiaryErrorData>('apiary/lock/override');
export const LockGuardRequest = new RequestType<LockGuardParams, GuardResult, ApiaryErrorData>('apiary/lock/guard');

export const MailSendRequest = new RequestType<MailSendParams, { message: MailMessage }, ApiaryErrorData>('apiary/mail/send');
/** Peek: never changes read state. */
export const MailInboxRequest = new RequestType<MailInboxParams, { entries: InboxEntry[]; unread: number }, ApiaryErrorData>('apiary/mail/inbox');
/** Marks what it returns as read. */
export const MailReadRequest = new RequestType<MailReadParams, { entries: InboxEntry[] }, ApiaryErrorData>('apiary/mail/read');
export const MailAckRequest = new RequestType<MailAckParams, { entry: InboxEntry; alreadyAcked: boolean }, ApiaryErrorData>('apiary/mail/ack');
export const MailThreadRequest = new RequestType<MailThreadParams, { thread: string; messages: MailMessage[] }, ApiaryErrorData>('apiary/mail/thread');

// ── deferred promises ───────────────────────────────────────────────────────────────────────

export type DeferredStatus = 'pending' | 'resolved' | 'rejected' | 'timed_out';

/** A promise addressed by id that lives in the log: settled once, by anyone, surviving restarts. */
export interface Deferred {
  id: string;
  status: DeferredStatus;
  value: unknown;
  reason: string | null;
  createdAt: string;
  createdBy: string;
  timeoutAt: string | null;
  settledAt: string | null;
  settledBy: string | null;
  /** What is awaited (free data from the creator, e.g. an approval request). */
  data: unknown;
}

export const DeferredCreateRequest = new RequestType<DeferredCreateParams, { deferred: Deferred }, ApiaryErrorData>('apiary/deferred/create');
export const DeferredResolveRequest = new RequestType<DeferredResolveParams, { deferred: Deferred }, ApiaryErrorData>('apiary/deferred/resolve');
export const DeferredRejectRequest = new RequestType<DeferredRejectParams, { deferred: Deferred }, ApiaryErrorData>('apiary/deferred/reject');
export const DeferredGetRequest = new RequestType<DeferredGetParams, { deferred: Deferred }, ApiaryErrorData>('apiary/deferred/get');
/** Answers once the deferred is settled, or with its pending state when `timeoutMs` passes first. */
export const DeferredWaitRequest = new RequestType<DeferredWaitParams, { deferred: Deferred }, ApiaryErrorData>('apiary/deferred/wait');

// ── notifications (host → client) ─────────────────────────────────────────────────────────

/** The full set of active reservations after a change: decorations redraw from it. */
export interface ReservationsChanged {
  position: number;
  reservations: Reservation[];
}
export const ReservationsChangedNotification = new NotificationType<ReservationsChanged>('apiary/lock/changed');

export interface AgentsChanged {
  position: number;
  agents: Agent[];
}
export const AgentsChangedNotification = new NotificationType<AgentsChanged>('apiary/agent/changed');

/** A message was delivered; the window showing `to` may raise a notification (urgent / ack-required). */
export interface MailArrived {
  position: number;
  message: MailMessage;
}
export const MailArrivedNotification = new NotificationType<MailArrived>('apiary/mail/arrived');
