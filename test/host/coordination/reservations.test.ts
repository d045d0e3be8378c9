// File reservations through the real host: clients over the socket race for overlapping
// exclusive reservations (exactly one wins), enforce refuses and advisory grants with the
// conflict reported, TTLs lapse through the periodic sweep, force-release waits for the
// holder's silence and tells the holder, and every change is pushed to attached clients.
import assert from 'node:assert/strict';
import {
  AgentRegisterRequest,
  LockCheckRequest,
  LockForceReleaseRequest,
  LockListRequest,
  LockOverrideRequest,
  LockReleaseRequest,
  LockRenewRequest,
  LockReserveRequest,
  MailInboxRequest,
  ReservationsChangedNotification,
  type ReserveResult,
} from '../../../shared/coordination';
import type { ApiaryErrorData } from '../../../shared/errors';
import { cleanUp, type Client } from '../../support/host';
import { collect, type CoordHost, MINUTE, refusal, startCoordHost, until, writeConfig } from './helpers';

async function register(c: Client, name: string): Promise<void> {
  await c.conn.sendRequest(AgentRegisterRequest, { name, kind: 'swarm-worker', clientKey: `key-${name}` });
}

describe('reservations through the host', function () {
  this.timeout(30_000);
  let h: CoordHost;

  beforeEach(async () => {
    h = await startCoordHost();
  });
  afterEach(async () => {
    await h.stop();
    await cleanUp();
  });

  describe('racing exclusive reserves', () => {
    it('grants exactly one of 24 clients racing for overlapping patterns, and refuses the rest naming the winner', async () => {
      const patterns = ['src/**', 'src/a.ts', 'src/*.ts', 'src/**/a.ts', 'src/{a,b}.ts', '**/a.ts'];
      const clients: Client[] = [];
      for (let i = 0; i < 24; i++) {
        const c = await h.client(`racer-${i}`);
        await register(c, `Racer${i}`);
        clients.push(c);
      }
      const outcomes = await Promise.allSettled(
        clients.map((c, i) => c.conn.sendRequest(LockReserveRequest, { agent: `Racer${i}`, patterns: [patterns[i % patterns.length]!], reason: `race ${i}` })),
      );
      const won = outcomes.flatMap((o, i) => (o.status === 'fulfilled' ? [{ i, r: o.value as ReserveResult }] : []));
      assert.equal(won.length, 1, `exactly one winner, got ${won.map((w) => w.i).join(', ')}`);
      const winner = `Racer${won[0]!.i}`;
      for (const o of outcomes) {
        if (o.status === 'fulfilled') continue;
        const data = (o.reason as { data: ApiaryErrorData }).data;
        assert.equal(data.code, 'conflict');
        assert.match(data.message, new RegExp(`Reserved by ${winner}`));
        assert.match(data.message, /exclusive until \d{4}-\d\d-\d\dT/);
      }
      const list = await clients[0]!.conn.sendRequest(LockListRequest, {});
      assert.deepEqual(
        list.reservations.map((r) => r.holder),
        [winner],
      );
      assert.equal(h.events('lock.reserved').length, 1, 'the log holds one reservation');
    });

    it('lets racing shared reserves of the same files all through, and no exclusive one beside them', async () => {
      const clients: Client[] = [];
      for (let i = 0; i < 8; i++) {
        const c = await h.client(`reader-${i}`);
        await register(c, `Reader${i}`);
        clients.push(c);
      }
      const writer = await h.client('writer');
      await register(writer, 'Writer');
      const outcomes = await Promise.allSettled([
        ...clients.map((c, i) => c.conn.sendRequest(LockReserveRequest, { agent: `Reader${i}`, patterns: ['docs/**'], shared: true })),
        writer.conn.sendRequest(LockReserveRequest, { agent: 'Writer', patterns: ['docs/guide.md'] }),
      ]);
      const writerOutcome = outcomes[outcomes.length - 1]!;
      const readers = outcomes.slice(0, -1);
      const list = await writer.conn.sendRequest(LockListRequest, {});
      if (writerOutcome.status === 'fulfilled') {
        // The writer got in first: every reader was refused.
        assert.ok(readers.every((o) => o.status === 'rejected'));
        assert.deepEqual(list.reservations.map((r) => r.holder), ['Writer']);
      } else {
        assert.ok(readers.every((o) => o.status === 'fulfilled'), 'shared reservations do not conflict with each other');
        assert.equal(list.reservations.length, 8);
        assert.ok(list.reservations.every((r) => r.mode === 'shared'));
      }
    });
  });

  describe('enforce and advisory', () => {
    it('refuses a conflicting exclusive request in enforce mode (the default) with holder, expiry and reason, and writes nothing', async () => {
      const a = await h.client('a');
      const b = await h.client('b');
      await register(a, 'BlueLake');
      await register(b, 'GreenFern');
      const held = await a.conn.sendRequest(LockReserveRequest, { agent: 'BlueLake', patterns: ['src/auth/**'], reason: 'rewrite login', cell: 'hv-12', ttlSeconds: 600 });
      const before = h.host.store.head;
      const err = await refusal(b.conn.sendRequest(LockReserveRequest, { agent: 'GreenFern', patterns: ['src/auth/login.ts'] }));
      assert.equal(err.code, 'conflict');
      assert.match(err.message, /BlueLake/);
      assert.ok(err.message.includes(held.granted[0]!.expiresAt), err.message);
      assert.match(err.message, /"rewrite login"/);
      assert.match(err.message, /cell hv-12/);
      assert.ok(err.hint && /release|expiry|narrower/.test(err.hint));
      const conflicts = (err.details as { conflicts: Array<{ holder: string; witness: string }> }).conflicts;
      assert.deepEqual(conflicts.map((c) => [c.holder, c.witness]), [['BlueLake', 'src/auth/login.ts']]);
      assert.equal(h.host.store.head, before, 'a refusal appends nothing');
    });

    it('grants the same request in advisory mode, reporting the conflict, after the config changes without a restart', async () => {
      const a = await h.client('a');
      const b = await h.client('b');
      await register(a, 'BlueLake');
      await register(b, 'GreenFern');
      await a.conn.sendRequest(LockReserveRequest, { agent: 'BlueLake', patterns: ['src/*.ts'] });
      writeConfig(h.workspace, { locks: { mode: 'advisory' } });
      const r = await b.conn.sendRequest(LockReserveRequest, { agent: 'GreenFern', patterns: ['src/**/x.ts'] });
      assert.equal(r.lockMode, 'advisory');
      assert.equal(r.granted.length, 1);
      assert.deepEqual(r.conflicts.map((c) => [c.holder, c.pattern, c.witness]), [['BlueLake', 'src/*.ts', 'src/x.ts']]);
      const recorded = h.events('lock.reserved').at(-1)!.data as { conflicts: unknown[]; lockMode: string };
      assert.equal(recorded.lockMode, 'advisory');
      assert.equal(recorded.conflicts.length, 1, 'the granted-despite conflict is in the log');
    });

    it('extends a re-reserved own pattern instead of refusing it, and replays an idempotent retry without writing', async () => {
      const a = await h.client('a');
      await register(a, 'BlueLake');
      const first = await a.conn.sendRequest(LockReserveRequest, { agent: 'BlueLake', patterns: ['lib/**'], ttlSeconds: 60, idempotencyKey: 'k1' });
      const retry = await a.conn.sendRequest(LockReserveRequest, { agent: 'BlueLake', patterns: ['lib/**'], ttlSeconds: 60, idempotencyKey: 'k1' });
      assert.equal(retry.replayed, true);
      assert.deepEqual(retry.granted.map((r) => r.id), first.granted.map((r) => r.id));
      h.clock.offsetMs += 30_000;
      const again = await a.conn.sendRequest(LockReserveRequest, { agent: 'BlueLake', patterns: ['lib/**'], ttlSeconds: 600 });
      assert.equal(again.granted.length, 0);
      assert.equal(again.extended[0]!.id, first.granted[0]!.id);
      assert.ok(Date.parse(again.extended[0]!.expiresAt) > Date.parse(first.granted[0]!.expiresAt));
      assert.equal(h.events('lock.reserved').length, 1);
    });
  });

  describe('lapses', () => {
    it('records an expired reservation through the periodic sweep and pushes the change, freeing the files', async () => {
      const a = await h.client('a');
      const b = await h.client('b');
      await register(a, 'BlueLake');
      await register(b, 'GreenFern');
      const pushes = collect(b.conn, ReservationsChangedNotification);
      await a.conn.sendRequest(LockReserveRequest, { agent: 'BlueLake', patterns: ['src/a.ts'], ttlSeconds: 30 });
      await until('the reservation pushed', () => pushes.some((p) => p.reservations.length === 1));
      h.clock.offsetMs += 31_000;
      // No request touches the reservation: only the host's own timer can record the expiry.
      const expired = await until('lock.expired in the log', () => h.events('lock.expired')[0], 8_000);
      assert.equal((expired.data as { reservations: Array<{ holder: string }> }).reservations[0]!.holder, 'BlueLake');
      assert.equal(expired.actor, 'host');
      await until('the freed state pushed', () => pushes.at(-1)!.reservations.length === 0);
      const r = await b.conn.sendRequest(LockReserveRequest, { agent: 'GreenFern', patterns: ['src/a.ts'] });
      assert.equal(r.granted.length, 1);
    });

    it('renews before expiry and refuses renewing what has lapsed', async () => {
      const a = await h.client('a');
      await register(a, 'BlueLake');
      await a.conn.sendRequest(LockReserveRequest, { agent: 'BlueLake', patterns: ['a.txt'], ttlSeconds: 60 });
      h.clock.offsetMs += 50_000;
      const renewed = await a.conn.sendRequest(LockRenewRequest, { agent: 'BlueLake', ttlSeconds: 120 });
      assert.equal(renewed.renewed.length, 1);
      h.clock.offsetMs += 100_000;
      const still = await a.conn.sendRequest(LockCheckRequest, { paths: ['a.txt'] });
      assert.equal(still.blocked, true, 'renewed past the original expiry');
      h.clock.offsetMs += 30_000;
      const err = await refusal(a.conn.sendRequest(LockRenewRequest, { agent: 'BlueLake' }));
      assert.equal(err.code, 'not_found');
      assert.match(err.hint ?? '', /reserve again/);
    });
  });

  describe('force-release', () => {
    it('is refused while the holder is live, allowed once it has been silent past the threshold, and the holder is told', async () => {
      const holder = await h.client('holder');
      const other = await h.client('other');
      await register(holder, 'BlueLake');
      await register(other, 'GreenFern');
      const r = await holder.conn.sendRequest(LockReserveRequest, { agent: 'BlueLake', patterns: ['src/**'], ttlSeconds: 7200, reason: 'long job' });
      const id = r.granted[0]!.id;

      const early = await refusal(other.conn.sendRequest(LockForceReleaseRequest, { agent: 'GreenFern', id }));
      assert.equal(early.code, 'forbidden');
      assert.match(early.message, /BlueLake was last seen/);
      assert.match(early.hint ?? '', /retry after \d{4}-/);

      // The holder's client goes away; GreenFern keeps working (its actions are its heartbeat).
      holder.conn.dispose();
      for (let minutes = 5; minutes <= 20; minutes += 5) {
        h.clock.offsetMs = minutes * MINUTE;
        await other.conn.sendRequest(LockCheckRequest, { agent: 'GreenFern', paths: ['x'] });
        await h.service().heartbeat('GreenFern');
      }
      const done = await other.conn.sendRequest(LockForceReleaseRequest, { agent: 'GreenFern', id, reason: 'blocked on it' });
      assert.equal(done.released.id, id);
      const audit = h.events('lock.force_released');
      assert.equal(audit.length, 1);
      assert.equal((audit[0]!.data as { by: string }).by, 'GreenFern');

      const inbox = await other.conn.sendRequest(MailInboxRequest, { agent: 'BlueLake' });
      assert.equal(inbox.entries.length, 1);
      const note = inbox.entries[0]!.message;
      assert.equal(note.from, 'GreenFern');
      assert.match(note.subject, /force-released/);
      assert.match(note.body, /blocked on it/);
      assert.match(note.body, /silent|last seen/);
      const now = await other.conn.sendRequest(LockReserveRequest, { agent: 'GreenFern', patterns: ['src/x.ts'] });
      assert.equal(now.granted.length, 1, 'the files are free');
    });
  });

  describe('checks, overrides and releases', () => {
    it('answers who holds which path (mine vs theirs, blocked or not) without writing anything', async () => {
      const a = await h.client('a');
      await register(a, 'BlueLake');
      await register(a, 'GreenFern');
      await a.conn.sendRequest(LockReserveRequest, { agent: 'BlueLake', patterns: ['src/**', '!src/gen/**'], reason: 'refactor' });
      await a.conn.sendRequest(LockReserveRequest, { agent: 'GreenFern', patterns: ['docs/*.md'], shared: true });
      const head = h.host.store.head;
      const r = await a.conn.sendRequest(LockCheckRequest, { agent: 'GreenFern', paths: ['src/a.ts', 'src/gen/x.ts', 'docs/a.md', './README.md'] });
      assert.deepEqual(
        r.paths.map((p) => [p.path, p.blocked, p.holders.map((x) => `${x.holder}${x.mine ? '*' : ''}`)]),
        [
          ['src/a.ts', true, ['BlueLake']],
          ['src/gen/x.ts', false, []],
          ['docs/a.md', false, ['GreenFern*']],
          ['README.md', false, []],
        ],
      );
      assert.equal(h.host.store.head, head);
    });

    it('records an override (the reservation stays) and mails the holder', async () => {
      const a = await h.client('a');
      await register(a, 'BlueLake');
      await a.conn.sendRequest(LockReserveRequest, { agent: 'BlueLake', patterns: ['src/a.ts'] });
      const r = await a.conn.sendRequest(LockOverrideRequest, { agent: 'you', path: 'src/a.ts', reason: 'hotfix' });
      assert.deepEqual(r.overridden.map((x) => x.holder), ['BlueLake']);
      assert.equal(h.events('lock.override').length, 1);
      const inbox = await a.conn.sendRequest(MailInboxRequest, { agent: 'BlueLake' });
      assert.match(inbox.entries[0]!.message.subject, /you is editing src\/a.ts/);
      assert.equal((await a.conn.sendRequest(LockListRequest, {})).reservations.length, 1);
    });

    it('releases some patterns or all, and refuses releasing what one does not hold', async () => {
      const a = await h.client('a');
      await register(a, 'BlueLake');
      await a.conn.sendRequest(LockReserveRequest, { agent: 'BlueLake', patterns: ['a/**', 'b/**', 'c/**'] });
      const one = await a.conn.sendRequest(LockReleaseRequest, { agent: 'BlueLake', patterns: ['./a/**'] });
      assert.deepEqual(one.released.map((r) => r.pattern), ['a/**']);
      const err = await refusal(a.conn.sendRequest(LockReleaseRequest, { agent: 'you', all: true }));
      assert.equal(err.code, 'not_found');
      const rest = await a.conn.sendRequest(LockReleaseRequest, { agent: 'BlueLake', all: true });
      assert.deepEqual(rest.released.map((r) => r.pattern).sort(), ['b/**', 'c/**']);
      assert.equal((await a.conn.sendRequest(LockListRequest, {})).reservations.length, 0);
    });

    it('refuses bad parameters with invalid_params and changes nothing', async () => {
      const a = await h.client('a');
      await register(a, 'BlueLake');
      const head = h.host.store.head;
      for (const params of [
        { agent: 'BlueLake', patterns: [] },
        { agent: 'BlueLake', patterns: ['/etc/passwd'] },
        { agent: 'BlueLake', patterns: ['../outside/**'] },
        { agent: 'BlueLake', patterns: ['!only-exclusions/**'] },
        { agent: 'Blue Lake', patterns: ['x'] },
        { agent: 'BlueLake', patterns: ['x'], ttlSeconds: 0 },
      ]) {
        const err = await refusal(a.conn.sendRequest(LockReserveRequest, params as never));
        assert.equal(err.code, 'invalid_params', `${JSON.stringify(params)} → ${err.message}`);
        assert.ok(err.hint, `a hint for ${JSON.stringify(params)}`);
      }
      const unknown = await refusal(a.conn.sendRequest(LockReserveRequest, { agent: 'Nobody', patterns: ['x'] }));
      assert.equal(unknown.code, 'not_found');
      assert.match(unknown.hint ?? '', /[Rr]egister/);
      assert.equal(h.host.store.head, head);
    });
  });
});
