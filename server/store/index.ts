export { Store, type StoreOptions, type OpenReport } from './store';
export { EventStore, type AppendOp, type AppendMeta } from './eventStore';
export type { Projection } from './projection';
export type { ReplayWorkers } from './replay/coordinator';
export { mailboxProjection, Mailboxes, type Delivery } from './primitives/mailbox';
export { casLockProjection, CasLocks, type AcquireResult } from './primitives/casLock';
export { cursorProjection, Cursors, subscribe, isSystemStream } from './primitives/cursor';
export { deferredProjection, Deferreds, type DeferredState, type CreateDeferred } from './primitives/deferred';

import { casLockProjection } from './primitives/casLock';
import { cursorProjection } from './primitives/cursor';
import { deferredProjection } from './primitives/deferred';
import { mailboxProjection } from './primitives/mailbox';

/** Read models every host carries, whatever features it runs. */
export const primitiveProjections = [mailboxProjection, casLockProjection, cursorProjection, deferredProjection];
