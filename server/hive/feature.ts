// The hive as a host feature: its read model, the service (provided to other features as `hive`),
// a request handler for every request of shared/hive.ts, `apiary/hive/changed` pushed after hive
// commits, a periodic sweep of expired claims, `.hive/issues.jsonl` kept in step both ways, and
// the hive_* MCP tools with the `apiary://hive/ready` resource.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { HUMAN_AGENT_NAME } from '../../shared/coordination';
import { ApiaryError } from '../../shared/errors';
import type { EventEnvelope } from '../../shared/events';
import {
  HIVE_STREAM,
  HiveChangedNotification,
  HiveClaimRequest,
  HiveCloseRequest,
  HiveCommentRequest,
  HiveCreateEpicRequest,
  HiveCreateRequest,
  HiveDeleteRequest,
  HiveDepAddRequest,
  HiveDepRemoveRequest,
  HiveExportRequest,
  HiveFindRequest,
  HiveHeartbeatRequest,
  HiveImportRequest,
  HiveListRequest,
  HiveReadyRequest,
  HiveReleaseRequest,
  HiveReopenRequest,
  HiveShowRequest,
  HiveSyncRequest,
  HiveUpdateRequest,
  type HiveEventType,
} from '../../shared/hive';
import { HiveFileStatusNotification, HiveFileStatusRequest, HiveTreeRequest } from '../../shared/hiveViews';
import {
  hiveExportParamsSchema,
  hiveFindParamsSchema,
  hiveImportParamsSchema,
  hiveListParamsSchema,
  hiveReadyParamsSchema,
  hiveShowParamsSchema,
  hiveSyncParamsSchema,
} from '../../shared/hiveSchemas';
import type { Feature, HostContext } from '../host/feature';
import type { Session } from '../host/session';
import type { RpcRegistry } from '../rpc/registry';
import { hiveCommands } from './commands';
import { parseBeadsJsonl, toBeadsJsonl } from './core/beads';
import { HiveFileSync } from './fileSync';
import { hiveProjection } from './projection';
import { allRecords } from './queries';
import { HiveService } from './service';
import { hiveResources, hiveTools } from './tools';

declare module '../host/services' {
  interface ServiceMap {
    hive: HiveService;
  }
}

export interface HiveFeatureOptions {
  /** How often expired claims are recorded (default 2 s). */
  sweepEveryMs?: number;
  /** Quiet time before `.hive/issues.jsonl` is written after changes (default 200 ms). */
  writeDebounceMs?: number;
  idPrefix?: string;
}

const NOTIFY_COALESCE_MS = 10;
/** Cells one tree answer carries at most (the answer says how many there are). */
const TREE_LIMIT = 5_000;
const hiveTreeParamsSchema = z.object({ includeClosed: z.boolean().default(true) });
const BEADS_FILE = path.join('.beads', 'issues.jsonl');

/** Hive events after which the file needs writing (a renewed lease changes nothing in it). */
const FILE_UNCHANGED: ReadonlySet<string> = new Set(['hive.claim.renewed']);

/**
 * Who a client acts as: the CLI and other clients attach under their agent's name; a VS Code
 * window is the person at the keyboard.
 */
export function hiveActor(session: Session): string {
  return session.kind === 'vscode-window' ? HUMAN_AGENT_NAME : session.name;
}

