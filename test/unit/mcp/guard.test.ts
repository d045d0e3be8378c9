import assert from 'node:assert/strict';
import { allowedHosts, bearerToken, checkRequest, isLoopbackAddress, isLoopbackOrigin, type RequestFacts } from '../../../server/mcp/guard';

const PORT = 43210;
const TOKEN = 'a'.repeat(43);
const good: RequestFacts = { remoteAddress: '127.0.0.1', host: `127.0.0.1:${PORT}`, origin: undefined, authorization: `Bearer ${TOKEN}` };
const verdict = (facts: Partial<RequestFacts>) => checkRequest({ ...good, ...facts }, PORT, (t) => t === TOKEN);

describe('the MCP request guard', () => {
  it('lets a local client with the token and a loopback Host through', () => {
    assert.deepEqual(verdict({}), { ok: true });
    for (const host of allowedHosts(PORT)) assert.deepEqual(verdict({ host }), { ok: true }, host);
    assert.deepEqual(verdict({ host: `LOCALHOST:${PORT}` }), { ok: true }, 'host names are case-insensitive');
  });

  it('refuses peers that are not on this machine', () => {
    for (const remoteAddress of ['192.168.1.4', '10.0.0.1', '::ffff:192.168.1.4', undefined]) {
      const v = verdict({ remoteAddress });
      assert.equal(v.ok, false);
      if (!v.ok) assert.equal(v.status, 403);
    }
  });

  it('refuses a Host header that is not a loopback name with our port (DNS rebinding)', () => {
    for (const host of ['evil.example', `evil.example:${PORT}`, `127.0.0.1:${PORT + 1}`, '127.0.0.1', undefined, `127.0.0.1.nip.io:${PORT}`]) {
      const v = verdict({ host });
      assert.equal(v.ok, false, String(host));
      if (!v.ok) {
        assert.equal(v.status, 403);
        assert.match(v.hint, new RegExp(`127\\.0\\.0\\.1:${PORT}/mcp`));
      }
    }
  });

  it('accepts no Origin or a loopback one, refuses any other', () => {
    for (const origin of ['http://localhost:3000', 'https://127.0.0.1', 'http://[::1]:8080']) assert.deepEqual(verdict({ origin }), { ok: true }, origin);
    for (const origin of ['null', 'https://evil.example', 'http://localhost.evil.example', 'vscode-webview://x', 'not a url']) {
      const v = verdict({ origin });
      assert.equal(v.ok, false, origin);
      if (!v.ok) assert.equal(v.status, 403);
    }
  });

  it('answers 401 with a hint when the token is missing or wrong, checked after the origin checks', () => {
    const missing = verdict({ authorization: undefined });
    assert.ok(!missing.ok && missing.status === 401 && /apiary mcp-token/.test(missing.hint));
    const wrong = verdict({ authorization: 'Bearer nope' });
    assert.ok(!wrong.ok && wrong.status === 401 && /rotated/.test(wrong.hint));
    const both = verdict({ authorization: undefined, host: 'evil.example' });
    assert.ok(!both.ok && both.status === 403, 'a foreign Host is refused before the token is even looked at');
  });

  it('reads a bearer token and nothing else', () => {
    assert.equal(bearerToken(`Bearer ${TOKEN}`), TOKEN);
    assert.equal(bearerToken(`bearer   ${TOKEN} `), TOKEN);
    for (const h of [undefined, '', 'Bearer', `Basic ${TOKEN}`, `Bearer a b`, TOKEN]) assert.equal(bearerToken(h), null, String(h));
  });

  it('knows loopback addresses and origins', () => {
    assert.ok(isLoopbackAddress('127.0.0.1') && isLoopbackAddress('127.8.9.1') && isLoopbackAddress('::1') && isLoopbackAddress('::ffff:127.0.0.1'));
    assert.ok(!isLoopbackAddress('0.0.0.0') && !isLoopbackAddress('::') && !isLoopbackAddress('128.0.0.1'));
    assert.ok(isLoopbackOrigin('http://localhost') && !isLoopbackOrigin('ftp://localhost'));
  });
});
