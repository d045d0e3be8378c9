import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { ensureCliBuilt, runCli, tempWorkspace, cleanUp } from '../../support/host';
import { rawRequest, initializeBody, startHost } from './helpers';

describe('the MCP verbs of the command line', function () {
  this.timeout(60_000);
  before(() => ensureCliBuilt());
  after(async () => {
    await cleanUp();
  });

  it('prints the token alone (for $(apiary mcp-token)), creating a private one when there is none, without starting a host', async () => {
    const ws = tempWorkspace();
    const r = await runCli(['mcp-token', '--workspace', ws]);
    assert.equal(r.code, 0, r.stderr);
    const file = path.join(ws, '.apiary', 'token');
    assert.equal(r.stdout, fs.readFileSync(file, 'utf8'));
    if (process.platform !== 'win32') assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.ok(!fs.existsSync(path.join(ws, '.apiary', 'host.json')), 'no host was started');
    const again = await runCli(['mcp-token', '--json', '--workspace', ws]);
    assert.deepEqual(JSON.parse(again.stdout), { token: r.stdout.trim(), file, url: null });
  });

  it('rotates the file itself when no host runs', async () => {
    const ws = tempWorkspace();
    const before = (await runCli(['mcp-token', '--workspace', ws])).stdout.trim();
    const r = await runCli(['mcp-token', '--rotate', '--json', '--workspace', ws]);
    assert.deepEqual(JSON.parse(r.stdout), { rotated: true, file: path.join(ws, '.apiary', 'token'), host: null, sessions: 0 });
    const after = (await runCli(['mcp-token', '--workspace', ws])).stdout.trim();
    assert.notEqual(after, before);
  });

  it("names the running host's endpoint, and rotating asks that host, which refuses the old token at once", async () => {
    const h = await startHost();
    try {
      const shown = JSON.parse((await runCli(['mcp-token', '--json', '--workspace', h.dir])).stdout) as { token: string; url: string };
      assert.equal(shown.url, h.url);
      assert.equal(shown.token, h.token());
      const r = await runCli(['mcp-token', '--rotate', '--workspace', h.dir]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`host \\(pid ${process.pid}\\) refuses the old one`));
      assert.equal((await rawRequest(h.url, { body: initializeBody, headers: { Authorization: `Bearer ${shown.token}` } })).status, 401);
      assert.equal((await rawRequest(h.url, { body: initializeBody, headers: { Authorization: `Bearer ${h.token()}` } })).status, 200);
    } finally {
      await h.stop();
    }
  });

  it('apiary mcp reports problems on stderr only, keeping stdout for the protocol', async () => {
    const usage = await runCli(['mcp', '--tools', 'most', '--json']);
    assert.equal(usage.code, 2);
    assert.equal(usage.stdout, '');
    assert.match(usage.stderr, /--tools must be core or full/);
    const missing = await runCli(['mcp', '--json', '--workspace', path.join(tempWorkspace(), 'no-such-folder')]);
    assert.equal(missing.code, 1);
    assert.equal(missing.stdout, '');
    assert.match(missing.stderr, /^apiary mcp: workspace .* is not a folder/);
  });

  it('lists both MCP verbs in the usage', async () => {
    const r = await runCli(['help']);
    assert.match(r.stdout, /^\s+mcp \[--tools core\|full\]/m);
    assert.match(r.stdout, /^\s+mcp-token \[--rotate\]/m);
  });
});
