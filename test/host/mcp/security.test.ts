import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { attach } from '../../../server/host/attach';
import { McpRotateTokenRequest } from '../../../server/mcp/protocol';
import { call, connect, initializeBody, rawRequest, startHost, type TestHost } from './helpers';

describe('MCP endpoint security', () => {
  let h: TestHost;
  let port: string;
  const auth = (): Record<string, string> => ({ Authorization: `Bearer ${h.token()}` });

  before(async () => {
    h = await startHost();
    port = new URL(h.url).port;
  });
  after(async () => {
    await h.stop();
  });

  function errorOf(body: string): { code: number; message: string; data: { code: string; hint?: string } } {
    const parsed = JSON.parse(body) as { jsonrpc: string; error: { code: number; message: string; data: { code: string; hint?: string } } };
    assert.equal(parsed.jsonrpc, '2.0');
    return parsed.error;
  }

  it('accepts an initialize that carries the token and a loopback Host', async () => {
    const r = await rawRequest(h.url, { body: initializeBody, headers: auth() });
    assert.equal(r.status, 200, r.body);
    assert.ok(r.headers['mcp-session-id'], 'a session id was issued');
  });

  it('refuses a request without a token with 401 and a JSON-RPC error', async () => {
    const r = await rawRequest(h.url, { body: initializeBody });
    assert.equal(r.status, 401);
    assert.match(String(r.headers['www-authenticate']), /^Bearer/);
    const e = errorOf(r.body);
    assert.match(e.message, /missing Authorization/);
    assert.match(e.data.hint ?? '', /apiary mcp-token/);
  });

  it('refuses a wrong token with 401', async () => {
    for (const value of ['Bearer nope', `Bearer ${h.token()}x`, `Basic ${h.token()}`, h.token()]) {
      const r = await rawRequest(h.url, { body: initializeBody, headers: { Authorization: value } });
      assert.equal(r.status, 401, value);
    }
  });

  it('refuses a foreign Host header with 403, even with the right token (DNS rebinding)', async () => {
    for (const host of ['evil.example:' + port, `127.0.0.1:${Number(port) + 1}`, '127.0.0.1', `attacker.localhost:${port}`]) {
      const r = await rawRequest(h.url, { body: initializeBody, headers: { ...auth(), Host: host } });
      assert.equal(r.status, 403, host);
      assert.match(errorOf(r.body).message, /Host header/);
    }
  });

  it('accepts every loopback name for itself in the Host header', async () => {
    for (const host of [`localhost:${port}`, `[::1]:${port}`, `127.0.0.1:${port}`]) {
      const r = await rawRequest(h.url, { body: initializeBody, headers: { ...auth(), Host: host } });
      assert.equal(r.status, 200, host);
    }
  });

  it('refuses a foreign Origin with 403, and accepts a local page', async () => {
    for (const origin of ['https://evil.example', 'null', `http://192.168.1.5:${port}`, 'file://']) {
      const r = await rawRequest(h.url, { body: initializeBody, headers: { ...auth(), Origin: origin } });
      assert.equal(r.status, 403, origin);
      assert.match(errorOf(r.body).message, /origin/);
    }
    const ok = await rawRequest(h.url, { body: initializeBody, headers: { ...auth(), Origin: 'http://localhost:6274' } });
    assert.equal(ok.status, 200);
  });

  it('checks the origin of each request in a session against the one that opened it (the SDK check, behind ours)', async () => {
    const init = await rawRequest(h.url, { body: initializeBody, headers: { ...auth(), Origin: 'http://localhost:6274' } });
    const session = String(init.headers['mcp-session-id']);
    const list = { jsonrpc: '2.0', id: 2, method: 'tools/list', params: {} };
    const other = await rawRequest(h.url, { body: list, headers: { ...auth(), 'Mcp-Session-Id': session, Origin: 'http://localhost:9999', 'Mcp-Protocol-Version': '2025-06-18' } });
    assert.equal(other.status, 403);
  });

  it('answers only at /mcp, and an unknown session with 404', async () => {
    const u = new URL(h.url);
    u.pathname = '/other';
    assert.equal((await rawRequest(u.toString(), { body: initializeBody, headers: auth() })).status, 404);
    const r = await rawRequest(h.url, { body: { jsonrpc: '2.0', id: 2, method: 'tools/list' }, headers: { ...auth(), 'Mcp-Session-Id': 'no-such-session' } });
    assert.equal(r.status, 404);
  });

  it('refuses a first request that is not initialize, and a body that is not JSON', async () => {
    const r = await rawRequest(h.url, { body: { jsonrpc: '2.0', id: 1, method: 'tools/list' }, headers: auth() });
    assert.equal(r.status, 400);
    assert.match(errorOf(r.body).message, /must be initialize/);
    const bad = await rawRequest(h.url, { text: '{"jsonrpc": ', headers: auth() });
    assert.equal(bad.status, 400);
    const e = errorOf(bad.body);
    assert.equal(e.code, -32700, 'a JSON-RPC parse error');
    assert.match(e.message, /not JSON/);
  });

  it('listens on 127.0.0.1 only', async () => {
    const u = new URL(h.url);
    assert.equal(u.hostname, '127.0.0.1');
    // The wildcard addresses must not reach it: connect to every non-loopback address this machine has.
    const external = Object.values(os.networkInterfaces())
      .flat()
      .filter((i): i is os.NetworkInterfaceInfo => !!i && !i.internal);
    const tried: string[] = [];
    for (const i of external) {
      const refused = await new Promise<boolean>((resolve) => {
        const s = net.connect({ host: i.address, port: Number(u.port), family: i.family === 'IPv6' ? 6 : 4 });
        s.setTimeout(1000, () => {
          s.destroy();
          resolve(true);
        });
        s.once('connect', () => {
          s.destroy();
          resolve(false);
        });
        s.once('error', () => resolve(true));
      });
      assert.ok(refused, `reachable on ${i.address}`);
      tried.push(i.address);
    }
    const localhostV6 = await new Promise<boolean>((resolve) => {
      const s = net.connect({ host: '::1', port: Number(u.port) });
      s.once('connect', () => {
        s.destroy();
        resolve(false);
      });
      s.once('error', () => resolve(true));
    });
    assert.ok(localhostV6, 'not listening on ::1 either: only 127.0.0.1');
    if (tried.length === 0) console.log('      (this machine has no non-loopback address to try)');
  });

  it('keeps the token private: .apiary/token has mode 0600 and holds 32 random bytes', function () {
    const file = path.join(h.dir, '.apiary', 'token');
    if (process.platform === 'win32') this.skip();
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(Buffer.from(h.token(), 'base64url').length, 32);
  });

  it('rotates the token on request: the old one is refused at once, the new one works; sessions still holding the old one are refused too', async () => {
    const before = h.token();
    const client = await connect(h.url, before);
    try {
      const { conn } = await attach(h.dir, { client: { name: 'test', kind: 'test' }, start: false });
      try {
        const r = await conn.sendRequest(McpRotateTokenRequest);
        assert.equal(r.file, path.join(h.dir, '.apiary', 'token'));
      } finally {
        conn.dispose();
      }
      const after = h.token();
      assert.notEqual(after, before);
      assert.equal(fs.statSync(path.join(h.dir, '.apiary', 'token')).mode & 0o777, 0o600);
      assert.equal((await rawRequest(h.url, { body: initializeBody, headers: { Authorization: `Bearer ${before}` } })).status, 401);
      await assert.rejects(client.listTools(), /401|missing|token/i, 'a session holding the old token is refused');
      const fresh = await connect(h.url, after);
      assert.equal((await call(fresh, 'agent_whoami')).isError, false);
      await fresh.close();
    } finally {
      await client.close();
    }
  });
});
