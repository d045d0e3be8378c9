// The agent host: one per workspace. Owns the store, serves clients on a local socket, and
// advertises itself in `.apiary/host.json`.
import fs from 'node:fs';
import net from 'node:net';
import { randomUUID } from 'node:crypto';
import { CancellationTokenSource, createMessageConnection, SocketMessageReader, SocketMessageWriter, type MessageConnection, type NotificationType } from 'vscode-jsonrpc/node';
import { ApiaryError } from '../../shared/errors';
import { LogNotification, PROTOCOL_VERSION, StoreChangedNotification, type HostInfo, type HostStarting, type LogLevel } from '../../shared/protocol';
import { RpcRegistry } from '../rpc/registry';
import { primitiveProjections, CasLocks, Cursors, Deferreds, Mailboxes, Store, type ReplayWorkers } from '../store';
import type { Feature, HostContext } from './feature';
import { ensureApiaryDir, writeJsonAtomic } from './hostFile';
import { acquireHostLock } from './lockfile';
import { levelAllows, Logger } from './logger';
import { workspacePaths, type WorkspacePaths } from './paths';
import type { Session } from './session';
import { Services } from './services';
import { VERSION } from './version';

export interface HostOptions {
  workspace: string;
  features: Feature[];
  logLevel?: LogLevel;
  /** Where log lines go (stderr for a foreground host, host.log for a background one). */
  sink?: (text: string) => void;
  /** Exit after this long with no attached client (background hosts). */
  idleExitMs?: number;
  now?: () => number;
  snapshotEvery?: number;
  snapshotAfterMs?: number;
  /** Worker threads for a replay of a long log from the start (the store's `replayWorkers`). */
  replayWorkers?: ReplayWorkers;
}

const NOTIFY_COALESCE_MS = 15;

export class Host {
  readonly sessions = new Map<string, Session>();
  private server: net.Server | null = null;
  private disposers: Array<() => void | Promise<void>> = [];
  private idleTimer: NodeJS.Timeout | null = null;
  /** Reasons besides socket sessions to stay up (e.g. open MCP sessions), by id. */
  private readonly holds = new Map<number, string>();
  private nextHold = 1;
  private changedTypes = new Set<string>();
  private changedTimer: NodeJS.Timeout | null = null;
  private stopping: Promise<void> | null = null;
  private readonly startedAt = new Date().toISOString();
  readonly ctx: HostContext;
  readonly rpc: RpcRegistry;
  onStopped: (() => void) | null = null;

  private constructor(
    readonly paths: WorkspacePaths,
    readonly store: Store,
    readonly log: Logger,
    private readonly opts: HostOptions,
    private readonly releaseLock: () => void,
  ) {
    const now = opts.now ?? Date.now;
    this.rpc = new RpcRegistry((method, err) => log.error(`${method} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`));
    this.ctx = {
      paths,
      store,
      log,
      mailboxes: new Mailboxes(store, now),
      casLocks: new CasLocks(store, now),
      cursors: new Cursors(store),
      deferreds: new Deferreds(store, now, (err) => log.error(`deferred timeout failed: ${String(err)}`)),
      services: new Services(),
      now,
      info: () => this.info(),
      sessions: () => [...this.sessions.values()],
      broadcast: (type, params) => this.broadcast(type, params),
      holdOpen: (reason) => this.holdOpen(reason),
    };
    this.disposers.push(() => this.ctx.deferreds.dispose());
    this.disposers.push(
      store.events.onCommitted((events) => {
        for (const e of events) this.changedTypes.add(e.type);
        this.changedTimer ??= setTimeout(() => this.flushChanged(), NOTIFY_COALESCE_MS);
      }),
    );
  }

  /** Takes the workspace lock, opens the store, starts every feature and listens. */
  static async start(opts: HostOptions): Promise<Host> {
    const paths = workspacePaths(opts.workspace);
    if (!fs.existsSync(paths.workspace) || !fs.statSync(paths.workspace).isDirectory()) {
      throw new ApiaryError('invalid_params', `workspace ${paths.workspace} is not a folder`);
    }
    ensureApiaryDir(paths.apiary);
    const log = new Logger(opts.sink ?? ((t) => process.stderr.write(t)), opts.logLevel ?? 'info');
    const lock = acquireHostLock(paths.lock);
    if (!lock.acquired) {
      throw new ApiaryError('conflict', `another agent host (pid ${lock.pid}) already serves ${paths.workspace}`, 'Attach to it instead: `apiary status` shows where it listens.', {
        pid: lock.pid,
      });
    }
    let store: Store;
    let logged = 0;
    try {
      store = await Store.open({
        dir: paths.apiary,
        projections: [...primitiveProjections, ...opts.features.flatMap((f) => f.projections ?? [])],
        now: opts.now ? () => new Date(opts.now!()) : undefined,
        snapshotEvery: opts.snapshotEvery,
        snapshotAfterMs: opts.snapshotAfterMs,
        replayWorkers: opts.replayWorkers,
        onWarning: (m) => log.warn(m),
        onProjectionError: (p, e, err) => log.error(`projection ${p} failed on event ${e.position} (${e.type}): ${err instanceof Error ? err.message : String(err)}`),
        // A long replay: clients waiting to attach keep waiting while this file moves on.
        onProgress: ({ events, fraction }) => {
          writeJsonAtomic(paths.starting, { pid: process.pid, phase: 'replaying', events, fraction, at: Date.now() } satisfies HostStarting);
          if (Date.now() - logged >= 1000) {
            logged = Date.now();
            log.info(`replaying the log into the read models: ${Math.round(fraction * 100)}% (${events.toLocaleString('en-US')} events)`);
          }
        },
      });
    } catch (err) {
      fs.rmSync(paths.starting, { force: true });
      lock.release();
      throw err;
    }
    fs.rmSync(paths.starting, { force: true });
    const host = new Host(paths, store, log, opts, lock.release);
    try {
      for (const f of opts.features) {
        const started = await f.start(host.ctx, host.rpc);
        if (started) host.disposers.push(() => started.dispose());
      }
      await host.listen();
    } catch (err) {
      await host.stop();
      throw err;
    }
    const o = store.opened;
    log.info(
      `agent host ${VERSION} ready for ${paths.workspace} (pid ${process.pid}); store at position ${store.head}` +
        ` (snapshot ${o.fromSnapshot}, replayed ${o.replayed} events in ${o.ms} ms${o.workers ? ` on ${o.workers} worker threads` : ''}${o.rebuilt.length ? `, rebuilt ${o.rebuilt.join(', ')}` : ''})`,
    );
    host.armIdleExit();
    return host;
  }

