// The MCP server's side of the agentDirectory port, against a host that runs no coordination
// feature: a directory provided here records what the MCP server asks of it.
import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ApiaryError } from '../../../shared/errors';
import type { Agent } from '../../../shared/coordination';
import type { Feature } from '../../../server/host/feature';
import type { AgentDirectory, AgentRegistration } from '../../../server/mcp/identity/directory';
import { HEARTBEAT_EVERY_MS } from '../../../server/mcp/session';
import { call, connect, startHost, type TestHost } from './helpers';
import { testFeature } from './testFeature';

/** A registry kept in memory: names `Agent1`, `Agent2`… per client key; a taken name is refused. */
function providing(calls: { register: AgentRegistration[]; heartbeat: string[] }): Feature {
  return {
    name: 'directory-provider',
    start(ctx) {
      const byName = new Map<string, Agent & { key: string }>();
      const directory: AgentDirectory = {
        async register(req) {
          calls.register.push(req);
          const mine = [...byName.values()].find((a) => a.key === req.clientKey && req.name === undefined);
          const name = req.name ?? mine?.name ?? `Agent${byName.size + 1}`;
          const holder = byName.get(name);
          if (holder && holder.key !== req.clientKey) throw new ApiaryError('conflict', `${name} is taken`, 'Pick another name.', { holder: name });
          const at = new Date(ctx.now()).toISOString();
          const agent: Agent = { name, kind: req.kind, program: req.program ?? null, model: req.model ?? null, registeredAt: at, lastSeen: at, active: true };
          byName.set(name, { ...agent, key: req.clientKey });
          return { agent, reconnected: mine !== undefined };
        },
        async heartbeat(name) {
          calls.heartbeat.push(name);
        },
      };
      ctx.services.provide('agentDirectory', directory);
    },
  };
}

describe('the agent directory port', () => {
  describe('with a registry provided', () => {
    let h: TestHost;
    let c: Client;
    const calls = { register: [] as AgentRegistration[], heartbeat: [] as string[] };

    before(async () => {
      h = await startHost({ minimal: true, extra: [providing(calls), testFeature()] });
      c = await connect(h.url, h.token(), 'claude-code');
    });
    after(async () => {
      await c.close();
      await h.stop();
    });

    it('registers each session once, as an mcp-client keyed by its session, with the client as its program', async () => {
      const who = await call(c, 'agent_whoami');
      await call(c, 'agent_whoami');
      assert.equal(calls.register.length, 1, 'once per session, not per call');
      const [req] = calls.register;
      assert.equal(req!.kind, 'mcp-client');
      assert.equal(req!.program, 'claude-code');
      assert.equal(req!.name, undefined);
      assert.match(req!.clientKey, /^mcp-session:/, 'an HTTP client without a key of its own is keyed by its session');
      assert.deepEqual(who.body.agent, { name: 'Agent1', kind: 'mcp-client', program: 'claude-code', model: null });
    });

    it('heartbeats the agent on its first tool call, then at most once per HEARTBEAT_EVERY_MS, and not on a refused one', async () => {
      const fresh = await connect(h.url, h.token(), 'copilot');
      try {
        const refused = await call(fresh, 'test_steps', { steps: 'many' });
        assert.equal(refused.isError, true);
        const name = (await call(fresh, 'agent_whoami')).body.agent as { name: string };
        const before = calls.heartbeat.filter((n) => n === name.name).length;
        assert.equal(before, 1, 'the first accepted call heartbeats; the refused one did not');
        await call(fresh, 'test_steps', { steps: 1, delayMs: 0 });
        await call(fresh, 'agent_whoami');
        assert.ok(HEARTBEAT_EVERY_MS >= 1000);
        assert.equal(calls.heartbeat.filter((n) => n === name.name).length, 1, 'calls within the interval do not ask the directory again');
      } finally {
        await fresh.close();
      }
    });

    it('passes an explicit agent_register on, keeping the session key, and relays its refusal as is', async () => {
      await call(c, 'agent_register', { name: 'QuietWren', model: 'opus' });
      const last = calls.register.at(-1)!;
      assert.equal(last.name, 'QuietWren');
      assert.equal(last.model, 'opus');
      assert.equal(last.clientKey, calls.register[0]!.clientKey);
      const other = await connect(h.url, h.token(), 'cursor');
      try {
        const r = await call(other, 'agent_register', { name: 'QuietWren' });
        assert.deepEqual(r.body, { error: { code: 'conflict', message: 'QuietWren is taken', hint: 'Pick another name.', details: { holder: 'QuietWren' } } });
      } finally {
        await other.close();
      }
    });
  });

  describe('without one', () => {
    it('refuses tool calls with a structured error naming what is missing', async () => {
      const h = await startHost({ minimal: true, extra: [testFeature()] });
      const c = await connect(h.url, h.token());
      try {
        const r = await call(c, 'test_steps', { steps: 1 });
        assert.equal(r.isError, true);
        const error = r.body.error as { code: string; message: string; hint: string };
        assert.equal(error.code, 'unavailable');
        assert.match(error.message, /no agent registry/);
        assert.match(error.hint, /coordination/);
      } finally {
        await c.close();
        await h.stop();
      }
    });
  });
});
