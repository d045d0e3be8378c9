// Crash test: a real host process takes many concurrent appends from several clients and is
// SIGKILLed at a random moment; after a restart every acknowledged event must be there, in order,
// once, intact — and an append that was in flight is either wholly there or not at all.
import assert from 'node:assert/strict';
import { randomInt } from 'node:crypto';
import type { MessageConnection } from 'vscode-jsonrpc';
import type { EventEnvelope, ExpectedVersion } from '../../shared/events';
import { AppendEventsRequest, VerifyEventsRequest, type AppendResult } from '../../shared/protocol';
import { cleanUp, connect, ensureCliBuilt, jsonOf, readAllEvents, runCli, startServe, stopHost, tempWorkspace, type ServedHost } from '../support/host';

interface Sent {
  stream: string;
  events: Array<{ id: string; type: string; data: unknown }>;
  result?: AppendResult;
  /** Refused by the host with a structured error (not lost to the crash). */
  refused?: string;
}

const CLIENTS = 4;
const IN_FLIGHT = 6;

/** One client: keeps several appends in flight until its connection dies with the host. */
async function hammer(conn: MessageConnection, round: number, client: number, sent: Sent[]): Promise<void> {
  let n = 0;
  let ownVersion = 0;
  let ownBusy = false;
  const one = async (): Promise<void> => {
    for (;;) {
      const k = n++;
      const kind = k % 3;
      let stream: string;
      let count: number;
      let expected: ExpectedVersion = 'any';
      if (kind === 0 && !ownBusy) {
        // The client's own stream, with exact expected versions: one append at a time.
        stream = `r${round}-own-${client}`;
        count = 1;
        expected = ownVersion === 0 ? 'no-stream' : ownVersion;
        ownBusy = true;
      } else if (kind === 1) {
        stream = 'shared';
        count = 1;
      } else {
        stream = `batch-${client % 2}`;
        count = 2 + (k % 2);
      }
      const s: Sent = {
        stream,
        events: Array.from({ length: count }, (_, j) => {
          const id = `r${round}-c${client}-${k}-${j}`;
          return { id, type: 'crash.test', data: { round, client, k, j, pad: 'z'.repeat(randomInt(0, 300)) } };
        }),
      };
      sent.push(s);
      try {
        s.result = await conn.sendRequest(AppendEventsRequest, { stream, events: s.events, expectedVersion: expected });
        if (stream.includes('-own-')) ownVersion = s.result.version;
      } catch (err) {
        const data = (err as { data?: { code?: string } }).data;
        if (data?.code) s.refused = data.code;
        else return; // the connection went down with the host
      } finally {
        if (stream.includes('-own-')) ownBusy = false;
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, one));
}

function checkAfterRestart(events: EventEnvelope[], before: EventEnvelope[], rounds: Sent[][]): { acked: number; inflightPresent: number; inflightAbsent: number } {
  // The log only grew: everything read after the previous restart is still there, unchanged.
  assert.deepEqual(events.slice(0, before.length), before, 'earlier events changed or vanished');
  assert.deepEqual(
    events.map((e) => e.position),
    events.map((_, i) => i + 1),
    'positions are gap-free and in order',
  );
  const byId = new Map(events.map((e) => [e.id, e]));
  assert.equal(byId.size, events.length, 'no event id appears twice');
  const versions = new Map<string, number>();
  for (const e of events) {
    const v = (versions.get(e.stream) ?? 0) + 1;
    assert.equal(e.version, v, `stream ${e.stream} is numbered 1..n (position ${e.position})`);
    versions.set(e.stream, v);
  }
  const known = new Set<string>();
  const stats = { acked: 0, inflightPresent: 0, inflightAbsent: 0 };
  for (const sent of rounds.flat()) {
    for (const e of sent.events) known.add(e.id);
    const present = sent.events.map((e) => byId.get(e.id));
    if (sent.refused) {
      assert.ok(present.every((p) => p === undefined), `refused append ${sent.events[0]!.id} was written`);
      continue;
    }
    if (sent.result) stats.acked++;
    const found = present.filter((p) => p !== undefined).length;
    if (sent.result) assert.equal(found, sent.events.length, `acknowledged append ${sent.events[0]!.id} is missing events`);
    else if (found === 0) {
      stats.inflightAbsent++;
      continue;
    } else stats.inflightPresent++;
    assert.equal(found, sent.events.length, `in-flight append ${sent.events[0]!.id} is there only in part`);
    sent.events.forEach((e, j) => {
      const got = present[j]!;
      assert.deepEqual([got.stream, got.type, got.data], [sent.stream, e.type, e.data], `event ${e.id} reads back as sent`);
      assert.equal(got.position, present[0]!.position + j, `append ${e.id} is contiguous`);
      if (sent.result) assert.equal(got.position, sent.result.positions[j], `event ${e.id} is where its acknowledgement said`);
    });
  }
  // Besides what the host writes on its own behalf, the log holds only what the clients sent.
  for (const e of events) if (e.type === 'crash.test') assert.ok(known.has(e.id), `event ${e.id} was never sent`);
  return stats;
}

describe('crash test: SIGKILL during concurrent appends', function () {
  this.timeout(120_000);
  const ROUNDS = 5;
  let workspace: string;
  let host: ServedHost;
  const rounds: Sent[][] = [];
  let seen: EventEnvelope[] = [];

  before(async () => {
    ensureCliBuilt();
    workspace = tempWorkspace();
    host = await startServe(workspace);
  });
  after(async () => {
    if (host) await stopHost(host, 'SIGKILL');
    await cleanUp();
  });

  for (let round = 1; round <= ROUNDS; round++) {
    it(`round ${round}: every acknowledged append survives a SIGKILL at a random moment, whole, in order and once`, async () => {
      const clients = await Promise.all(Array.from({ length: CLIENTS }, (_, c) => connect(host.info.socket, `writer-${c}`)));
      const sent: Sent[] = [];
      rounds.push(sent);
      const killAfter = randomInt(150, 700);
      const victim = host;
      const killer = setTimeout(() => victim.child.kill('SIGKILL'), killAfter);
      await Promise.all(clients.map((c, i) => hammer(c.conn, round, i, sent)));
      clearTimeout(killer);
      const ended = await victim.exited;
      assert.equal(ended.signal, 'SIGKILL');
      for (const c of clients) c.conn.dispose();

      host = await startServe(workspace);
      const reader = await connect(host.info.socket, 'checker');
      try {
        const events = await readAllEvents(reader.conn);
        const stats = checkAfterRestart(events, seen, rounds);
        assert.ok(stats.acked > 0, `no append was acknowledged within ${killAfter} ms`);
        const report = await reader.conn.sendRequest(VerifyEventsRequest);
        assert.equal(report.ok, true, JSON.stringify(report.problem));
        assert.equal(report.events, events.length);
        seen = events;
      } finally {
        reader.conn.dispose();
      }
    });
  }

  it('leaves a log that the CLI verifies and that the restarted host serves on from', async () => {
    const verify = await runCli(['events', 'verify', '--workspace', workspace, '--json']);
    assert.equal(verify.code, 0, verify.stderr);
    assert.equal(jsonOf<{ ok: boolean; events: number }>(verify).ok, true);
    assert.equal(jsonOf<{ events: number }>(verify).events, seen.length);
    const append = await runCli(['events', 'append', '--workspace', workspace, '--stream', 'after-crashes', '--type', 'crash.done', '--data', '{"ok":true}', '--json']);
    assert.equal(append.code, 0, append.stderr);
    const [position] = jsonOf<AppendResult>(append).positions;
    assert.ok(position! > seen.length);
    const reader = await connect(host.info.socket, 'checker');
    try {
      const events = await readAllEvents(reader.conn);
      assert.deepEqual(events.slice(0, seen.length), seen);
      assert.deepEqual([events[position! - 1]!.stream, events[position! - 1]!.data], ['after-crashes', { ok: true }]);
    } finally {
      reader.conn.dispose();
    }
  });
});
