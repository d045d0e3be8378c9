// What "Apiary: Connect an Agent…" writes or shows for each client, computed without VS Code (so
// it is testable in plain Node). Every file-based setup uses the stdio bridge (`apiary mcp`),
// which reads the token from .apiary/token by itself: no token ever lands in a repository file.

export type AgentClient = 'claude-code' | 'cursor' | 'vscode' | 'other';

export interface BridgeCommand {
  command: string;
  args: string[];
}

/** The server name every generated config uses. */
export const SERVER_NAME = 'apiary';

/** `node <cli> mcp --workspace <ws>`: the bridge a spawning client runs. */
export function bridgeCommand(cliPath: string, workspace: string, node = 'node'): BridgeCommand {
  return { command: node, args: [cliPath, 'mcp', '--workspace', workspace] };
}

/** POSIX-shell quoting, only where needed, so the line can be pasted as is. */
export function shellQuote(arg: string): string {
  return /^[A-Za-z0-9_./:=@%+-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The `claude mcp add` line registering the bridge for this project. */
export function claudeAddLine(bridge: BridgeCommand): string {
  return ['claude', 'mcp', 'add', SERVER_NAME, '--', bridge.command, ...bridge.args].map(shellQuote).join(' ');
}

export interface ConfigFile {
  /** Workspace-relative path. */
  path: string;
  /** The top-level key that holds the servers: `mcpServers` (Claude Code, Cursor) or `servers` (VS Code). */
  key: 'mcpServers' | 'servers';
  entry: Record<string, unknown>;
}

/** The file a client reads its project's MCP servers from, with Apiary's entry. */
export function configFileFor(client: Exclude<AgentClient, 'other'>, bridge: BridgeCommand): ConfigFile {
  switch (client) {
    case 'claude-code':
      return { path: '.mcp.json', key: 'mcpServers', entry: { type: 'stdio', command: bridge.command, args: bridge.args } };
    case 'cursor':
      return { path: '.cursor/mcp.json', key: 'mcpServers', entry: { command: bridge.command, args: bridge.args } };
    case 'vscode':
      return { path: '.vscode/mcp.json', key: 'servers', entry: { type: 'stdio', command: bridge.command, args: bridge.args } };
  }
}

export type MergeOutcome =
  | { ok: true; text: string; action: 'created' | 'added' | 'updated' | 'unchanged' }
  | { ok: false; message: string };

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Adds (or replaces) Apiary's entry in an MCP config file, keeping every other server and key.
 * A file that is not a JSON object is left alone and reported, never clobbered.
 */
export function mergeConfig(existing: string | undefined, file: ConfigFile): MergeOutcome {
  let root: Record<string, unknown> = {};
  if (existing !== undefined && existing.trim() !== '') {
    let parsed: unknown;
    try {
      parsed = JSON.parse(existing);
    } catch (err) {
      return { ok: false, message: `${file.path} is not plain JSON (${err instanceof Error ? err.message : String(err)}); add the "${SERVER_NAME}" entry by hand or fix the file` };
    }
    if (!isObject(parsed)) return { ok: false, message: `${file.path} does not hold a JSON object; fix it or add the "${SERVER_NAME}" entry by hand` };
    root = parsed;
  }
  const current = root[file.key];
  if (current !== undefined && !isObject(current)) return { ok: false, message: `"${file.key}" in ${file.path} is not an object` };
  const servers: Record<string, unknown> = { ...(current ?? {}) };
  const before = servers[SERVER_NAME];
  const action = existing === undefined || existing.trim() === '' ? 'created' : before === undefined ? 'added' : JSON.stringify(before) === JSON.stringify(file.entry) ? 'unchanged' : 'updated';
  servers[SERVER_NAME] = file.entry;
  return { ok: true, text: JSON.stringify({ ...root, [file.key]: servers }, null, 2) + '\n', action };
}

/** Instructions for any other MCP client: the HTTP endpoint, and the token from outside the repository. */
export function otherClientText(url: string | undefined, bridge: BridgeCommand): string {
  const lines = [
    'Connect any MCP client to Apiary in one of two ways.',
    '',
    '1. Streamable HTTP (clients that take a URL):',
    `   URL: ${url ?? '(the host is not running yet: start it and run this command again)'}`,
    '   Header: Authorization: Bearer <token>',
    '   The token is in .apiary/token (ignored by git). Print it with `apiary mcp-token`, or put it',
    '   in an environment variable your client reads: export APIARY_MCP_TOKEN=$(apiary mcp-token)',
    '   Never commit the token; `apiary mcp-token --rotate` replaces it.',
    '',
    '2. stdio (clients that spawn a process): run the bridge, which finds the token by itself:',
    `   ${[bridge.command, ...bridge.args].map(shellQuote).join(' ')}`,
  ];
  return lines.join('\n') + '\n';
}
