// mcp (the stdio bridge) · mcp-token [--rotate]
import fs from 'node:fs';
import { attach } from '../../host/attach';
import { ensureApiaryDir, readHostFile } from '../../host/hostFile';
import { workspacePaths } from '../../host/paths';
import { isAlive } from '../../host/processes';
import { VERSION } from '../../host/version';
import { McpRotateTokenRequest } from '../../mcp/protocol';
import { ensureToken, newToken, tokenPath, writeToken } from '../../mcp/token';
import { parse } from '../args';
import { EXIT_REFUSED, EXIT_USAGE, errorData, printResult, UsageError } from '../output';

/** Stdout belongs to the MCP protocol here: every problem is reported on stderr. */
export async function mcp(argv: string[]): Promise<number> {
  let code: number;
  try {
    const { values, common } = parse(argv, { tools: { type: 'string' } }, false);
    const tools = values.tools as string | undefined;
    if (tools !== undefined && tools !== 'core' && tools !== 'full') throw new UsageError('--tools must be core or full');
    // The MCP SDK loads only for this verb.
    const { runBridge } = await import('../../mcp/bridge');
    code = await runBridge({
      workspace: common.workspace,
      ...(tools ? { tools } : {}),
      warn: (m) => process.stderr.write(`apiary mcp: ${m}\n`),
    });
  } catch (err) {
    if (err instanceof UsageError) {
      process.stderr.write(`apiary mcp: ${err.message}\nUsage: apiary mcp [--workspace DIR] [--tools core|full]\n`);
      code = EXIT_USAGE;
    } else {
      const data = errorData(err);
      process.stderr.write(`apiary mcp: ${data.message}\n${data.hint ? `hint: ${data.hint}\n` : ''}`);
      code = EXIT_REFUSED;
    }
  }
  // Open handles (stdin, sockets) must not keep a finished bridge alive; let stdout drain first.
  process.stdout.write('', () => process.exit(code));
  return code;
}

export async function mcpToken(argv: string[]): Promise<number> {
  const { values, common } = parse(argv, { rotate: { type: 'boolean', default: false } }, false);
  const paths = workspacePaths(common.workspace);
  if (!fs.existsSync(paths.workspace)) throw new UsageError(`workspace ${paths.workspace} does not exist`);
  const file = tokenPath(paths.apiary);
  const info = readHostFile(paths.hostJson);
  const running = info !== null && isAlive(info.pid);
  if (values.rotate === true) {
    if (running) {
      // The host holds the token in memory: it must rotate it, so the old one stops working at once.
      const { conn } = await attach(paths.workspace, { client: { name: common.agent ?? 'cli', kind: 'cli', version: VERSION }, start: false });
      try {
        const r = await conn.sendRequest(McpRotateTokenRequest);
        printResult({ rotated: true, file: r.file, host: info.pid, sessions: r.sessions }, common.json, () =>
          `Rotated the MCP token in ${r.file}; the host (pid ${info.pid}) refuses the old one from now on. The stdio bridge picks up the new one by itself; clients configured with the token need the new one (\`apiary mcp-token\`).`,
        );
      } finally {
        conn.dispose();
      }
    } else {
      ensureApiaryDir(paths.apiary);
      writeToken(file, newToken());
      printResult({ rotated: true, file, host: null, sessions: 0 }, common.json, () => `Rotated the MCP token in ${file} (no host is running).`);
    }
    return 0;
  }
  ensureApiaryDir(paths.apiary);
  const { token } = ensureToken(file);
  const url = running ? (info.mcp?.url ?? null) : null;
  // Plain output is the token alone, so `export APIARY_MCP_TOKEN=$(apiary mcp-token)` works.
  printResult({ token, file, url }, common.json, () => token);
  return 0;
}