  info(): HostInfo {
    return {
      ...Object.assign({}, ...this.opts.features.map((f) => f.hostInfo?.() ?? {})),
      pid: process.pid,
      version: VERSION,
      protocol: PROTOCOL_VERSION,
      workspace: this.paths.workspace,
      startedAt: this.startedAt,
      socket: this.paths.socket,
    };
  }

  /** Serves one client connection (socket, or in-process for tests). */
  attach(conn: MessageConnection, kind = 'other'): Session {
    const session: Session = { id: randomUUID(), name: kind, kind, since: new Date().toISOString(), logLevel: null, conn };
    this.sessions.set(session.id, session);
    this.disarmIdleExit();
    const untap = this.log.tap((line) => {
      if (session.logLevel && levelAllows(session.logLevel, line.level)) void conn.sendNotification(LogNotification, line).catch(() => {});
    });
    const closed = new CancellationTokenSource();
    this.rpc.attach(conn, session, closed.token);
    const detach = (): void => {
      if (!this.sessions.delete(session.id)) return;
      // Work still running for this client (a long model call, a wait) can stop.
      closed.cancel();
      untap();
      this.log.debug(`session ${session.name} (${session.kind}) detached`);
      this.armIdleExit();
    };
    conn.onClose(detach);
    // A disposed connection fires no close event: without this its session would stay forever.
    conn.onDispose(detach);
    conn.onError(() => conn.dispose());
    conn.listen();
    return session;
  }

  /**
   * Keeps a background host from idle-exiting until the returned release is called (once; later
   * calls do nothing). For clients that are not socket sessions, such as MCP sessions.
   */
  holdOpen(reason: string): () => void {
    const id = this.nextHold++;
    this.holds.set(id, reason);
    this.disarmIdleExit();
    return () => {
      if (!this.holds.delete(id)) return;
      this.armIdleExit();
    };
  }

  /** Why the host stays up besides socket sessions, one reason per hold. */
  heldOpenBy(): string[] {
    return [...this.holds.values()];
  }

  broadcast<P>(type: NotificationType<P>, params: P): void {
    // The generic overloads can't relate P to the wire type; the declared NotificationType keeps callers typed.
    for (const s of this.sessions.values()) {
      // sendNotification throws at once (not a rejected promise) on a closed connection.
      try {
        void s.conn.sendNotification(type.method, params).catch(() => {});
      } catch {
        // that client is going away
      }
    }
  }

  /** Snapshots, closes the store, stops listening and releases the workspace. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      this.disarmIdleExit();
      if (this.changedTimer) clearTimeout(this.changedTimer);
      for (const d of this.disposers.reverse()) {
        try {
          await d();
        } catch (err) {
          this.log.error(`while stopping: ${String(err)}`);
        }
      }
      for (const s of this.sessions.values()) s.conn.dispose();
      await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
      try {
        this.store.close();
        // Background snapshot writes finish before the workspace is released to the next host.
        await this.store.snapshotsWritten();
      } finally {
        if (process.platform !== 'win32') fs.rmSync(this.paths.socket, { force: true });
        fs.rmSync(this.paths.hostJson, { force: true });
        this.releaseLock();
        this.log.info('agent host stopped');
        this.onStopped?.();
      }
    })();
    return this.stopping;
  }

  private async listen(): Promise<void> {
    // We hold the lock, so a socket file left here belongs to a dead host.
    if (process.platform !== 'win32') fs.rmSync(this.paths.socket, { force: true });
    const server = net.createServer((socket) => {
      const reader = new SocketMessageReader(socket);
      // The reader re-arms a "partial message" timer every 10 s, forever and surviving dispose,
      // after a client leaves in the middle of a message; the host has no use for those events.
      reader.partialMessageTimeout = 0;
      const conn = createMessageConnection(reader, new SocketMessageWriter(socket));
      this.attach(conn, 'socket');
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.paths.socket, () => {
        server.off('error', reject);
        resolve();
      });
    });
    if (process.platform !== 'win32') fs.chmodSync(this.paths.socket, 0o600);
    this.server = server;
    writeJsonAtomic(this.paths.hostJson, this.info());
  }

  private flushChanged(): void {
    this.changedTimer = null;
    const types = [...this.changedTypes];
    this.changedTypes.clear();
    this.broadcast(StoreChangedNotification, { position: this.store.head, types });
  }

  private armIdleExit(): void {
    const ms = this.opts.idleExitMs;
    if (!ms || this.sessions.size > 0 || this.holds.size > 0 || this.idleTimer || this.stopping) return;
    this.idleTimer = setTimeout(() => {
      this.log.info(`no client for ${Math.round(ms / 1000)} s: stopping`);
      void this.stop();
    }, ms);
    this.idleTimer.unref();
  }

  private disarmIdleExit(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
  }
}
