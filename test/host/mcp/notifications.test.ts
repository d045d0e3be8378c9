import assert from 'node:assert/strict';
import type { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { ResourceUpdatedNotificationSchema, type ProgressNotification } from '@modelcontextprotocol/sdk/types.js';
import { call, connect, startHost, type TestHost } from './helpers';
import { NOTE_STREAM, testFeature, type TestFeatureState } from './testFeature';

const NOTES = 'apiary://test/notes';

/** Collects resources/updated notifications a client receives. */
function updates(c: Client): string[] {
  const seen: string[] = [];
  c.setNotificationHandler(ResourceUpdatedNotificationSchema, (n) => {
    seen.push(n.params.uri);
  });
  return seen;
}

async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 150));

describe('MCP resources and progress', () => {
  let h: TestHost;
  let state: TestFeatureState;
  const clients: Client[] = [];
  const open = async (name?: string): Promise<Client> => {
    const c = await connect(h.url, h.token(), name);
    clients.push(c);
    return c;
  };
  const nameOf = async (c: Client): Promise<string> => ((await call(c, 'agent_whoami')).body.agent as { name: string }).name;

  beforeEach(async () => {
    state = { aborted: [] };
    h = await startHost({ extra: [testFeature(state)] });
  });
  afterEach(async () => {
    await Promise.allSettled(clients.splice(0).map((c) => c.close()));
    await h.stop();
  });

  it('lists and reads the resources features contribute, as JSON for the reading agent', async () => {
    const c = await open();
    const me = await nameOf(c);
    const { resources } = await c.listResources();
    const notes = resources.find((r) => r.uri === NOTES);
    assert.deepEqual(notes && [notes.name, notes.mimeType], ['notes', 'application/json']);
    assert.ok(resources.every((r) => r.mimeType === 'application/json'));
    await call(c, 'test_note', { to: me, text: 'hello' });
    const read = await c.readResource({ uri: NOTES });
    const content = read.contents[0] as { uri: string; text: string };
    assert.equal(content.uri, NOTES);
    assert.deepEqual(JSON.parse(content.text), { agent: me, notes: [{ to: me, text: 'hello' }] });
  });

  it('refuses to read or subscribe to an unknown resource', async () => {
    const c = await open();
    await assert.rejects(c.readResource({ uri: 'apiary://nope' }), /unknown resource apiary:\/\/nope/);
    await assert.rejects(c.subscribeResource({ uri: 'apiary://nope' }), /unknown resource/);
  });

  it('tells a subscriber once per commit of relevant events, and only about what concerns its agent', async () => {
    const a = await open('a');
    const b = await open('b');
    const nameA = await nameOf(a);
    const nameB = await nameOf(b);
    const seenA = updates(a);
    const seenB = updates(b);
    await a.subscribeResource({ uri: NOTES });
    await b.subscribeResource({ uri: NOTES });
    // Three notes to A in one commit: one notification for A, none for B.
    await h.host.store.events.append(NOTE_STREAM, [1, 2, 3].map((i) => ({ type: 'test.note', data: { to: nameA, text: `n${i}` } })), 'any', { actor: 'test' });
    await until(() => seenA.length > 0);
    await settle();
    assert.deepEqual(seenA, [NOTES]);
    assert.deepEqual(seenB, []);
    await call(a, 'test_note', { to: nameB, text: 'for b' });
    await until(() => seenB.length > 0);
    assert.deepEqual(seenB, [NOTES]);
    assert.deepEqual(seenA, [NOTES], 'A was not told about B\'s note');
  });

  it('stays silent about commits a resource does not depend on, and after unsubscribe', async () => {
    const c = await open();
    const me = await nameOf(c);
    const seen = updates(c);
    await c.subscribeResource({ uri: NOTES });
    await h.host.store.events.append('other', [{ type: 'test.unrelated', data: { to: me } }], 'any', { actor: 'test' });
    await settle();
    assert.deepEqual(seen, []);
    await c.unsubscribeResource({ uri: NOTES });
    await h.host.store.events.append(NOTE_STREAM, [{ type: 'test.note', data: { to: me, text: 'x' } }], 'any', { actor: 'test' });
    await settle();
    assert.deepEqual(seen, []);
  });

  it('sends progress notifications to a client that passed a progressToken', async () => {
    const c = await open();
    const progress: ProgressNotification['params'][] = [];
    const result = await c.callTool({ name: 'test_steps', arguments: { steps: 3 } }, undefined, { onprogress: (p) => void progress.push(p as ProgressNotification['params']) });
    assert.equal(result.isError, undefined);
    assert.deepEqual(
      progress.map((p) => [p.progress, p.total, p.message]),
      [
        [1, 3, 'step 1 of 3'],
        [2, 3, 'step 2 of 3'],
        [3, 3, 'step 3 of 3'],
      ],
    );
  });

  it('sends no progress to a client that did not ask for it', async () => {
    const c = await open();
    let stray = 0;
    c.fallbackNotificationHandler = async () => {
      stray++;
    };
    // A progress notification nobody asked for would surface here ("unknown token").
    c.onerror = () => stray++;
    const r = await call(c, 'test_steps', { steps: 2 });
    assert.equal(r.body.steps, 2);
    assert.equal(stray, 0);
  });

  it('aborts a tool call the client cancels', async () => {
    const c = await open();
    const me = await nameOf(c);
    const ac = new AbortController();
    const pending = c.callTool({ name: 'test_wait', arguments: {} }, undefined, { signal: ac.signal });
    await settle();
    ac.abort('changed my mind');
    await assert.rejects(pending);
    await until(() => state.aborted.length > 0);
    assert.deepEqual(state.aborted, [me]);
  });
});
