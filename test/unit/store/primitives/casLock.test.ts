import assert from 'node:assert/strict';
import { CasLocks } from '../../../../server/store/primitives/casLock';
import { primitiveProjections } from '../../../../server/store';
import type { Store } from '../../../../server/store/store';
import { cleanTempDirs, crash, openStore, refusal, tempDir } from '../helpers';

describe('CAS lock', () => {
  let dir: string;
  let store: Store;
  let now: number;
  let locks: CasLocks;
  beforeEach(async () => {
    dir = tempDir();
    store = await openStore(dir, primitiveProjections);
    now = 1_000_000;
    locks = new CasLocks(store, () => now);
  });
  afterEach(() => crash(store));
  after(cleanTempDirs);

  it('gives a free lock to its first acquirer, with an expiry from its TTL', async () => {
    const r = await locks.acquire('build', 'ann', 5000);
    assert.deepEqual(r, { acquired: true, expiresAt: now + 5000, version: 1 });
    assert.deepEqual(locks.state('build'), { holder: 'ann', expiresAt: now + 5000 });
  });

  it('refuses a held lock to anyone else, saying who holds it until when', async () => {
    await locks.acquire('build', 'ann', 5000);
    const head = store.head;
    assert.deepEqual(await locks.acquire('build', 'bob', 5000), { acquired: false, holder: 'ann', expiresAt: now + 5000 });
    assert.equal(store.head, head, 'a refused acquire writes nothing');
  });

  it('lets exactly one of many concurrent acquirers win', async () => {
    const holders = Array.from({ length: 12 }, (_, i) => `agent-${i}`);
    const results = await Promise.all(holders.map((h) => locks.acquire('build', h, 5000)));
    const winners = holders.filter((_, i) => results[i]!.acquired);
    assert.equal(winners.length, 1, `winners: ${winners.join(', ')}`);
    assert.equal(locks.state('build')?.holder, winners[0]);
    assert.equal(store.events.version('$caslock-build'), 1);
  });

  it('lets exactly one win when acquirers keep retrying while the winner is still being written', async () => {
    const attempts: Array<Promise<boolean>> = [];
    for (let round = 0; round < 3; round++) {
      for (const h of ['ann', 'bob', 'cy']) attempts.push(locks.acquire('deploy', h, 5000).then((r) => r.acquired));
      await Promise.resolve();
    }
    const won = (await Promise.all(attempts)).filter(Boolean).length;
    const holder = locks.state('deploy')!.holder;
    // The holder may renew its own lock, but no one else may get it.
    const acquiredBy = store.events
      .read({ stream: '$caslock-deploy' })
      .map((e) => (e.data as { holder: string }).holder);
    assert.ok(won >= 1);
    assert.deepEqual(new Set(acquiredBy), new Set([holder]));
  });

  it('renews for the holder itself', async () => {
    await locks.acquire('build', 'ann', 5000);
    now += 3000;
    const r = await locks.acquire('build', 'ann', 5000);
    assert.equal(r.acquired, true);
    assert.equal(locks.state('build')?.expiresAt, now + 5000);
  });

  it('frees the lock when its TTL runs out, without any event, so another can take it', async () => {
    await locks.acquire('build', 'ann', 5000);
    now += 5000;
    assert.equal(locks.state('build'), null);
    const r = await locks.acquire('build', 'bob', 1000);
    assert.equal(r.acquired, true);
    assert.equal(locks.state('build')?.holder, 'bob');
  });

  it('refuses a release by someone who does not hold it, and changes nothing', async () => {
    await locks.acquire('build', 'ann', 5000);
    const head = store.head;
    const err = await refusal(() => locks.release('build', 'bob'));
    assert.equal(err.code, 'conflict');
    assert.match(err.message, /held by ann/);
    assert.ok(err.hint);
    assert.equal(store.head, head);
    assert.equal(locks.state('build')?.holder, 'ann');
  });

  it('frees the lock on release by its holder', async () => {
    await locks.acquire('build', 'ann', 5000);
    await locks.release('build', 'ann');
    assert.equal(locks.state('build'), null);
    assert.equal((await locks.acquire('build', 'bob', 5000)).acquired, true);
  });

  it('refuses a TTL that is not positive', async () => {
    assert.equal((await refusal(() => locks.acquire('build', 'ann', 0))).code, 'invalid_params');
    assert.equal(store.head, 0);
  });

  it('keeps its holder and expiry across a restart', async () => {
    await locks.acquire('build', 'ann', 5000);
    crash(store);
    store = await openStore(dir, primitiveProjections);
    locks = new CasLocks(store, () => now);
    assert.deepEqual(locks.state('build'), { holder: 'ann', expiresAt: now + 5000 });
    assert.equal((await locks.acquire('build', 'bob', 5000)).acquired, false);
  });
});
