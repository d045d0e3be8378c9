// What the window shows about reservations, from the host's answers: badges and tooltips (whose
// claim wins), hover text with its command links, the tree grouped by agent with countdowns.
import assert from 'node:assert/strict';
import type { PathCheck, Reservation } from '../../../../shared/coordination';
import {
  countdown,
  decorationFor,
  groupByHolder,
  hoverMarkdown,
  holdingFacts,
  initials,
  reservationDescription,
} from '../../../../extension/reservations/view';

const NOW = Date.parse('2026-03-02T09:00:00.000Z');
const inMinutes = (m: number): string => new Date(NOW + m * 60_000).toISOString();

function holding(over: Partial<PathCheck['holders'][number]>): PathCheck['holders'][number] {
  return {
    reservationId: 'r1',
    holder: 'BlueLake',
    pattern: 'src/**',
    except: [],
    mode: 'exclusive',
    expiresAt: inMinutes(42),
    reason: 'refactor',
    cell: 'hv-12',
    requested: 'src/a.ts',
    witness: 'src/a.ts',
    exact: true,
    mine: false,
    ...over,
  };
}

function reservation(over: Partial<Reservation>): Reservation {
  return {
    id: 'r1',
    pattern: 'src/**',
    except: [],
    mode: 'exclusive',
    holder: 'BlueLake',
    reason: null,
    cell: null,
    createdAt: inMinutes(-5),
    expiresAt: inMinutes(42),
    idempotencyKey: null,
    ...over,
  };
}

const commands = { requestRelease: 'x.request', override: 'x.override', openCell: 'x.cell' };

describe('reservation views', () => {
  it('abbreviates holders to at most two letters', () => {
    assert.deepEqual(['BlueLake', 'swarm-7', 'you', 'QuietOwl2', 'worker_a'].map(initials), ['BL', 'S7', 'Y', 'QO', 'WA']);
  });

  it('states a reservation\'s facts without its holder, for messages that name the holder already', () => {
    assert.match(holdingFacts(holding({}), NOW), /^exclusive · cell hv-12 · "refactor" · 42 min left \(until \d\d:\d\d\)$/);
    assert.match(holdingFacts(holding({ mode: 'shared', cell: null, reason: null }), NOW), /^shared · 42 min left/);
  });

  it('counts down in seconds, minutes, then hours, and says when it is over', () => {
    assert.deepEqual([0.5, 42, 150, -1].map((m) => countdown(inMinutes(m), NOW)), ['30 s left', '42 min left', '3 h left', 'expired']);
  });

  describe('explorer decorations', () => {
    it('marks a file another agent holds exclusively with its initials and names holder, reason, cell and expiry', () => {
      const view = decorationFor({ path: 'src/a.ts', holders: [holding({})], blocked: true }, NOW);
      assert.equal(view?.kind, 'other');
      assert.equal(view?.badge, 'BL');
      assert.match(view!.tooltip, /^Reserved by BlueLake\nsrc\/\*\*: BlueLake · exclusive · cell hv-12 · "refactor" · 42 min left \(until \d\d:\d\d\)$/);
    });

    it('lets another agent\'s exclusive claim win over mine, and mine over others\' shared ones', () => {
      const mine = holding({ reservationId: 'r2', holder: 'you', mine: true });
      const shared = holding({ reservationId: 'r3', holder: 'GreenFern', mode: 'shared' });
      assert.equal(decorationFor({ path: 'a', holders: [mine, holding({})], blocked: true }, NOW)?.kind, 'other');
      const m = decorationFor({ path: 'a', holders: [shared, mine], blocked: false }, NOW);
      assert.deepEqual([m?.kind, m?.badge], ['mine', '✓']);
      const s = decorationFor({ path: 'a', holders: [shared], blocked: false }, NOW);
      assert.deepEqual([s?.kind, s?.badge], ['shared', 'GF']);
      assert.match(s!.tooltip, /^Shared \(read\) by GreenFern/);
    });

    it('shows nothing for a free path or one whose reservations have run out', () => {
      assert.equal(decorationFor({ path: 'a', holders: [], blocked: false }, NOW), undefined);
      assert.equal(decorationFor({ path: 'a', holders: [holding({ expiresAt: inMinutes(-1) })], blocked: true }, NOW), undefined);
    });
  });

  describe('the first-line hover', () => {
    it('states the facts and links Request release, Override and Open cell with their arguments', () => {
      const md = hoverMarkdown({ path: 'src/a.ts', holders: [holding({})], blocked: true }, NOW, commands)!;
      assert.match(md, /\*\*BlueLake\*\* holds it exclusively — “refactor”/);
      assert.match(md, /`src\/\*\*` · cell `hv-12` · 42 min left/);
      const links = [...md.matchAll(/\[([^\]]+)\]\(command:([^?]+)\?([^)]+)\)/g)].map((m) => [m[1], m[2], JSON.parse(decodeURIComponent(m[3]!))]);
      assert.deepEqual(links, [
        ['Request release', 'x.request', [{ holder: 'BlueLake', pattern: 'src/**', path: 'src/a.ts' }]],
        ['Override', 'x.override', [{ path: 'src/a.ts' }]],
        ['Open cell', 'x.cell', ['hv-12']],
      ]);
    });

    it('offers no release or override on my own reservation', () => {
      const md = hoverMarkdown({ path: 'a', holders: [holding({ holder: 'you', mine: true, cell: null })], blocked: false }, NOW, commands)!;
      assert.match(md, /\*\*You\*\* \(you\) hold it exclusively/);
      assert.doesNotMatch(md, /command:/);
    });
  });

  describe('the Reservations tree', () => {
    it('groups live reservations by holder, mine first, then by name', () => {
      const groups = groupByHolder(
        [
          reservation({ id: 'a', holder: 'QuietOwl' }),
          reservation({ id: 'b', holder: 'you' }),
          reservation({ id: 'c', holder: 'BlueLake' }),
          reservation({ id: 'd', holder: 'QuietOwl', pattern: 'docs/**' }),
          reservation({ id: 'e', holder: 'Gone', expiresAt: inMinutes(-1) }),
        ],
        'you',
        NOW,
      );
      assert.deepEqual(groups.map((g) => [g.holder, g.mine, g.reservations.map((r) => r.id)]), [
        ['you', true, ['b']],
        ['BlueLake', false, ['c']],
        ['QuietOwl', false, ['a', 'd']],
      ]);
    });

    it('describes a row by countdown and cell, naming the mode only when shared', () => {
      assert.equal(reservationDescription(reservation({ cell: 'hv-3' }), NOW), '42 min left · hv-3');
      assert.equal(reservationDescription(reservation({ mode: 'shared' }), NOW), 'shared · 42 min left');
    });
  });
});
