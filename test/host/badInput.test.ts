// Bad input of every kind gets a structured refusal — a JSON-RPC error whose data carries
// {code, message, hint?} — and writes nothing: the log head and the read models stay as they were.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ResponseError } from 'vscode-jsonrpc';
import { RpcErrorCodes, type ApiaryErrorData, type ErrorCode } from '../../shared/errors';
import { AppendEventsRequest, ReadEventsRequest, ReplayRequest, StatusRequest, VerifyEventsRequest, type HostStatus } from '../../shared/protocol';
import { Host } from '../../server/host/host';
import { hostFeatures } from '../../server/main';
import { cleanUp, connect, ensureCliBuilt, jsonOf, runCli, tempWorkspace, type Client } from '../support/host';

describe('bad input to the host', function () {
  this.timeout(30_000);
  let workspace: string;
  let host: Host;
  let client: Client;
  let baseline: { position: number; headHash: string; tables: string };

  const snapshotOfState = (): { position: number; headHash: string; tables: string } => {
    const names = host.store.db.exec("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")[0]!.values.map((r) => String(r[0]));
    const tables = names.map((n) => `${n}:${JSON.stringify(host.store.db.exec(`SELECT * FROM "${n}"`)[0]?.values ?? [])}`).join('\n');
    const s = host.store.status();
    return { position: s.position, headHash: s.headHash, tables };
  };

  /** Awaits a request that must be refused; checks the error's shape and that nothing changed. */
  async function refused(request: Promise<unknown>, code: ErrorCode): Promise<ApiaryErrorData> {
    let caught: unknown;
    try {
      await request;
    } catch (err) {
      caught = err;
    }
    assert.ok(caught instanceof ResponseError, `expected a JSON-RPC error, got ${String(caught)}`);
    assert.equal(caught.code, RpcErrorCodes[code]);
    const data = caught.data as ApiaryErrorData;
    assert.equal(data.code, code, data.message);
    assert.equal(typeof data.message, 'string');
    assert.ok(data.message.length > 0);
    if (data.hint !== undefined) assert.equal(typeof data.hint, 'string');
    assert.deepEqual(snapshotOfState(), baseline, 'a refused request must change nothing');
    const status = await client.conn.sendRequest(StatusRequest);
    assert.equal(status.store.position, baseline.position);
    return data;
  }

  before(async () => {
    ensureCliBuilt();
    workspace = tempWorkspace();
    host = await Host.start({ workspace, features: hostFeatures(), sink: () => {} });
    client = await connect(host.info().socket, 'tester');
    await client.conn.sendRequest(AppendEventsRequest, { stream: 'notes-1', events: [{ type: 'note.added', data: { n: 1 } }, { id: 'known-1', type: 'note.added', data: { n: 2 } }] });
    await host.ctx.mailboxes.send('inbox', { hello: 'world' }, { actor: 'tester', id: 'm1' });
    baseline = snapshotOfState();
  });
  after(async () => {
    client?.conn.dispose();
    await host?.stop();
    await cleanUp();
  });

  describe('over JSON-RPC', () => {
    it('refuses an unknown request method, with a hint', async () => {
      const data = await refused(client.conn.sendRequest('apiary/no/such/thing', {}), 'unknown_request');
      assert.match(data.message, /apiary\/no\/such\/thing/);
      assert.ok(data.hint);
      await refused(client.conn.sendRequest('textDocument/hover', {}), 'unknown_request');
    });

    const malformedAppends: Array<[string, unknown, RegExp]> = [
      ['no params at all', undefined, /stream|events/],
      ['a stream that is a number', { stream: 42, events: [{ type: 'note.added', data: 1 }] }, /stream/],
      ['a stream name with spaces', { stream: 'my notes', events: [{ type: 'note.added', data: 1 }] }, /stream/],
      ['an over-long stream name', { stream: 'x'.repeat(201), events: [{ type: 'note.added', data: 1 }] }, /stream/],
      ['no events', { stream: 'notes-1' }, /events/],
      ['an empty event list', { stream: 'notes-1', events: [] }, /events/],
      ['events that are not objects', { stream: 'notes-1', events: ['note.added'] }, /events\.0/],
      ['an event without a type', { stream: 'notes-1', events: [{ data: 1 }] }, /events\.0\.type/],
      ['an event type that is not a dotted name', { stream: 'notes-1', events: [{ type: 'Hello World!', data: 1 }] }, /events\.0\.type/],
      ['an event id that is a number', { stream: 'notes-1', events: [{ id: 7, type: 'note.added', data: 1 }] }, /events\.0\.id/],
      ['an expected version that is a word it does not know', { stream: 'notes-1', events: [{ type: 'note.added', data: 1 }], expectedVersion: 'sometimes' }, /expectedVersion/],
      ['a negative expected version', { stream: 'notes-1', events: [{ type: 'note.added', data: 1 }], expectedVersion: -1 }, /expectedVersion/],
      ['a fractional expected version', { stream: 'notes-1', events: [{ type: 'note.added', data: 1 }], expectedVersion: 1.5 }, /expectedVersion/],
      ['a string instead of an object', 'append please', /params|expected object/],
      ['an array instead of an object', [1, 2, 3], /params|expected object/],
      ['a misspelled field (it would silently skip the version check)', { stream: 'notes-1', events: [{ type: 'note.added', data: 1 }], expectedVersoin: 0 }, /expectedVersoin/],
      ['an unknown field on an event', { stream: 'notes-1', events: [{ type: 'note.added', data: 1, stream: 'other' }] }, /events\.0/],
    ];
    for (const [what, params, mentions] of malformedAppends) {
      it(`refuses an append with ${what}, naming the field`, async () => {
        const req = params === undefined ? client.conn.sendRequest(AppendEventsRequest.method) : client.conn.sendRequest(AppendEventsRequest.method, params);
        const data = await refused(req, 'invalid_params');
        assert.match(data.message, mentions);
        assert.ok(data.hint);
      });
    }

    it('refuses an append with the wrong expected version, reporting the actual one', async () => {
      const data = await refused(client.conn.sendRequest(AppendEventsRequest, { stream: 'notes-1', events: [{ type: 'note.added', data: 3 }], expectedVersion: 7 }), 'wrong_expected_version');
      assert.deepEqual(data.details, { stream: 'notes-1', expected: 7, actual: 2 });
      assert.ok(data.hint);
      await refused(client.conn.sendRequest(AppendEventsRequest, { stream: 'notes-1', events: [{ type: 'note.added', data: 3 }], expectedVersion: 'no-stream' }), 'wrong_expected_version');
      await refused(client.conn.sendRequest(AppendEventsRequest, { stream: 'nobody-wrote-here', events: [{ type: 'note.added', data: 3 }], expectedVersion: 'exists' }), 'wrong_expected_version');
    });

    it('refuses appends to reserved (system) streams', async () => {
      for (const stream of ['$mailbox-inbox', '$caslock-build', '$anything']) {
        const data = await refused(client.conn.sendRequest(AppendEventsRequest, { stream, events: [{ type: 'note.added', data: 1 }] }), 'reserved_stream');
        assert.ok(data.hint);
      }
    });

    it('refuses event types that belong to a read model, even on a stream of your own', async () => {
      for (const type of ['mailbox.sent', 'mailbox.acked', 'caslock.acquired', 'cursor.committed', 'deferred.resolved']) {
        const data = await refused(client.conn.sendRequest(AppendEventsRequest, { stream: 'notes-1', events: [{ type: 'note.added', data: 1 }, { type, data: {} }] }), 'reserved_stream');
        assert.match(data.message, new RegExp(type.replace('.', '\\.')));
      }
    });

    it('refuses a retry that reuses some known ids with new ones', async () => {
      const data = await refused(
        client.conn.sendRequest(AppendEventsRequest, {
          stream: 'notes-1',
          events: [
            { id: 'known-1', type: 'note.added', data: { n: 2 } },
            { id: 'brand-new', type: 'note.added', data: { n: 3 } },
          ],
        }),
        'conflict',
      );
      assert.deepEqual(data.details, { knownIds: ['known-1'] });
    });

    it('refuses malformed reads', async () => {
      for (const params of [{ from: 0 }, { limit: 0 }, { limit: 1_000_000 }, { from: 'start' }, { stream: 'bad stream' }, { to: -3 }]) {
        await refused(client.conn.sendRequest(ReadEventsRequest.method, params), 'invalid_params');
      }
    });

    it('refuses parameters for requests that take none', async () => {
      for (const method of [StatusRequest.method, VerifyEventsRequest.method]) {
        const data = await refused(client.conn.sendRequest(method, { please: true }), 'invalid_params');
        assert.match(data.message, /takes no parameters/);
      }
    });

    it('refuses a hello with a client kind it does not know', async () => {
      await refused(client.conn.sendRequest('apiary/hello', { client: { name: 'x', kind: 'robot' } }), 'invalid_params');
    });

    describe('replay', () => {
      it('refuses a position past the head, with the range in the hint', async () => {
        const data = await refused(client.conn.sendRequest(ReplayRequest, { to: baseline.position + 1 }), 'invalid_params');
        assert.match(data.message, /past the log's head/);
        assert.match(data.hint!, new RegExp(`0 to ${baseline.position}`));
      });

      it('refuses both a position and a time, a malformed time, and a negative position', async () => {
        await refused(client.conn.sendRequest(ReplayRequest, { to: 1, at: new Date().toISOString() }), 'invalid_params');
        await refused(client.conn.sendRequest(ReplayRequest.method, { at: 'yesterday' }), 'invalid_params');
        await refused(client.conn.sendRequest(ReplayRequest, { to: -1 }), 'invalid_params');
      });

      it('refuses SQL that is not a read-only query, and SQL that does not run', async () => {
        for (const sql of ['DELETE FROM mailbox_messages', 'DROP TABLE mailbox_messages', 'INSERT INTO cursors VALUES (1, 2)', 'PRAGMA writable_schema = 1']) {
          const data = await refused(client.conn.sendRequest(ReplayRequest, { to: baseline.position, sql }), 'invalid_params');
          assert.match(data.message, /read-only/);
        }
        const broken = await refused(client.conn.sendRequest(ReplayRequest, { to: baseline.position, sql: 'SELECT nothing FROM nowhere' }), 'invalid_params');
        assert.match(broken.message, /query failed/);
      });

      it('refuses a query that smuggles a write after a SELECT or hides one behind WITH, changing nothing', async () => {
        for (const [sql, reason] of [
          ['SELECT count(*) AS n FROM mailbox_messages; DELETE FROM mailbox_messages', /one query at a time/],
          ['WITH doomed AS (SELECT id FROM mailbox_messages) DELETE FROM mailbox_messages', /would write/],
        ] as const) {
          const data = await refused(client.conn.sendRequest(ReplayRequest, { to: baseline.position, sql }), 'invalid_params');
          assert.match(data.message, reason);
        }
        assert.deepEqual(snapshotOfState(), baseline);
        const again = await client.conn.sendRequest(ReplayRequest, { to: baseline.position, sql: 'SELECT count(*) AS n FROM mailbox_messages' });
        assert.deepEqual(again.rows, [{ n: 1 }]);
      });
    });

    it('drops a client that sends bytes that are not JSON-RPC, and keeps serving the others, leaving no timer behind', async () => {
      // Watch the timers armed while the bad client is served: none may outlive it.
      const armed = new Set<NodeJS.Timeout>();
      const realSetTimeout = global.setTimeout;
      const realClearTimeout = global.clearTimeout;
      const watched = (fn: (...args: unknown[]) => void, ms?: number, ...args: unknown[]): NodeJS.Timeout => {
        const t = realSetTimeout(
          (...a: unknown[]) => {
            armed.delete(t);
            fn(...a);
          },
          ms,
          ...args,
        );
        armed.add(t);
        return t;
      };
      global.setTimeout = watched as unknown as typeof global.setTimeout;
      global.clearTimeout = ((t: NodeJS.Timeout | undefined) => {
        if (t) armed.delete(t);
        realClearTimeout(t);
      }) as typeof global.clearTimeout;
      const lingering = (): number => [...armed].filter((t) => t.hasRef()).length;
      const raw = net.connect(host.info().socket);
      await new Promise((r) => raw.once('connect', r));
      const closed = new Promise((r) => raw.once('close', r));
      raw.write('Content-Length: 12\r\n\r\n{not json!!}');
      raw.write('Content-Length: 40\r\n\r\n{"jsonrpc":"2.0","id":1,"method":"apia');
      raw.end();
      await closed;
      const status: HostStatus = await client.conn.sendRequest(StatusRequest);
      assert.equal(status.store.position, baseline.position);
      assert.deepEqual(snapshotOfState(), baseline);
      const ok = await client.conn.sendRequest(ReadEventsRequest, { stream: 'notes-1' });
      assert.equal(ok.events.length, 2);
      // A message cut off mid-way must not leave the host re-arming a timer for it forever (the
      // host's own short coalescing timers come and go meanwhile).
      try {
        const deadline = Date.now() + 1500;
        while (lingering() > 0 && Date.now() < deadline) await new Promise((r) => realSetTimeout(r, 25));
        assert.equal(lingering(), 0, 'timer(s) left behind by the dropped client');
      } finally {
        global.setTimeout = realSetTimeout;
        global.clearTimeout = realClearTimeout;
      }
    });
  });

  describe('through the CLI', () => {
    it('exits 2 for an unknown verb, with a usage error document under --json', async () => {
      const plain = await runCli(['frobnicate']);
      assert.equal(plain.code, 2);
      assert.match(plain.stderr, /unknown verb frobnicate/);
      const json = await runCli(['frobnicate', '--json']);
      assert.equal(json.code, 2);
      assert.deepEqual(Object.keys(jsonOf<{ error: object }>(json).error).sort(), ['code', 'hint', 'message']);
      assert.equal(jsonOf<{ error: { code: string } }>(json).error.code, 'usage');
    });

    it('prints a verb\u2019s usage for --help or -h and runs nothing: no host is started on the folder', async () => {
      const fresh = tempWorkspace();
      for (const args of [['events', '--help'], ['hive', 'create', '-h'], ['replay', '--to', '1', '--help']]) {
        const r = await runCli([...args, '--workspace', fresh]);
        assert.equal(r.code, 0, r.stderr);
        assert.match(r.stdout, new RegExp(`^Usage: apiary ${args[0]} `));
        assert.match(r.stdout, new RegExp(`^  ${args[0]} `, 'm'));
      }
      assert.equal(fs.existsSync(path.join(fresh, '.apiary')), false);
    });

    it('exits 2 for an unknown flag, a missing required flag, or data that is not JSON, without reaching the host', async () => {
      for (const args of [
        ['events', '--workspace', workspace, '--bogus'],
        ['events', 'append', '--workspace', workspace, '--type', 'note.added'],
        ['events', 'append', '--workspace', workspace, '--stream', 's', '--type', 'note.added', '--data', '{oops'],
        ['events', 'frobnicate', '--workspace', workspace],
        ['replay', '--workspace', workspace],
        ['events', '--workspace', workspace, '--from', 'one'],
      ]) {
        const r = await runCli([...args, '--json']);
        assert.equal(r.code, 2, `${args.join(' ')}: ${r.stdout}${r.stderr}`);
        assert.equal(jsonOf<{ error: { code: string } }>(r).error.code, 'usage');
      }
      assert.deepEqual(snapshotOfState(), baseline);
    });

    const refusals: Array<[string, string[], ErrorCode]> = [
      ['a wrong expected version', ['events', 'append', '--stream', 'notes-1', '--type', 'note.added', '--expected', '9'], 'wrong_expected_version'],
      ['a reserved stream', ['events', 'append', '--stream', '$mailbox-inbox', '--type', 'note.added'], 'reserved_stream'],
      ['a reserved event type', ['events', 'append', '--stream', 'notes-1', '--type', 'mailbox.sent'], 'reserved_stream'],
      ['a replay past the head', ['replay', '--to', '999'], 'invalid_params'],
      ['a replay with a write query', ['replay', '--to', '1', '--sql', 'DELETE FROM cursors'], 'invalid_params'],
      ['a replay with a write query behind WITH', ['replay', '--to', '1', '--sql', 'WITH x AS (SELECT 1) DELETE FROM cursors'], 'invalid_params'],
      ['a replay with two statements', ['replay', '--to', '1', '--sql', 'SELECT 1; DELETE FROM cursors'], 'invalid_params'],
      ['an invalid expected version', ['events', 'append', '--stream', 'notes-1', '--type', 'note.added', '--expected', 'never'], 'invalid_params'],
    ];
    for (const [what, args, code] of refusals) {
      it(`exits 1 for ${what}, printing {"error":{code,message,hint}} on stdout`, async () => {
        const r = await runCli([...args, '--workspace', workspace, '--json']);
        assert.equal(r.code, 1, r.stderr);
        const doc = jsonOf<{ error: ApiaryErrorData }>(r);
        assert.equal(doc.error.code, code);
        assert.equal(typeof doc.error.message, 'string');
        assert.equal(typeof doc.error.hint, 'string');
        assert.deepEqual(snapshotOfState(), baseline);
      });
    }

    it('says the same refusal in words on stderr without --json', async () => {
      const r = await runCli(['events', 'append', '--workspace', workspace, '--stream', 'notes-1', '--type', 'note.added', '--expected', '9']);
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, /^apiary: stream notes-1 is at version 2, expected version 9\nhint: /);
    });
  });
});
