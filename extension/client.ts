// Owns the connection to the workspace's agent host. The extension runs `apiary relay` as an IPC
// child (vscode-languageclient); the relay answers the LSP handshake itself, attaches to the
// shared per-workspace host (starting it when none runs) and forwards every apiary/* message.
// When the relay or host dies we reconnect with our own backoff rather than the client library's
// default, which gives up after a few crashes.
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import * as vscode from 'vscode';
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  RevealOutputChannelOn,
  TransportKind,
  type LanguageClientOptions,
  type NotificationType,
  type RequestType,
  type RequestType0,
  type ServerOptions,
} from 'vscode-languageclient/node';
import {
  HelloRequest,
  isHostStarting,
  LogNotification,
  StatusRequest,
  StoreChangedNotification,
  type HelloResult,
  type HostStatus,
  type LogLevel,
  type LogLine,
  type StoreChanged,
} from '../shared/protocol';
import type { HelloParams } from '../shared/schemas';
import { Backoff, DEFAULT_BACKOFF, type BackoffOptions } from './backoff';
import type { HostState } from './hostState';

/** After this many failed attempts in a row the status bar turns red (retries go on). */
const ERROR_AFTER_ATTEMPTS = 4;

export interface HostClientOptions {
  /** Absolute path of the bundled CLI (`dist/cli.js`). */
  cliPath: string;
  /** The folder the host serves; undefined when the window has no folder open. */
  workspace: string | undefined;
  output: vscode.LogOutputChannel;
  /** VS Code's version, sent in the hello. */
  clientVersion: string;
  logLevel(): LogLevel;
  /** Node executable for the relay; empty uses the editor's own runtime. */
  nodePath(): string;
  backoff?: BackoffOptions;
}

type Handler = (params: unknown) => void;

