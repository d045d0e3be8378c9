import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { CoordinationEventData } from '../../../shared/coordination';
import { EventAgentDirectory } from '../../../server/mcp/identity/eventDirectory';
import { generateName } from '../../../server/mcp/identity/names';
import { Store } from '../../../server/store/store';

describe("the host's own agent directory (events in the agents stream)", () => {
  let dir: string;
  let store: Store;
  let clock: number;
  const now = (): number => clock;
  const open = (): Promise<Store> => Store.open({ dir, projections: [], snapshotEvery: 1_000_000, snapshotAfterMs: 0 });
  const agentEvents = () => store.events.read({ stream: 'agents' });

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'apiary-agents-'));
    store = await open();
    clock = Date.parse('2026-01-01T00:00:00Z');
  });
  afterEach(() => {
    store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('records a registration as the agent.registered event coordination folds', async () => {
    const d = new EventAgentDirectory(store, now);
    const r = await d.register({ kind: 'mcp-client', clientKey: 'k1', program: 'cursor', model: 'm' });
    assert.equal(r.reconnected, false);
    assert.equal(r.agent.program, 'cursor');
    const [e] = agentEvents();
    assert.equal(e!.type, 'agent.registered');
    assert.equal(e!.actor, r.agent.name);
    const data: CoordinationEventData['agent.registered'] = { name: r.agent.name, kind: 'mcp-client', program: 'cursor', model: 'm', clientKey: 'k1', at: '2026-01-01T00:00:00.000Z', reconnected: false };
    assert.deepEqual(e!.data, data);
    d.dispose();
  });

  it('gives a client key its name back, also after the host restarts', async () => {
    const d = new EventAgentDirectory(store, now);
    const first = await d.register({ kind: 'mcp-client', clientKey: 'k1' });
    const other = await d.register({ kind: 'mcp-client', clientKey: 'k2' });
    assert.notEqual(first.agent.name, other.agent.name);
    d.dispose();
    store.close();
    store = await open();
    const again = await new EventAgentDirectory(store, now).register({ kind: 'mcp-client', clientKey: 'k1' });
    assert.equal(again.agent.name, first.agent.name);
    assert.equal(again.reconnected, true);
  });

  it('never generates a name already taken, even by a name chosen explicitly', async () => {
    const d = new EventAgentDirectory(store, now);
    const first = generateName('k', () => false);
    await d.register({ kind: 'mcp-client', clientKey: 'x', name: first });
    const r = await d.register({ kind: 'mcp-client', clientKey: 'k' });
    assert.notEqual(r.agent.name, first);
    assert.equal(r.agent.name, generateName('k', (n) => n === first), "the key's next candidate");
  });

  it('refuses a name a live agent holds, and hands it over once that agent has gone silent', async () => {
    const d = new EventAgentDirectory(store, now, { liveForMs: 60_000 });
    await d.register({ kind: 'mcp-client', clientKey: 'a', name: 'BlueLake', program: 'claude-code' });
    const head = store.head;
    await assert.rejects(d.register({ kind: 'mcp-client', clientKey: 'b', name: 'bluelake' }), (e: Error & { code?: string; details?: Record<string, unknown> }) => {
      assert.equal(e.code, 'conflict');
      assert.equal(e.details?.program, 'claude-code');
      return true;
    });
    assert.equal(store.head, head, 'a refusal writes nothing');
    clock += 61_000;
    const taken = await d.register({ kind: 'mcp-client', clientKey: 'b', name: 'BlueLake' });
    assert.equal(taken.agent.name, 'BlueLake');
    assert.equal(taken.reconnected, false);
  });

  it('refuses an invalid name with a hint', async () => {
    const d = new EventAgentDirectory(store, now);
    await assert.rejects(d.register({ kind: 'mcp-client', clientKey: 'a', name: 'has space' }), /invalid agent name/);
    assert.equal(store.head, 0);
  });

  it('records at most one heartbeat per interval, while every call keeps the agent live', async () => {
    const d = new EventAgentDirectory(store, now, { heartbeatEveryMs: 30_000, liveForMs: 45_000 });
    const { agent } = await d.register({ kind: 'mcp-client', clientKey: 'a', name: 'Busy' });
    for (let i = 0; i < 5; i++) {
      clock += 10_000;
      await d.heartbeat(agent.name);
    }
    const beats = agentEvents().filter((e) => e.type === 'agent.heartbeat');
    assert.deepEqual(
      beats.map((e) => (e.data as { at: string }).at),
      ['2026-01-01T00:00:30.000Z'],
    );
    assert.equal(d.list()[0]!.lastSeen, '2026-01-01T00:00:50.000Z');
    // 50 s after registering but 0 s after the last call: still live, so the name is held.
    await assert.rejects(d.register({ kind: 'mcp-client', clientKey: 'b', name: 'Busy' }), /belongs to another agent/);
  });

  it('follows registrations others commit to the agents stream', async () => {
    const d = new EventAgentDirectory(store, now);
    await d.register({ kind: 'mcp-client', clientKey: 'a' });
    const data: CoordinationEventData['agent.registered'] = { name: 'Window1', kind: 'vscode-window', program: 'vscode', model: null, clientKey: 'w', at: new Date(clock).toISOString(), reconnected: false };
    await store.events.append('agents', [{ type: 'agent.registered', data }], 'any', { actor: 'Window1' });
    assert.ok(d.list().some((a) => a.name === 'Window1' && a.kind === 'vscode-window'));
    await assert.rejects(d.register({ kind: 'mcp-client', clientKey: 'b', name: 'Window1' }), /belongs to another agent/);
  });
});
