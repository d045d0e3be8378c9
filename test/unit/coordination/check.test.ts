// Checking paths without reserving: the index agrees with testing every reservation, own and
// shared reservations never block, the commit guard refuses or records a bypass, and an
// override is audited and told to the holder.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { Reservation } from '../../../shared/coordination';
import { lockReserveParamsSchema } from '../../../shared/coordinationSchemas';
import { ApiaryError } from '../../../shared/errors';
import { checkPaths, decideGuard, decideOverride, describeGuardRefusal } from '../../../server/coordination/core/check';
import { ReservationIndex } from '../../../server/coordination/core/reservationIndex';
import { decideReserve, isLive, reservationSpec } from '../../../server/coordination/core/reservations';
import { auditTrail, inbox } from '../../../server/coordination/queries';
import { T0, Workspace } from './harness';

function reservation(id: string, pattern: string, extra: Partial<Reservation> = {}): Reservation {
  return {
    id,
    pattern,
    except: [],
    mode: 'exclusive',
    holder: 'BlueLake',
    reason: null,
    cell: null,
    createdAt: new Date(T0).toISOString(),
    expiresAt: new Date(T0 + 3_600_000).toISOString(),
    idempotencyKey: null,
    ...extra,
  };
}

async function workspace(): Promise<Workspace> {
  const ws = await Workspace.open();
  for (const name of ['BlueLake', 'QuietFalcon', 'you']) ws.register(name);
  return ws;
}

function reserve(ws: Workspace, agent: string, patterns: string[], extra: Record<string, unknown> = {}): void {
  const d = decideReserve(ws.state(), lockReserveParamsSchema.parse({ agent, patterns, ...extra }), {
    now: ws.now,
    lockMode: 'enforce',
    newId: ws.newId,
  });
  ws.commit(d.events, agent);
}