export class HostClient implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private current: HostState;
  private session: HelloResult | undefined;
  private readonly backoff: Backoff;
  private retryTimer: NodeJS.Timeout | undefined;
  /** Bumped whenever a connection attempt is abandoned, so late callbacks of an old client are ignored. */
  private generation = 0;
  private disposed = false;
  /** Subscribers per notification method. The library keeps one handler per method, so one
   * dispatcher per method fans out to every subscriber, on the current and every later client. */
  private readonly handlers = new Map<string, Set<Handler>>();
  private readonly dispatched = new Set<string>();
  private readonly stateEmitter = new vscode.EventEmitter<HostState>();
  private readonly storeEmitter = new vscode.EventEmitter<StoreChanged>();

  /** Fires on every state change (starting → ready → restarting …). */
  readonly onDidChangeState = this.stateEmitter.event;
  /** Fires after events commit in the host; views re-query what they show. */
  readonly onStoreChanged = this.storeEmitter.event;

  constructor(private readonly options: HostClientOptions) {
    this.backoff = new Backoff(options.backoff ?? DEFAULT_BACKOFF);
    this.current = options.workspace
      ? { kind: 'starting', workspace: options.workspace, since: Date.now() }
      : {
          kind: 'error',
          workspace: undefined,
          message: 'Apiary needs a folder',
          hint: 'Open a folder (File > Open Folder…): the agent host keeps its log in the folder it serves.',
        };
  }

  get state(): HostState {
    return this.current;
  }

  /** Session id and host info from the hello of the current connection. */
  get hello(): HelloResult | undefined {
    return this.session;
  }

  /** Starts connecting in the background; never throws, never blocks. */
  start(): void {
    if (!this.options.workspace || this.disposed) return;
    void this.connect(this.generation, 'starting');
  }

  /** Drops the current connection (ending its relay) and connects again at once. */
  async restart(): Promise<void> {
    if (!this.options.workspace || this.disposed) return;
    this.log('Restart requested.');
    const old = this.abandon();
    this.backoff.reset();
    await this.stopQuietly(old);
    void this.connect(this.generation, 'starting');
  }

  /** Sends the hello again (the host updates the session): applies a new log level without reconnecting. */
  async refreshHello(): Promise<void> {
    if (this.current.kind !== 'ready') return; // the next connection sends the current settings
    this.session = await this.request(HelloRequest, this.helloParams());
  }

  async status(): Promise<HostStatus> {
    return this.request(StatusRequest);
  }

  /** A request to the host over the current connection; rejects when there is none. */
  request<R, E>(type: RequestType0<R, E>): Promise<R>;
  request<P, R, E>(type: RequestType<P, R, E>, params: P): Promise<R>;
  async request(type: RequestType0<unknown, unknown> | RequestType<unknown, unknown, unknown>, params?: unknown): Promise<unknown> {
    const client = this.client;
    if (!client || this.current.kind !== 'ready') {
      throw new Error(`The Apiary agent host is not connected (${this.current.kind}).`);
    }
    return params === undefined ? client.sendRequest(type.method) : client.sendRequest(type.method, params);
  }

  /** Listens to a host notification across reconnects. */
  onNotification<P>(type: NotificationType<P>, handler: (params: P) => void): vscode.Disposable {
    const h = handler as Handler;
    const set = this.handlers.get(type.method) ?? new Set<Handler>();
    set.add(h);
    this.handlers.set(type.method, set);
    if (this.client) this.ensureDispatcher(this.client, type.method);
    return new vscode.Disposable(() => set.delete(h));
  }

  async dispose(): Promise<void> {
    this.disposed = true;
    const old = this.abandon();
    await this.stopQuietly(old);
    this.stateEmitter.dispose();
    this.storeEmitter.dispose();
  }

  // ── connection lifecycle ──────────────────────────────────────────────────────────────────

  private async connect(gen: number, phase: 'starting' | 'restarting'): Promise<void> {
    const workspace = this.options.workspace;
    if (!workspace || gen !== this.generation || this.disposed) return;
    if (phase === 'starting') this.setState({ kind: 'starting', workspace, since: Date.now() });

    if (!existsSync(this.options.cliPath)) {
      this.fail(gen, `The agent host program is missing (${this.options.cliPath}).`, 'Reinstall the extension, or run "npm run build" in a development checkout.');
      return;
    }
    const client = this.createClient(workspace, gen);
    this.client = client;
    // A host replaying a large log takes a while to answer: show how far it has come.
    const watch = setInterval(() => this.showReplay(gen, workspace), 500);
    try {
      await client.start();
      clearInterval(watch);
      if (gen !== this.generation) return;
      this.session = await client.sendRequest(HelloRequest, this.helloParams());
      const status = await client.sendRequest(StatusRequest);
      if (gen !== this.generation) return;
      this.backoff.succeeded(Date.now());
      this.log(`Connected to the agent host (pid ${status.pid}, store position ${status.store.position}).`);
      this.setState({ kind: 'ready', workspace, status, receivedAt: Date.now() });
    } catch (err) {
      this.fail(gen, describe(err));
    } finally {
      clearInterval(watch);
    }
  }

  /** Puts the progress a starting host writes (`.apiary/host.starting.json`) into the waiting state. */
  private showReplay(gen: number, workspace: string): void {
    const state = this.current;
    if (gen !== this.generation || (state.kind !== 'starting' && state.kind !== 'restarting')) return;
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(path.join(workspace, '.apiary', 'host.starting.json'), 'utf8'));
    } catch {
      return; // none yet (or being replaced): nothing to show
    }
    if (!isHostStarting(parsed)) return;
    if (state.replay?.events === parsed.events && state.replay.fraction === parsed.fraction) return;
    this.setState({ ...state, replay: { fraction: parsed.fraction, events: parsed.events } });
  }

  private helloParams(): HelloParams {
    return {
      client: { name: 'VS Code', kind: 'vscode-window', version: this.options.clientVersion },
      logLevel: this.options.logLevel(),
    };
  }

  private createClient(workspace: string, gen: number): LanguageClient {
    const nodePath = this.options.nodePath().trim();
    const serverOptions: ServerOptions = {
      module: this.options.cliPath,
      transport: TransportKind.ipc,
      args: ['relay', '--workspace', workspace],
      ...(nodePath ? { runtime: nodePath } : {}),
      options: { cwd: workspace },
    };
    const clientOptions: LanguageClientOptions = {
      // The host serves no documents: the connection only carries apiary/* messages.
      documentSelector: [],
      outputChannel: this.options.output,
      revealOutputChannelOn: RevealOutputChannelOn.Never,
      initializationFailedHandler: () => false,
      errorHandler: {
        // A bad message is not a reason to drop the connection; a closed one is handled below.
        error: () => ({ action: ErrorAction.Continue, handled: true }),
        closed: () => {
          // The library cleans up this client itself after DoNotRestart: don't stop it too.
          this.fail(gen, 'The connection to the agent host closed.', undefined, false);
          return { action: CloseAction.DoNotRestart, handled: true, message: 'The agent host connection closed; Apiary reconnects on its own.' };
        },
      },
    };
    const client = new LanguageClient('apiary.host', 'Apiary Agent Host', serverOptions, clientOptions);
    this.dispatched.clear();
    client.onNotification(LogNotification, (line) => this.appendHostLog(line));
    client.onNotification(StoreChangedNotification, (change) => this.onStoreChange(gen, change));
    this.dispatched.add(LogNotification.method).add(StoreChangedNotification.method);
    for (const method of this.handlers.keys()) this.ensureDispatcher(client, method);
    return client;
  }

  private ensureDispatcher(client: LanguageClient, method: string): void {
    if (this.dispatched.has(method)) return;
    this.dispatched.add(method);
    client.onNotification(method, (params: unknown) => this.dispatch(method, params));
  }

  private dispatch(method: string, params: unknown): void {
    for (const h of this.handlers.get(method) ?? []) {
      try {
        h(params);
      } catch (err) {
        this.options.output.error(`A handler of ${method} failed: ${describe(err)}`);
      }
    }
  }

  /** The attempt `gen` failed: schedule the next one with backoff. */
  private fail(gen: number, reason: string, hint?: string, stopClient = true): void {
    if (gen !== this.generation || this.disposed) return;
    const workspace = this.options.workspace;
    if (!workspace) return;
    const old = this.abandon();
    if (stopClient) void this.stopQuietly(old);
    const delay = this.backoff.failed(Date.now());
    const attempt = this.backoff.attempts;
    const retryAt = Date.now() + delay;
    this.options.output.warn(`${reason} Retrying in ${Math.round(delay / 1000)} s (attempt ${attempt}).`);
    if (attempt >= ERROR_AFTER_ATTEMPTS || hint) {
      this.setState({ kind: 'error', workspace, message: reason, retryAt, ...(hint ? { hint } : {}) });
    } else {
      this.setState({ kind: 'restarting', workspace, reason, retryAt, attempt });
    }
    const next = this.generation;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.connect(next, 'restarting');
    }, delay);
  }

  /** Forgets the current client and pending retry; returns the client for the caller to stop. */
  private abandon(): LanguageClient | undefined {
    this.generation++;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    const old = this.client;
    this.client = undefined;
    this.session = undefined;
    return old;
  }

  private async stopQuietly(client: LanguageClient | undefined): Promise<void> {
    if (!client) return;
    try {
      if (client.needsStop()) await client.stop(2000);
    } catch {
      // Stopping a client whose process already died can fail; nothing is left to clean up.
    }
  }

  private onStoreChange(gen: number, change: StoreChanged): void {
    if (gen !== this.generation) return;
    const s = this.current;
    if (s.kind === 'ready' && change.position > s.status.store.position) {
      this.current = { ...s, status: { ...s.status, store: { ...s.status.store, position: change.position } } };
      this.stateEmitter.fire(this.current);
    }
    this.storeEmitter.fire(change);
    this.dispatch(StoreChangedNotification.method, change);
  }

  private appendHostLog(line: LogLine): void {
    const out = this.options.output;
    // The channel stamps its own time (host and window share a clock), so the host's ts is not repeated.
    // apiary.host.logLevel already chose which lines the host sends; debug lines go out at info
    // level because the channel's own filter (info by default) would hide them otherwise.
    if (line.level === 'error') out.error(`[host] ${line.message}`);
    else if (line.level === 'warn') out.warn(`[host] ${line.message}`);
    else if (line.level === 'debug') out.info(`[host debug] ${line.message}`);
    else out.info(`[host] ${line.message}`);
    this.dispatch(LogNotification.method, line);
  }

  private setState(state: HostState): void {
    this.current = state;
    this.stateEmitter.fire(state);
  }

  private log(message: string): void {
    this.options.output.info(message);
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return err.message;
  if (typeof err === 'object' && err && 'message' in err && typeof err.message === 'string') return err.message;
  return String(err);
}
