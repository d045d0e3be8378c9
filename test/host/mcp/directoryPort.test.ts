import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import type { Feature } from '../../../server/host/feature';
import type { AgentDirectory, AgentRegistration } from '../../../server/mcp/identity/directory';
import { EventAgentDirectory } from '../../../server/mcp/identity/eventDirectory';
import { call, connect, startHost, type TestHost } from './helpers';
import { testFeature } from './testFeature';

/** Provides the agentDirectory service the way the coordination feature does, noting each call. */
function providing(calls: { register: AgentRegistration[]; heartbeat: string[] }): Feature {
  return {
    name: 'directory-provider',
    start(ctx) {
      const real = new EventAgentDirectory(ctx.store, ctx.now);
      const directory: AgentDirectory = {
        register: (req) => {
          calls.register.push(req);
          return real.register(req);
        },
        heartbeat: (name) => {
          calls.heartbeat.push(name);
          return real.heartbeat(name);
        },
      };
      ctx.services.provide('agentDirectory', directory);
      return { dispose: () => real.dispose() };
    },
  };
}

describe('the agent directory port', () => {
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

  it('registers each session with the provided directory, as an mcp-client keyed by its session', async () => {
    const who = await call(c, 'agent_whoami');
    assert.equal(calls.register.length, 1);
    const [req] = calls.register;
    assert.equal(req!.kind, 'mcp-client');
    assert.equal(req!.program, 'claude-code');
    assert.equal(req!.name, undefined);
    assert.match(req!.clientKey, /^mcp-session:/, 'an HTTP client without a key of its own is keyed by its session');
    assert.equal((who.body.agent as { program: string }).program, 'claude-code');
    await call(c, 'agent_whoami');
    assert.equal(calls.register.length, 1, 'registered once per session, not per call');
  });

  it('heartbeats the agent on every tool call, and not on a refused one', async () => {
    const name = ((await call(c, 'agent_whoami')).body.agent as { name: string }).name;
    const before = calls.heartbeat.length;
    await call(c, 'test_steps', { steps: 1, delayMs: 0 });
    await call(c, 'agent_whoami');
    await call(c, 'test_steps', { steps: 'many' });
    assert.deepEqual(calls.heartbeat.slice(before), [name, name]);
  });

  it('passes an explicit agent_register on, keeping the session key', async () => {
    await call(c, 'agent_register', { name: 'QuietWren', model: 'opus' });
    const last = calls.register.at(-1)!;
    assert.equal(last.name, 'QuietWren');
    assert.equal(last.model, 'opus');
    assert.equal(last.clientKey, calls.register[0]!.clientKey);
  });
});
