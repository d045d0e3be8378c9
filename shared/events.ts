// The event envelope every part of Apiary reads and writes. Positions are global and start at 1;
// a stream's version is the number of events in it, so a stream's first event has version 1 and
// "no-stream" means version 0.

export interface EventEnvelope<T = unknown> {
  id: string;
  stream: string;
  version: number;
  position: number;
  type: string;
  /** ISO-8601 UTC time the host accepted the event. */
  ts: string;
  actor: string;
  causationId: string | null;
  correlationId: string | null;
  data: T;
}

/** any: no check · no-stream: must not exist · exists: must exist · N: must be at exactly N. */
export type ExpectedVersion = 'any' | 'no-stream' | 'exists' | number;

export interface NewEvent<T = unknown> {
  /** Client-chosen id makes a retried append idempotent; generated when absent. */
  id?: string;
  type: string;
  data: T;
  causationId?: string | null;
  correlationId?: string | null;
}
