// Hands the host what VS Code knows about calling models: the API key from secret storage and
// the `apiary.llm.*` settings. Sent after every (re)connect — the host keeps the key in memory
// only — and whenever the key or the settings change.
import * as vscode from 'vscode';
import type { LlmConfigState, LlmConfigureParams, Tier } from '../../shared/llm';
import { LlmConfigureRequest, TIERS } from '../../shared/llm';
import type { HostClient } from '../client';

export const API_KEY_SECRET = 'apiary.anthropicApiKey';

/** A host refusal as one line: its message and hint. */
export function describeError(err: unknown): string {
  const data = (err as { data?: { message?: unknown; hint?: unknown } }).data;
  if (data && typeof data.message === 'string') return typeof data.hint === 'string' ? `${data.message} ${data.hint}` : data.message;
  return err instanceof Error ? err.message : String(err);
}

export class LlmSettingsSync implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private lastError: string | undefined;
  /** What this connection was last given, so one change announced twice is sent once. */
  private lastSent: string | undefined;
  private session: string | undefined;

  constructor(
    private readonly client: HostClient,
    private readonly secrets: vscode.SecretStorage,
    private readonly output: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      client.onDidChangeState((s) => {
        // State events also mark store progress; only a new session (perhaps a new host, which
        // knows nothing yet) needs the settings again.
        if (s.kind !== 'ready' || client.hello?.sessionId === this.session) return;
        this.session = client.hello?.sessionId;
        this.lastSent = undefined;
        void this.push();
      }),
      secrets.onDidChange((e) => {
        if (e.key === API_KEY_SECRET) void this.push();
      }),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('apiary.llm')) void this.push();
      }),
    );
    if (client.state.kind === 'ready') {
      this.session = client.hello?.sessionId;
      void this.push();
    }
  }

  hasKey(): Thenable<boolean> {
    return this.secrets.get(API_KEY_SECRET).then((k) => k !== undefined && k !== '');
  }

  async storeKey(key: string): Promise<void> {
    await this.secrets.store(API_KEY_SECRET, key);
    await this.push();
  }

  async clearKey(): Promise<void> {
    await this.secrets.delete(API_KEY_SECRET);
    await this.push();
  }

  /** Sends the current key and settings; resolves to what the host now uses (undefined when not connected or refused). */
  async push(): Promise<LlmConfigState | undefined> {
    if (this.client.state.kind !== 'ready') return undefined;
    const key = await this.secrets.get(API_KEY_SECRET);
    const config = vscode.workspace.getConfiguration('apiary.llm');
    const baseUrl = config.get<string>('baseUrl', '').trim();
    const models: Partial<Record<Tier, string | null>> = {};
    for (const tier of TIERS) models[tier] = config.get<string>(`models.${tier}`, '').trim() || null;
    const params: LlmConfigureParams = { apiKey: key ? key : null, baseUrl: baseUrl || null, models };
    const signature = JSON.stringify(params);
    if (signature === this.lastSent) return undefined;
    this.lastSent = signature;
    try {
      const state = await this.client.request(LlmConfigureRequest, params);
      this.lastError = undefined;
      this.output.info(`Model calls: API key ${state.apiKey === 'client' ? 'from VS Code' : state.apiKey === 'environment' ? 'from the host environment' : 'not set'}; endpoint ${state.baseUrl ?? 'the public API'}.`);
      return state;
    } catch (err) {
      this.lastSent = undefined;
      const message = describeError(err);
      this.output.warn(`The agent host did not accept the model settings: ${message}`);
      // Say it once per distinct problem, not on every reconnect.
      if (message !== this.lastError) void vscode.window.showWarningMessage(`Apiary: the model settings were not applied. ${message}`);
      this.lastError = message;
      return undefined;
    }
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
