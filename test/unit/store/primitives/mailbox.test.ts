import assert from 'node:assert/strict';
import { Mailboxes } from '../../../../server/store/primitives/mailbox';
import { primitiveProjections } from '../../../../server/store';
import type { Store } from '../../../../server/store/store';
import { cleanTempDirs, crash, openStore, refusal, tempDir } from '../helpers';

describe('durable mailbox', () => {
  let dir: string;
  let store: Store;
  let now: number;
  let mail: Mailboxes;
  const reopen = async (how: 'close' | 'crash'): Promise<void> => {
    if (how === 'close') store.close();
    else crash(store);
    store = await openStore(dir, primitiveProjections);
    mail = new Mailboxes(store, () => now);
  };
  beforeEach(async () => {
    dir = tempDir();
    store = await openStore(dir, primitiveProjections);
    now = 5_000_000;
    mail = new Mailboxes(store, () => now);
  });
  afterEach(() => crash(store));
  after(cleanTempDirs);

  it('delivers sent messages oldest first, with body, sender and a first attempt', async () => {
    await mail.send('inbox', { n: 1 }, { actor: 'ann', id: 'm1' });
    await mail.send('inbox', { n: 2 }, { actor: 'bob', id: 'm2' });
    const got = mail.receive('inbox', 'worker');
    assert.deepEqual(
      got.map((d) => [d.id, d.body, d.sender, d.attempt]),
      [
        ['m1', { n: 1 }, 'ann', 1],
        ['m2', { n: 2 }, 'bob', 1],
      ],
    );
    assert.ok(got[0]!.position < got[1]!.position);
  });

  it('does not hand a leased message out again before its visibility timeout', async () => {
    await mail.send('inbox', 'hello', { actor: 'ann', id: 'm1' });
    assert.equal(mail.receive('inbox', 'worker', { visibilityMs: 1000 }).length, 1);
    now += 999;
    assert.deepEqual(mail.receive('inbox', 'worker', { visibilityMs: 1000 }), []);
  });

  it('redelivers an unacked message after the visibility timeout, counting the attempt', async () => {
    await mail.send('inbox', 'hello', { actor: 'ann', id: 'm1' });
    mail.receive('inbox', 'worker', { visibilityMs: 1000 });
    now += 1000;
    const again = mail.receive('inbox', 'worker', { visibilityMs: 1000 });
    assert.deepEqual(
      again.map((d) => [d.id, d.attempt]),
      [['m1', 2]],
    );
  });

  it('never delivers an acked message to that consumer again, even after its timeout and a restart', async () => {
    await mail.send('inbox', 'a', { actor: 'ann', id: 'm1' });
    await mail.send('inbox', 'b', { actor: 'ann', id: 'm2' });
    mail.receive('inbox', 'worker', { visibilityMs: 10 });
    assert.deepEqual(await mail.ack('inbox', 'worker', ['m1']), { acked: 1 });
    now += 10_000;
    assert.deepEqual(
      mail.receive('inbox', 'worker').map((d) => d.id),
      ['m2'],
    );
    await reopen('crash');
    assert.deepEqual(
      mail.receive('inbox', 'worker').map((d) => d.id),
      ['m2'],
    );
  });

  it('keeps each consumer\'s deliveries and acks apart', async () => {
    await mail.send('inbox', 'a', { actor: 'ann', id: 'm1' });
    mail.receive('inbox', 'one');
    await mail.ack('inbox', 'one', ['m1']);
    assert.deepEqual(mail.receive('inbox', 'one'), []);
    assert.deepEqual(
      mail.receive('inbox', 'two').map((d) => [d.id, d.attempt]),
      [['m1', 1]],
    );
  });

  it('treats a repeated ack as a no-op that writes nothing', async () => {
    await mail.send('inbox', 'a', { actor: 'ann', id: 'm1' });
    await mail.ack('inbox', 'worker', ['m1']);
    const head = store.head;
    assert.deepEqual(await mail.ack('inbox', 'worker', ['m1']), { acked: 0 });
    assert.equal(store.head, head);
    await reopen('crash');
    assert.deepEqual(await mail.ack('inbox', 'worker', ['m1']), { acked: 0 });
    assert.equal(store.head, head);
  });

  it('refuses to ack a message that was never sent, and writes nothing', async () => {
    await mail.send('inbox', 'a', { actor: 'ann', id: 'm1' });
    const head = store.head;
    const err = await refusal(() => mail.ack('inbox', 'worker', ['m1', 'ghost']));
    assert.equal(err.code, 'not_found');
    assert.deepEqual(err.details, { missing: ['ghost'] });
    assert.equal(store.head, head);
    assert.equal(mail.receive('inbox', 'worker').length, 1, 'm1 was not acked either');
  });

  it('sends a message with a given id once, however often the send is retried', async () => {
    const first = await mail.send('inbox', 'a', { actor: 'ann', id: 'm1' });
    const retry = await mail.send('inbox', 'a', { actor: 'ann', id: 'm1' });
    assert.deepEqual([first.duplicate, retry.duplicate, retry.position], [false, true, first.position]);
    assert.equal(mail.receive('inbox', 'worker').length, 1);
  });

  it('keeps unacked messages deliverable across a clean restart and a crash', async () => {
    await mail.send('inbox', 'a', { actor: 'ann', id: 'm1' });
    await mail.send('inbox', 'b', { actor: 'ann', id: 'm2' });
    mail.receive('inbox', 'worker', { visibilityMs: 60_000 });
    await reopen('close');
    // Leases are not durable: after a restart everything unacked is due at once.
    assert.deepEqual(
      mail.receive('inbox', 'worker').map((d) => d.id),
      ['m1', 'm2'],
    );
    await mail.ack('inbox', 'worker', ['m2']);
    await reopen('crash');
    assert.deepEqual(
      mail.receive('inbox', 'worker').map((d) => d.id),
      ['m1'],
    );
  });

  it('processes every message exactly once for a consumer that acks after handling, through timeouts and restarts', async () => {
    for (let i = 1; i <= 20; i++) await mail.send('jobs', { i }, { actor: 'producer', id: `j${i}` });
    const handled: string[] = [];
    for (let round = 0; round < 12 && handled.length < 20; round++) {
      const batch = mail.receive('jobs', 'worker', { max: 3, visibilityMs: 100 });
      // Handle and ack only some of them: the rest time out and come back.
      const done = batch.filter((_, k) => (round + k) % 2 === 0);
      handled.push(...done.map((d) => d.id));
      if (done.length) await mail.ack('jobs', 'worker', done.map((d) => d.id));
      now += 150;
      if (round % 4 === 3) await reopen(round % 8 === 3 ? 'crash' : 'close');
    }
    for (;;) {
      const rest = mail.receive('jobs', 'worker', { max: 50 });
      if (rest.length === 0) break;
      handled.push(...rest.map((d) => d.id));
      await mail.ack('jobs', 'worker', rest.map((d) => d.id));
    }
    assert.deepEqual(
      [...handled].sort(),
      Array.from({ length: 20 }, (_, i) => `j${i + 1}`).sort(),
    );
  });
});
