import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ensureToken, readToken, TokenStore, tokensEqual } from '../../../server/mcp/token';

describe('the workspace token', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apiary-token-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const mode = (f: string): number => fs.statSync(f).mode & 0o777;

  it('is created on first use: 32 random bytes, base64url, in a file only its owner can read', function () {
    const file = path.join(dir, 'token');
    const { token, created } = ensureToken(file);
    assert.equal(created, true);
    assert.equal(Buffer.from(token, 'base64url').length, 32);
    assert.equal(readToken(file), token);
    if (process.platform !== 'win32') assert.equal(mode(file), 0o600);
  });

  it('is reused when it exists, and made private again if it was not', function () {
    if (process.platform === 'win32') this.skip();
    const file = path.join(dir, 'token');
    const first = ensureToken(file).token;
    fs.chmodSync(file, 0o644);
    const again = ensureToken(file);
    assert.equal(again.token, first);
    assert.equal(again.created, false);
    assert.equal(mode(file), 0o600);
    assert.match(again.notes.join(), /readable by others/);
  });

  it('replaces a file that holds no token', () => {
    const file = path.join(dir, 'token');
    fs.writeFileSync(file, 'hunter2\n');
    const r = ensureToken(file);
    assert.equal(r.created, true);
    assert.notEqual(r.token, 'hunter2');
    assert.match(r.notes.join(), /no valid token/);
  });

  it('rotates in memory and on disk: the old token stops matching at once', () => {
    const { store } = TokenStore.open(dir);
    const old = readToken(store.file)!;
    assert.ok(store.matches(old));
    let told = 0;
    store.onRotated(() => told++);
    store.rotate();
    const fresh = readToken(store.file)!;
    assert.notEqual(fresh, old);
    assert.ok(!store.matches(old));
    assert.ok(store.matches(fresh));
    assert.equal(told, 1);
    if (process.platform !== 'win32') assert.equal(mode(store.file), 0o600);
    assert.deepEqual(fs.readdirSync(dir), ['token'], 'no temporary files left behind');
  });

  it('matches only the exact current token: a prefix, a longer one, an empty or a non-ASCII one are refused without throwing', () => {
    const { store } = TokenStore.open(dir);
    const token = fs.readFileSync(store.file, 'utf8').trim();
    assert.ok(store.matches(token));
    for (const wrong of [token.slice(0, -1), token + 'x', '', 'é'.repeat(token.length), token.slice(0, -1) + (token.endsWith('A') ? 'B' : 'A')]) {
      assert.equal(store.matches(wrong), false, JSON.stringify(wrong));
    }
  });

  it('compares tokens of any length without throwing', () => {
    assert.ok(tokensEqual('abc', 'abc'));
    assert.ok(!tokensEqual('abc', 'abcd'));
    assert.ok(!tokensEqual('', 'abc'));
  });
});