describe('coordination: checking paths', () => {
  describe('the reservation index', () => {
    const patterns = [
      'src/**', 'src/*.ts', 'src/lib/**/*.test.ts', 'docs/guide.md', 'docs/{a,b}.md', '**/*.json', '*', '.github/**',
      'pkg/*/src/**', '[a-c]*/x', 'src/lib/', 'lib/+(a|b).ts', 'src/**/gen/*', 'README.md', 'a/{b,c/d}/e',
    ];
    const paths = [
      'src', 'src/a.ts', 'src/lib/x.test.ts', 'src/lib/deep/y.test.ts', 'docs/guide.md', 'docs/b.md', 'package.json', 'a/b/c.json',
      'README.md', '.github/workflows/ci.yml', 'pkg/core/src/index.ts', 'abc/x', 'lib/a.ts', 'lib/c.ts', 'src/x/gen/y', 'a/c/d/e', 'a/b/e',
    ];

    it('finds exactly the live reservations a linear scan finds', () => {
      fc.assert(
        fc.property(
          fc.array(fc.record({ pattern: fc.constantFrom(...patterns), exceptGen: fc.boolean(), minutes: fc.integer({ min: -5, max: 60 }) }), {
            maxLength: 30,
          }),
          fc.constantFrom(...paths),
          (specs, path) => {
            const list = specs.map((s, i) =>
              reservation(`r${i}`, s.pattern, {
                except: s.exceptGen ? ['**/gen/**'] : [],
                expiresAt: new Date(T0 + s.minutes * 60_000).toISOString(),
              }),
            );
            const index = ReservationIndex.build(list);
            const expected = list.filter((r) => isLive(r, T0) && reservationSpec(r).test(path)).map((r) => r.id);
            assert.deepEqual(index.covering(path, T0).map((r) => r.id).sort(), expected.sort());
          },
        ),
        { numRuns: 500 },
      );
    });

    it('folds case when built for a case-insensitive file system', () => {
      const index = ReservationIndex.build([reservation('r1', 'Src/App.ts'), reservation('r2', 'Docs/**')], { nocase: true });
      assert.deepEqual(index.covering('src/app.ts', T0).map((r) => r.id), ['r1']);
      assert.deepEqual(index.covering('docs/x.md', T0).map((r) => r.id), ['r2']);
      assert.deepEqual(ReservationIndex.build([reservation('r1', 'Src/App.ts')]).covering('src/app.ts', T0), []);
    });
  });

  describe('checkPaths', () => {
    it('reports every holder, marks the asker’s own, and blocks only on others’ exclusive reservations', () => {
      const index = ReservationIndex.build([
        reservation('r1', 'src/**', { holder: 'BlueLake', reason: 'refactor' }),
        reservation('r2', 'docs/**', { holder: 'QuietFalcon', mode: 'shared' }),
        reservation('r3', 'test/**', { holder: 'you' }),
      ]);
      const result = checkPaths(index, ['./src/a.ts', 'docs/x.md', 'test/t.ts', 'README.md'], { agent: 'you', now: T0 });
      assert.deepEqual(
        result.paths.map((p) => [p.path, p.blocked, p.holders.map((h) => `${h.holder}${h.mine ? '*' : ''}`)]),
        [
          ['src/a.ts', true, ['BlueLake']],
          ['docs/x.md', false, ['QuietFalcon']],
          ['test/t.ts', false, ['you*']],
          ['README.md', false, []],
        ],
      );
      assert.equal(result.blocked, true);
      assert.equal(result.paths[0].holders[0].reason, 'refactor');
    });

    it('refuses absolute paths with invalid_params', () => {
      const index = ReservationIndex.build([]);
      assert.throws(
        () => checkPaths(index, ['/etc/hosts'], { now: T0 }),
        (err: unknown) => err instanceof ApiaryError && err.code === 'invalid_params',
      );
    });
  });

  describe('the commit guard', () => {
    it('refuses a commit touching another agent’s exclusive reservation, naming the holder', async () => {
      const ws = await workspace();
      reserve(ws, 'BlueLake', ['src/**'], { reason: 'parser rewrite', cell: 'hv-3' });
      const index = ReservationIndex.build(ws.reservations());
      const d = decideGuard(index, { agent: 'you', paths: ['src/a.ts', 'README.md'], bypass: false }, { now: ws.now });
      assert.equal(d.result.allowed, false);
      assert.deepEqual(d.events, []);
      assert.deepEqual(d.result.blocking.map((p) => p.path), ['src/a.ts']);
      const lines = describeGuardRefusal(d.result);
      assert.match(lines[0], /^src\/a\.ts: reserved by BlueLake \(src\/\*\*, until .*"parser rewrite", cell hv-3\)$/);
    });

    it('lets the holder itself commit', async () => {
      const ws = await workspace();
      reserve(ws, 'BlueLake', ['src/**']);
      const d = decideGuard(ReservationIndex.build(ws.reservations()), { agent: 'BlueLake', paths: ['src/a.ts'], bypass: false }, { now: ws.now });
      assert.equal(d.result.allowed, true);
    });

    it('allows a bypass and records it, with the conflicts, in the audit trail', async () => {
      const ws = await workspace();
      reserve(ws, 'BlueLake', ['src/**']);
      const d = decideGuard(ReservationIndex.build(ws.reservations()), { agent: 'you', paths: ['src/a.ts'], bypass: true }, { now: ws.now });
      assert.deepEqual([d.result.allowed, d.result.bypassed], [true, true]);
      ws.commit(d.events, 'you');
      const [entry] = auditTrail(ws.db);
      assert.equal(entry.type, 'lock.guard_bypassed');
      assert.equal(entry.actor, 'you');
      assert.deepEqual((entry.data as { paths: string[] }).paths, ['src/a.ts']);
    });

    it('records nothing when a bypass was not needed', async () => {
      const ws = await workspace();
      const d = decideGuard(ReservationIndex.build(ws.reservations()), { agent: 'you', paths: ['src/a.ts'], bypass: true }, { now: ws.now });
      assert.deepEqual([d.result.allowed, d.result.bypassed, d.events.length], [true, false, 0]);
    });
  });

  describe('overriding', () => {
    it('records an audited override and tells each holder, leaving the reservation in place', async () => {
      const ws = await workspace();
      reserve(ws, 'BlueLake', ['src/**']);
      const d = decideOverride(ReservationIndex.build(ws.reservations()), { agent: 'you', path: 'src/a.ts', reason: 'hotfix' }, { now: ws.now, newId: ws.newId });
      ws.commit(d.events, 'you');
      assert.deepEqual(d.result.overridden.map((r) => r.holder), ['BlueLake']);
      assert.equal(auditTrail(ws.db)[0].type, 'lock.override');
      const mail = inbox(ws.db, 'BlueLake').entries[0].message;
      assert.match(mail.subject, /you is editing src\/a\.ts/);
      assert.match(mail.body, /hotfix/);
      assert.equal(ws.reservations().length, 1);
    });

    it('is refused when no other agent holds the path exclusively', async () => {
      const ws = await workspace();
      reserve(ws, 'BlueLake', ['docs/**'], { shared: true });
      assert.throws(
        () => decideOverride(ReservationIndex.build(ws.reservations()), { agent: 'you', path: 'docs/a.md' }, { now: ws.now, newId: ws.newId }),
        (err: unknown) => err instanceof ApiaryError && err.code === 'not_found',
      );
    });
  });
});
