// The worker side of a parallel replay: builds some of the read models on a database of its own
// from the payloads the coordinator routes to it, then hands the database back. It runs the same
// projection code as the main thread, so what it builds is what a replay there would build.
// The same worker serves one-off jobs (jobs.ts): time travel (`fold`) and the audit of the hash
// chain (`verify`), reading the committed log itself, so that neither runs on the host's thread.
import { parentPort } from 'node:worker_threads';
import { ApiaryError } from '../../../shared/errors';
import type { EventEnvelope } from '../../../shared/events';
import { decodePayload } from '../eventStore';
import type { Projection } from '../projection';
import { ProjectionEngine } from '../projectionEngine';
import { verifyLog } from '../segmentLog';
import { snapshotAnchors } from '../snapshot';
import { emptyDatabase, loadSqlJs } from '../sqljs';
import { describeFold, foldLog } from './fold';
import type { FromReplayWorker, ToReplayWorker } from './protocol';

/** Events applied in one transaction, as the main thread's replay does. */
const APPLY_CHUNK = 5000;

/** Serves the coordinator on this worker's port; `projections` must hold every name it will ask for. */
export function serveReplayWorker(projections: Projection[]): void {
  const port = parentPort;
  if (!port) throw new Error('serveReplayWorker runs on a worker thread');
  const send = (m: FromReplayWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(m, transfer);
  let engine: ProjectionEngine | null = null;
  let chunk: EventEnvelope[] = [];
  const known = (name: string): Projection => {
    const p = projections.find((x) => x.name === name);
    if (!p) throw new Error(`this worker does not know the read model ${name}`);
    return p;
  };
  // Loading sql.js takes a while: it overlaps with the coordinator's sampling of the log. A
  // failure to load is reported by `init`, which awaits the same promise.
  loadSqlJs().catch(() => {});

  const handle = async (m: ToReplayWorker): Promise<void> => {
    switch (m.kind) {
      case 'init': {
        const SQL = await loadSqlJs();
        const e = new ProjectionEngine(emptyDatabase(SQL, m.room), (projection, event, err) => {
          const message = err instanceof Error ? err.message : String(err);
          const reason = e.status().find((s) => s.name === projection)?.faulted ?? message;
          send({ kind: 'fault', projection, reason, event, message });
        });
        for (const name of m.projections) e.register(known(name));
        engine = e;
        return;
      }
      case 'frames': {
        if (!engine) throw new Error('frames before init');
        const buf = Buffer.from(m.buffer, 0, m.length);
        for (let at = 0; at < buf.length; ) {
          const size = buf.readUInt32LE(at);
          for (const e of decodePayload(buf.subarray(at + 4, at + 4 + size))) chunk.push(e);
          at += 4 + size;
          if (chunk.length >= APPLY_CHUNK) {
            engine.apply(chunk);
            chunk = [];
          }
        }
        return;
      }
      case 'end': {
        if (!engine) throw new Error('end before init');
        engine.apply(chunk);
        chunk = [];
        engine.advance(m.head);
        engine.persistCheckpoints();
        const db = engine.db.export();
        engine.db.close();
        engine = null;
        send({ kind: 'done', db }, [db.buffer as ArrayBuffer]);
        return;
      }
      case 'fold': {
        const SQL = await loadSqlJs();
        const folded = foldLog(SQL, m.projections.map(known), m.source, m.limit, m.room);
        try {
          send({ kind: 'querying' });
          send({ kind: 'folded', result: describeFold(folded, m.sql) });
        } catch (err) {
          if (!(err instanceof ApiaryError)) throw err;
          send({ kind: 'refused', error: err.toData() });
        } finally {
          folded.db.close();
        }
        return;
      }
      case 'verify': {
        send({ kind: 'verified', report: verifyLog(m.source, snapshotAnchors(m.snapshots)) });
        return;
      }
    }
  };

  // One message at a time, in order: `init` waits for sql.js, the rest queue behind it.
  let queue = Promise.resolve();
  port.on('message', (m: ToReplayWorker) => {
    queue = queue.then(() => handle(m)).catch((err: unknown) => {
      send({ kind: 'failed', message: err instanceof Error ? err.message : String(err) });
      port.close();
    });
  });
}
