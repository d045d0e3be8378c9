import assert from 'node:assert/strict';
import { bridgeCommand, claudeAddLine, configFileFor, mergeConfig, otherClientText, shellQuote } from '../../../../extension/mcp/configs';

const bridge = bridgeCommand('/opt/ext/apiary/dist/cli.js', '/home/me/my repo');

describe('Connect an Agent: configs', () => {
  it('runs the stdio bridge for the workspace with node', () => {
    assert.deepEqual(bridge, { command: 'node', args: ['/opt/ext/apiary/dist/cli.js', 'mcp', '--workspace', '/home/me/my repo'] });
  });

  it('prints a claude mcp add line that pastes into a shell as is, quoting only what needs it', () => {
    assert.equal(claudeAddLine(bridge), "claude mcp add apiary -- node /opt/ext/apiary/dist/cli.js mcp --workspace '/home/me/my repo'");
    assert.equal(shellQuote("it's"), `'it'\\''s'`);
  });

  it('writes each client its own file and shape: .mcp.json, .cursor/mcp.json, .vscode/mcp.json (servers, type stdio)', () => {
    assert.deepEqual(configFileFor('claude-code', bridge), { path: '.mcp.json', key: 'mcpServers', entry: { type: 'stdio', ...bridge } });
    assert.deepEqual(configFileFor('cursor', bridge), { path: '.cursor/mcp.json', key: 'mcpServers', entry: { ...bridge } });
    assert.deepEqual(configFileFor('vscode', bridge), { path: '.vscode/mcp.json', key: 'servers', entry: { type: 'stdio', ...bridge } });
  });

  it('creates a missing file with only the apiary server', () => {
    const r = mergeConfig(undefined, configFileFor('vscode', bridge));
    assert.ok(r.ok);
    assert.equal(r.action, 'created');
    assert.deepEqual(JSON.parse(r.text), { servers: { apiary: { type: 'stdio', ...bridge } } });
  });

  it('merges into an existing file, keeping other servers and keys, and says whether it added, updated or changed nothing', () => {
    const existing = JSON.stringify({ inputs: [{ id: 'x' }], servers: { github: { type: 'http', url: 'https://example.test/mcp' } } });
    const file = configFileFor('vscode', bridge);
    const added = mergeConfig(existing, file);
    assert.ok(added.ok);
    assert.equal(added.action, 'added');
    const merged = JSON.parse(added.text) as { inputs: unknown; servers: Record<string, unknown> };
    assert.deepEqual(merged.inputs, [{ id: 'x' }]);
    assert.deepEqual(Object.keys(merged.servers).sort(), ['apiary', 'github']);
    const again = mergeConfig(added.text, file);
    assert.ok(again.ok);
    assert.equal(again.action, 'unchanged');
    const moved = mergeConfig(added.text, configFileFor('vscode', bridgeCommand('/new/cli.js', '/home/me/my repo')));
    assert.ok(moved.ok);
    assert.equal(moved.action, 'updated');
  });

  it('refuses to touch a file that is not a JSON object, saying why', () => {
    for (const text of ['{ "servers": { // a comment\n } }', '[1, 2]', '{"servers": []}']) {
      const r = mergeConfig(text, configFileFor('vscode', bridge));
      assert.equal(r.ok, false, text);
      if (!r.ok) assert.match(r.message, /mcp\.json|servers/);
    }
  });

  it('never puts a token in any config: only the bridge, which reads .apiary/token itself', () => {
    for (const client of ['claude-code', 'cursor', 'vscode'] as const) {
      const r = mergeConfig(undefined, configFileFor(client, bridge));
      assert.ok(r.ok);
      assert.doesNotMatch(r.text, /token|Authorization|Bearer/i);
    }
  });

  it('tells other clients the URL and how to get the token without writing it anywhere', () => {
    const text = otherClientText('http://127.0.0.1:4123/mcp', bridge);
    assert.match(text, /http:\/\/127\.0\.0\.1:4123\/mcp/);
    assert.match(text, /apiary mcp-token/);
    assert.match(text, /APIARY_MCP_TOKEN/);
    assert.match(otherClientText(undefined, bridge), /not running yet/);
  });
});
