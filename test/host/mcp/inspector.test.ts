// The published MCP Inspector CLI against our server: a client we did not write. It needs
// Node 22, which the npm package `node@22` provides; both are installed on first use into an
// ignored tool folder, and the suite is skipped (saying why) when the registry is unreachable.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { cleanUp, cliPath, ensureCliBuilt, hostJsonOf, repoRoot, tempWorkspace } from '../../support/host';

const TOOLS = path.join(repoRoot, 'test', 'vscode', '.cache', 'mcp-inspector');
const NODE22 = path.join(TOOLS, 'node_modules', 'node', 'bin', 'node');
const INSPECTOR = path.join(TOOLS, 'node_modules', '@modelcontextprotocol', 'inspector', 'package.json');

function run(file: string, args: string[], timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

async function installInspector(): Promise<string | null> {
  if (fs.existsSync(NODE22) && fs.existsSync(INSPECTOR)) return null;
  fs.mkdirSync(TOOLS, { recursive: true });
  if (!fs.existsSync(path.join(TOOLS, 'package.json'))) fs.writeFileSync(path.join(TOOLS, 'package.json'), '{ "private": true }\n');
  const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const r = await run(npm, ['install', '--prefix', TOOLS, '--no-audit', '--no-fund', '--loglevel=error', 'node@22', '@modelcontextprotocol/inspector@^2'], 300_000);
  if (r.code !== 0 || !fs.existsSync(NODE22) || !fs.existsSync(INSPECTOR)) return `could not install node@22 and the MCP Inspector from the npm registry: ${r.stderr.trim().split('\n').slice(-2).join(' ')}`;
  return null;
}

function launcher(): string {
  return path.join(path.dirname(INSPECTOR), (JSON.parse(fs.readFileSync(INSPECTOR, 'utf8')) as { bin: Record<string, string> }).bin['mcp-inspector']!);
}

/** `mcp-inspector --cli ARGS`, run by Node 22; its stdout is JSON (also for a tool error, when it exits non-zero). */
async function inspector(args: string[], expectToolError = false): Promise<unknown> {
  const r = await run(NODE22, [launcher(), '--cli', ...args], 60_000);
  if (expectToolError) assert.match(r.stderr, /tool_is_error/);
  else assert.equal(r.code, 0, `inspector failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as unknown;
}

describe('the MCP Inspector CLI (a client we did not write)', function () {
  this.timeout(400_000);
  let ws: string;

  before(async function () {
    const problem = await installInspector();
    if (problem) {
      console.log(`      skipped: ${problem}`);
      this.skip();
    }
    ensureCliBuilt();
    ws = tempWorkspace();
  });
  after(async () => {
    await cleanUp();
  });

  const bridge = (): string[] => [process.execPath, cliPath, 'mcp', '--workspace', ws];

  it('lists the tools through the stdio bridge', async () => {
    const out = (await inspector([...bridge(), '--method', 'tools/list'])) as { tools: Array<{ name: string; inputSchema: { type: string } }> };
    const names = out.tools.map((t) => t.name);
    assert.ok(names.includes('agent_register') && names.includes('agent_whoami'), names.join(', '));
    for (const t of out.tools) assert.equal(t.inputSchema.type, 'object');
  });

  it('calls a tool through the stdio bridge, as an agent named after the inspector', async () => {
    const out = (await inspector([...bridge(), '--method', 'tools/call', '--tool-name', 'agent_whoami'])) as { content: Array<{ text: string }> };
    const body = JSON.parse(out.content[0]!.text) as { agent: { name: string; program: string } };
    assert.match(body.agent.name, /^[A-Z][a-z]+[A-Z][a-z]+/);
    assert.equal(body.agent.program, 'inspector-cli');
  });

  it('creates a cell and finds it with hive_ready through the stdio bridge', async () => {
    const created = (await inspector([...bridge(), '--method', 'tools/call', '--tool-name', 'hive_create', '--tool-arg', 'title=Seen by the inspector'])) as { content: Array<{ text: string }> };
    assert.ok(!('isError' in created) || (created as { isError?: boolean }).isError !== true, created.content[0]!.text);
    const ready = (await inspector([...bridge(), '--method', 'tools/call', '--tool-name', 'hive_ready'])) as { content: Array<{ text: string }> };
    const body = JSON.parse(ready.content[0]!.text) as { cells: Array<{ title: string }> };
    assert.deepEqual(body.cells.map((c) => c.title), ['Seen by the inspector']);
  });

  it('gets the structured refusal for bad arguments', async () => {
    const out = (await inspector([...bridge(), '--method', 'tools/call', '--tool-name', 'agent_register', '--tool-arg', 'name=not a name'], true)) as { isError: boolean; content: Array<{ text: string }> };
    assert.equal(out.isError, true);
    assert.equal((JSON.parse(out.content[0]!.text) as { error: { code: string } }).error.code, 'invalid_params');
  });

  it('talks Streamable HTTP to the host directly with the bearer token', async () => {
    const url = hostJsonOf(ws)!.mcp!.url;
    const token = fs.readFileSync(path.join(ws, '.apiary', 'token'), 'utf8').trim();
    const out = (await inspector([url, '--transport', 'http', '--header', `Authorization: Bearer ${token}`, '--method', 'tools/list'])) as { tools: unknown[] };
    assert.ok(out.tools.length >= 2);
    const refused = await run(NODE22, [launcher(), '--cli', url, '--transport', 'http', '--method', 'tools/list'], 60_000);
    assert.notEqual(refused.code, 0, 'without the token it is refused');
  });
});
