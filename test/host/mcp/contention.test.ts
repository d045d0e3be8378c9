// Contention over MCP: eight real SDK clients, each its own session and agent, race for the
// same files (exclusive lock_reserve) and the same ready cells (hive_claim) round after round.
// Exactly one wins each race; every loser's structured error names the winner.
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { call, connect, startHost, type TestHost } from './helpers';

const CLIENTS = 8;
const ROUNDS = 5;

interface Racer {
  client: Client;
  agent: string;
}

interface ErrorBody {
  error: { code: string; message: string; hint?: string; details?: Record<string, unknown> };
}

describe('MCP contention: eight clients at once', function () {
  this.timeout(60_000);
  let h: TestHost;
  let racers: Racer[];

  before(async () => {
    h = await startHost();
    racers = await Promise.all(
      Array.from({ length: CLIENTS }, async (_, i) => {
        const client = await connect(h.url, h.token(), `racer-${i}`);
        const who = await call(client, 'agent_whoami');
        return { client, agent: (who.body.agent as { name: string }).name };
      }),
    );
    assert.equal(new Set(racers.map((r) => r.agent)).size, CLIENTS, 'eight sessions are eight agents');
  });
  after(async () => {
    await Promise.allSettled(racers.map((r) => r.client.close()));
    await h.stop();
  });

  it('grants each exclusive reservation to exactly one client per round; the others are refused naming the holder', async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const file = `src/round${round}/shared.ts`;
      // Overlapping patterns, not only the same string: the file itself, its folder, a glob over it.
      const patterns = [file, `src/round${round}/**`, `src/round${round}/*.ts`];
      const results = await Promise.all(racers.map((r, i) => call(r.client, 'lock_reserve', { patterns: [patterns[i % patterns.length]!], reason: `round ${round}` })));
      const winners = results.flatMap((res, i) => (res.isError ? [] : [racers[i]!.agent]));
      assert.equal(winners.length, 1, `round ${round}: exactly one winner, got ${JSON.stringify(winners)}`);
      const winner = winners[0]!;
      for (const [i, res] of results.entries()) {
        if (!res.isError) continue;
        const { error } = res.body as unknown as ErrorBody;
        assert.equal(error.code, 'conflict', `loser ${racers[i]!.agent}: ${error.message}`);
        assert.ok(error.message.includes(winner), `the refusal names the holder ${winner}: ${error.message}`);
        const conflicts = (error.details?.conflicts ?? []) as Array<{ holder: string }>;
        assert.deepEqual([...new Set(conflicts.map((c) => c.holder))], [winner], 'the details name the holder alone');
        assert.ok(error.hint, 'a hint says what to do instead');
      }
      const check = await call(racers[0]!.client, 'lock_check', { paths: [file] });
      const holders = (check.body.paths as Array<{ holders: Array<{ holder: string }> }>).flatMap((p) => p.holders.map((x) => x.holder));
      assert.deepEqual(holders, [winner], 'lock_check agrees: one holder');
    }
    const listed = await call(racers[0]!.client, 'lock_check', { paths: Array.from({ length: ROUNDS }, (_, r) => `src/round${r}/shared.ts`) });
    const perFile = (listed.body.paths as Array<{ holders: unknown[] }>).map((p) => p.holders.length);
    assert.deepEqual(perFile, Array<number>(ROUNDS).fill(1), 'after every round, each file has one holder');
  });

  it('gives each ready cell to exactly one claimant per round; the others are refused naming the holder', async () => {
    const maker = racers[0]!.client;
    for (let round = 0; round < ROUNDS; round++) {
      const created = await call(maker, 'hive_create_epic', {
        title: `Contention round ${round}`,
        subtasks: [{ title: `first task ${round}` }, { title: `second task ${round}` }],
      });
      assert.equal(created.isError, false, JSON.stringify(created.body));
      const cells = (created.body.subtasks as Array<{ id: string }>).map((s) => s.id);
      // Every client races for every cell of the round at once: 8 × 2 claims in flight.
      const attempts = racers.flatMap((r) => cells.map((id) => ({ r, id })));
      const results = await Promise.all(attempts.map(({ r, id }) => call(r.client, 'hive_claim', { id })));
      for (const id of cells) {
        const mine = attempts.map((a, i) => ({ ...a, res: results[i]! })).filter((a) => a.id === id);
        const winners = mine.filter((a) => !a.res.isError);
        assert.equal(winners.length, 1, `round ${round}, ${id}: exactly one claimant wins, got ${winners.length}`);
        const winner = winners[0]!.r.agent;
        assert.equal((winners[0]!.res.body.cell as { assignee?: string; status: string }).status, 'in_progress');
        for (const loser of mine.filter((a) => a.res.isError)) {
          const { error } = loser.res.body as unknown as ErrorBody;
          assert.equal(error.code, 'conflict', error.message);
          assert.ok(error.message.includes(winner), `the refusal names the holder ${winner}: ${error.message}`);
          assert.equal(error.details?.holder, winner);
        }
        const shown = await call(maker, 'hive_show', { id });
        assert.equal(JSON.stringify(shown.body).includes(winner), true, 'the cell shows its one holder');
      }
      const ready = await call(maker, 'hive_ready', { limit: 100 });
      const readyIds = (ready.body.cells as Array<{ id: string }>).map((c) => c.id);
      for (const id of cells) assert.equal(readyIds.includes(id), false, `${id} left the ready queue`);
    }
  });
});
