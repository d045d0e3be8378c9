// Agent identity and liveness: readable generated names, stable across reconnects, collisions
// resolved, heartbeats recorded sparingly, silence turning into inactivity.
import assert from 'node:assert/strict';
import { agentRegisterParamsSchema } from '../../../shared/coordinationSchemas';
import { ApiaryError } from '../../../shared/errors';
import { decideHeartbeat, decideRegister, sweepAgents } from '../../../server/coordination/core/agents';
import { generateAgentName } from '../../../server/coordination/core/names';
import { getAgent, listAgents } from '../../../server/coordination/queries';
import { MINUTE, Workspace } from './harness';

const NAME = /^[A-Z][a-z]+[A-Z][a-z]+\d*$/;

function register(ws: Workspace, params: Record<string, unknown>) {
  const d = decideRegister(ws.agents(), agentRegisterParamsSchema.parse(params), { now: ws.now, policy: ws.policy });
  ws.commit(d.events);
  return d.result;
}

describe('coordination: agents', () => {
  describe('generated names', () => {
    it('are an adjective and a noun, like BlueLake', () => {
      for (const key of ['window-1', 'window-2', 'claude-code@host', 'swarm-worker-17']) {
        assert.match(generateAgentName(key, []), NAME);
      }
    });

    it('are deterministic: the same key gives the same name', () => {
      assert.equal(generateAgentName('window-1', []), generateAgentName('window-1', []));
      const names = new Set(Array.from({ length: 50 }, (_, i) => generateAgentName(`client-${i}`, [])));
      assert.ok(names.size > 40, 'different keys spread over many names');
    });

    it('avoid names already taken, case-insensitively, still deterministically', () => {
      const first = generateAgentName('window-1', []);
      const second = generateAgentName('window-1', [first.toLowerCase()]);
      assert.notEqual(second.toLowerCase(), first.toLowerCase());
      assert.match(second, NAME);
      assert.equal(generateAgentName('window-1', [first]), second);
    });

    it('fall back to a numeric suffix once every combination is taken', () => {
      const taken: string[] = [];
      for (let i = 0; taken.length < 48 * 48; i++) {
        const name = generateAgentName(`k${i}`, taken);
        taken.push(name);
      }
      const extra = generateAgentName('one-more', taken);
      assert.match(extra, /^[A-Z][a-z]+[A-Z][a-z]+2$/);
      assert.ok(!taken.includes(extra));
    });
  });

  describe('registration', () => {
    it('gives a reconnecting client its name back', async () => {
      const ws = await Workspace.open();
      const first = register(ws, { clientKey: 'window-1', kind: 'vscode-window' });
      register(ws, { clientKey: 'window-2', kind: 'vscode-window' });
      ws.advance(30 * MINUTE);
      const again = register(ws, { clientKey: 'window-1', kind: 'vscode-window' });
      assert.equal(again.agent.name, first.agent.name);
      assert.equal(again.reconnected, true);
      assert.equal(again.agent.registeredAt, first.agent.registeredAt);
      assert.equal(listAgents(ws.db, ws.now).length, 2);
    });

    it('records kind, program and model', async () => {
      const ws = await Workspace.open();
      const r = register(ws, { name: 'Builder', kind: 'swarm-worker', program: 'apiary-swarm', model: 'claude-sonnet' });
      const stored = getAgent(ws.db, 'builder', ws.now);
      assert.deepEqual(
        { name: stored?.name, kind: stored?.kind, program: stored?.program, model: stored?.model, active: stored?.active },
        { name: 'Builder', kind: 'swarm-worker', program: 'apiary-swarm', model: 'claude-sonnet', active: true },
      );
      assert.equal(r.agent.name, 'Builder');
    });

    it('refuses a name held by another active client, and allows it once that one is gone', async () => {
      const ws = await Workspace.open();
      register(ws, { name: 'Builder', clientKey: 'a', kind: 'mcp-client' });
      assert.throws(
        () => register(ws, { name: 'builder', clientKey: 'b', kind: 'mcp-client' }),
        (err: unknown) => err instanceof ApiaryError && err.code === 'conflict' && err.hint !== undefined,
      );
      ws.advance(ws.policy.inactiveAfterMs + 1);
      assert.equal(register(ws, { name: 'builder', clientKey: 'b', kind: 'mcp-client' }).agent.name, 'Builder');
    });

    it('needs a name or a client key', () => {
      assert.equal(agentRegisterParamsSchema.safeParse({ kind: 'human' }).success, false);
    });
  });

  describe('liveness', () => {
    it('keeps an agent active while it heartbeats, and marks it inactive after the threshold', async () => {
      const ws = await Workspace.open();
      ws.register('BlueLake');
      ws.advance(4 * MINUTE);
      ws.commit(decideHeartbeat(ws.agents(), 'BlueLake', { now: ws.now, policy: ws.policy }).events);
      ws.advance(4 * MINUTE);
      assert.equal(getAgent(ws.db, 'BlueLake', ws.now)?.active, true);
      ws.advance(2 * MINUTE);
      assert.equal(getAgent(ws.db, 'BlueLake', ws.now)?.active, false);
      assert.deepEqual(listAgents(ws.db, ws.now, { includeInactive: false }), []);
    });

    it('records a heartbeat only when the last recorded one is older than the interval', async () => {
      const ws = await Workspace.open();
      ws.register('BlueLake');
      ws.advance(10_000);
      const soon = decideHeartbeat(ws.agents(), 'BlueLake', { now: ws.now, policy: ws.policy });
      assert.deepEqual(soon.events, []);
      assert.equal(soon.result.agent.active, true);
      ws.advance(ws.policy.heartbeatRecordMs);
      const later = decideHeartbeat(ws.agents(), 'BlueLake', { now: ws.now, policy: ws.policy });
      assert.deepEqual(later.events.map((e) => e.type), ['agent.heartbeat']);
    });

    it('sweeps silent agents into agent.inactive once, and a heartbeat brings them back', async () => {
      const ws = await Workspace.open();
      ws.register('BlueLake');
      ws.register('QuietFalcon');
      ws.advance(3 * MINUTE);
      ws.commit(decideHeartbeat(ws.agents(), 'QuietFalcon', { now: ws.now, policy: ws.policy }).events);
      ws.advance(3 * MINUTE);
      const sweep = sweepAgents(ws.agents(), { now: ws.now, policy: ws.policy });
      assert.deepEqual(sweep.map((e) => (e.data as { name: string }).name), ['BlueLake']);
      ws.commit(sweep);
      assert.deepEqual(sweepAgents(ws.agents(), { now: ws.now, policy: ws.policy }), []);
      const back = decideHeartbeat(ws.agents(), 'BlueLake', { now: ws.now, policy: ws.policy });
      assert.equal(back.events.length, 1, 'an inactive agent’s heartbeat is always recorded');
      ws.commit(back.events);
      assert.equal(getAgent(ws.db, 'BlueLake', ws.now)?.active, true);
    });

    it('refuses a heartbeat from an unknown agent', async () => {
      const ws = await Workspace.open();
      assert.throws(
        () => decideHeartbeat(ws.agents(), 'Ghost', { now: ws.now, policy: ws.policy }),
        (err: unknown) => err instanceof ApiaryError && err.code === 'not_found',
      );
    });
  });
});