export function hiveFeature(opts: HiveFeatureOptions = {}): Feature {
  let service: HiveService | undefined;
  return {
    name: 'hive',
    projections: [hiveProjection],
    ownedStreamPrefixes: [HIVE_STREAM],

    async start(ctx, rpc) {
      const svc = new HiveService({ store: ctx.store, now: () => ctx.now(), ...(opts.idPrefix ? { idPrefix: opts.idPrefix } : {}) });
      service = svc;
      ctx.services.provide('hive', svc);
      const file = new HiveFileSync({
        workspace: ctx.paths.workspace,
        stateDir: ctx.paths.apiary,
        service: svc,
        log: ctx.log,
        now: () => ctx.now(),
        ...(opts.writeDebounceMs !== undefined ? { debounceMs: opts.writeDebounceMs } : {}),
        onStatus: (status) => ctx.broadcast(HiveFileStatusNotification, status),
      });

      serve(rpc, ctx, svc, file);
      const stopPush = pushChanges(ctx, (events) => {
        if (events.some((e) => !FILE_UNCHANGED.has(e.type))) file.schedule();
      });
      await file.start();

      const sweep = (): void => {
        svc
          .sweep()
          .then((n) => n > 0 && ctx.log.info(`hive: ${n} claim(s) expired; their cells are back in the ready queue`))
          .catch((err: unknown) => ctx.log.warn(`hive sweep failed: ${err instanceof Error ? err.message : String(err)}`));
      };
      const timer = setInterval(sweep, opts.sweepEveryMs ?? 2_000);
      timer.unref();
      sweep();

      const count = svc.list({ includeDeleted: false, limit: 1, offset: 0 }).total;
      ctx.log.info(`hive ready: ${count} cell(s), ${svc.ready({ limit: 1000 }).total} ready; file ${file.file}`);
      return {
        async dispose() {
          clearInterval(timer);
          stopPush();
          await file.dispose();
          svc.dispose();
          service = undefined;
        },
      };
    },

    tools: () => (service ? hiveTools(service) : []),
    resources: () => (service ? hiveResources(service) : []),
  };
}

function serve(rpc: RpcRegistry, ctx: HostContext, svc: HiveService, file: HiveFileSync): void {
  const c = hiveCommands;
  rpc.on(HiveCreateRequest, c['apiary/hive/create'].schema, (p, s) => svc.create(p, hiveActor(s)));
  rpc.on(HiveCreateEpicRequest, c['apiary/hive/createEpic'].schema, (p, s) => svc.createEpic(p, hiveActor(s)));
  rpc.on(HiveUpdateRequest, c['apiary/hive/update'].schema, (p, s) => svc.change('apiary/hive/update', p, hiveActor(s)));
  rpc.on(HiveClaimRequest, c['apiary/hive/claim'].schema, (p, s) => svc.change('apiary/hive/claim', p, hiveActor(s)));
  rpc.on(HiveHeartbeatRequest, c['apiary/hive/heartbeat'].schema, (p, s) => svc.change('apiary/hive/heartbeat', p, hiveActor(s)));
  rpc.on(HiveReleaseRequest, c['apiary/hive/release'].schema, (p, s) => svc.change('apiary/hive/release', p, hiveActor(s)));
  rpc.on(HiveCloseRequest, c['apiary/hive/close'].schema, (p, s) => svc.change('apiary/hive/close', p, hiveActor(s)));
  rpc.on(HiveReopenRequest, c['apiary/hive/reopen'].schema, (p, s) => svc.change('apiary/hive/reopen', p, hiveActor(s)));
  rpc.on(HiveDeleteRequest, c['apiary/hive/delete'].schema, (p, s) => svc.change('apiary/hive/delete', p, hiveActor(s)));
  rpc.on(HiveDepAddRequest, c['apiary/hive/depAdd'].schema, (p, s) => svc.change('apiary/hive/depAdd', p, hiveActor(s)));
  rpc.on(HiveDepRemoveRequest, c['apiary/hive/depRemove'].schema, (p, s) => svc.change('apiary/hive/depRemove', p, hiveActor(s)));
  rpc.on(HiveCommentRequest, c['apiary/hive/comment'].schema, (p, s) => svc.change('apiary/hive/comment', p, hiveActor(s)));

  rpc.on(HiveReadyRequest, hiveReadyParamsSchema, (p) => svc.ready(p));
  rpc.on(HiveListRequest, hiveListParamsSchema, (p) => svc.list(p));
  rpc.on(HiveShowRequest, hiveShowParamsSchema, (p) => svc.show(p));
  rpc.on(HiveFindRequest, hiveFindParamsSchema, (p) => svc.find(p));

  rpc.on(HiveSyncRequest, hiveSyncParamsSchema, (p) =>
    file.sync({
      pull: p.pull,
      push: p.push,
      ...(p.message !== undefined ? { message: p.message } : {}),
      ...(p.remote !== undefined ? { remote: p.remote } : {}),
    }),
  );
  const resolve = (given: string | undefined, fallback: string): string => path.resolve(ctx.paths.workspace, given ?? fallback);
  rpc.on(HiveImportRequest, hiveImportParamsSchema, async (p) => {
    if (!p.beads) return file.importJsonl(resolve(p.path, file.file));
    const from = resolve(p.path, BEADS_FILE);
    if (!fs.existsSync(from)) {
      throw new ApiaryError('not_found', `no beads file at ${from}`, 'run it in a workspace with .beads/issues.jsonl, or pass --path FILE', { path: from });
    }
    const parsed = parseBeadsJsonl(fs.readFileSync(from, 'utf8'));
    const r = await svc.importRecords(parsed.records, 'beads');
    return { ...r, problems: parsed.problems };
  });
  rpc.on(HiveExportRequest, hiveExportParamsSchema, async (p) => {
    const to = resolve(p.path, p.beads ? BEADS_FILE : file.file);
    await svc.writer.settle();
    if (!p.beads && to === file.file) {
      await file.flush();
      return { path: to, cells: allRecords(ctx.store.db).length };
    }
    const records = allRecords(ctx.store.db);
    fs.mkdirSync(path.dirname(to), { recursive: true });
    const tmp = path.join(path.dirname(to), `.${path.basename(to)}.${process.pid}.tmp`);
    fs.writeFileSync(tmp, p.beads ? toBeadsJsonl(records) : svc.exportText());
    fs.renameSync(tmp, to);
    return { path: to, cells: records.length };
  });
  rpc.on(HiveFileStatusRequest, null, () => file.current());
  rpc.on(HiveTreeRequest, hiveTreeParamsSchema, (p) => svc.tree({ includeClosed: p.includeClosed, limit: TREE_LIMIT }));
}

