import assert from 'node:assert/strict';
import type { EventEnvelope } from '../../../shared/events';
import { ResourceNotifier, typeMatches, updatedUris, type Subscriber } from '../../../server/mcp/notifier';
import type { AgentIdentity, McpResource } from '../../../server/mcp/tool';

let position = 0;
function event(type: string, data: unknown = null): EventEnvelope {
  position++;
  return { id: `e${position}`, stream: 's', version: position, position, type, ts: new Date(0).toISOString(), actor: 'test', causationId: null, correlationId: null, data };
}

const agent = (name: string): AgentIdentity => ({ name, kind: 'mcp-client', program: 'test', model: null });

const ready: McpResource = { uri: 'apiary://hive/ready', name: 'ready', description: '', dependsOn: ['hive.*'], read: async () => [] };
const inbox: McpResource = {
  uri: 'apiary://mail/inbox',
  name: 'inbox',
  description: '',
  dependsOn: ['mail.sent', 'mail.read'],
  concerns: (e, a) => (e.data as { to: string[] }).to.includes(a.name),
  read: async () => [],
};
const byUri = (uri: string) => [ready, inbox].find((r) => r.uri === uri);

describe('resource update notifications', () => {
  it('match event types exactly, by prefix, or all', () => {
    assert.ok(typeMatches(['hive.*'], 'hive.created'));
    assert.ok(!typeMatches(['hive.*'], 'hivemind.created'));
    assert.ok(typeMatches(['mail.sent'], 'mail.sent') && !typeMatches(['mail.sent'], 'mail.sent2'));
    assert.ok(typeMatches(['*'], 'anything'));
  });

  it('name the subscribed resources whose dependencies were committed', () => {
    const uris = updatedUris([event('hive.created'), event('lock.reserved')], [ready.uri, inbox.uri], byUri, agent('A'));
    assert.deepEqual(uris, [ready.uri]);
  });

  it('ask a per-agent resource whether the commit concerns the subscriber', () => {
    const sent = event('mail.sent', { to: ['B'] });
    assert.deepEqual(updatedUris([sent], [inbox.uri], byUri, agent('A')), []);
    assert.deepEqual(updatedUris([sent], [inbox.uri], byUri, agent('B')), [inbox.uri]);
    assert.deepEqual(updatedUris([sent], [inbox.uri], byUri, null), [], 'no agent bound yet: nothing concerns it');
  });

  it('ignore subscriptions to resources that no longer exist', () => {
    assert.deepEqual(updatedUris([event('hive.created')], ['apiary://gone'], byUri, agent('A')), []);
  });

  it('coalesce a burst of commits into one notification per resource and subscriber', async () => {
    const told: Array<[string, string]> = [];
    const subscriber = (name: string, uris: string[]): Subscriber => ({
      subscriptions: new Set(uris),
      identity: agent(name),
      notifyUpdated: async (uri) => void told.push([name, uri]),
    });
    const subs = [subscriber('A', [ready.uri, inbox.uri]), subscriber('B', [inbox.uri]), subscriber('C', [])];
    const n = new ResourceNotifier([ready, inbox], () => subs, (err) => assert.fail(String(err)), 30);
    n.committed([event('hive.created')]);
    n.committed([event('hive.updated'), event('mail.sent', { to: ['B'] })]);
    n.committed([event('mail.sent', { to: ['B'] })]);
    assert.deepEqual(told, [], 'nothing before the window closes');
    await new Promise((r) => setTimeout(r, 60));
    assert.deepEqual(told.sort(), [
      ['A', ready.uri],
      ['B', inbox.uri],
    ]);
    n.committed([event('lock.reserved')]);
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(told.length, 2, 'unrelated commits tell nobody');
    n.dispose();
  });

  it('report a notification that could not be delivered instead of throwing', async () => {
    const errors: unknown[] = [];
    const broken: Subscriber = { subscriptions: new Set([ready.uri]), identity: agent('A'), notifyUpdated: () => Promise.reject(new Error('stream closed')) };
    const n = new ResourceNotifier([ready], () => [broken], (e) => errors.push(e), 1);
    n.committed([event('hive.created')]);
    n.flush();
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(errors.length, 1);
    n.dispose();
  });
});