/** The cells a hive event touches, for views to re-query. */
function idsOf(e: EventEnvelope): string[] {
  const d = e.data as { id?: unknown; cell?: { id?: unknown }; epicId?: unknown; subtaskIds?: unknown; dependsOn?: unknown };
  const ids: string[] = [];
  for (const v of [d.id, d.cell?.id, d.epicId, d.dependsOn]) if (typeof v === 'string') ids.push(v);
  if (Array.isArray(d.subtaskIds)) for (const v of d.subtaskIds) if (typeof v === 'string') ids.push(v);
  return ids;
}

/** `apiary/hive/changed` after hive commits, coalesced over a few milliseconds. */
function pushChanges(ctx: HostContext, onHiveCommit: (events: EventEnvelope[]) => void): () => void {
  const ids = new Set<string>();
  const types = new Set<HiveEventType>();
  let timer: NodeJS.Timeout | null = null;
  const flush = (): void => {
    timer = null;
    const params = { position: ctx.store.head, ids: [...ids].sort(), types: [...types].sort() };
    ids.clear();
    types.clear();
    try {
      ctx.broadcast(HiveChangedNotification, params);
    } catch (err) {
      ctx.log.debug(`hive push not delivered: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  const off = ctx.store.events.onCommitted((events) => {
    const hive = events.filter((e) => e.stream === HIVE_STREAM);
    if (hive.length === 0) return;
    for (const e of hive) {
      types.add(e.type as HiveEventType);
      for (const id of idsOf(e)) ids.add(id);
    }
    onHiveCommit(hive);
    timer ??= setTimeout(flush, NOTIFY_COALESCE_MS);
  });
  return () => {
    off();
    if (timer) clearTimeout(timer);
  };
}
