// One host per workspace: attaching shares it, a dead host's lock is taken over, a second host
// is refused, shutdown is clean, background hosts go away when idle.
import assert from 'node:assert/strict';
import { execFileSync, fork, spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { createMessageConnection, IPCMessageReader, IPCMessageWriter, SocketMessageReader, SocketMessageWriter } from 'vscode-jsonrpc/node';
import { AppendEventsRequest, ReadEventsRequest, StatusRequest, type HostInfo, type HostStatus } from '../../shared/protocol';
import { ApiaryError } from '../../shared/errors';
import { attach } from '../../server/host/attach';
import { isAlive } from '../../server/host/processes';
import { listSnapshots, readSnapshot } from '../../server/store/snapshot';
import {
  cleanUp,
  cliPath,
  connect,
  ensureCliBuilt,
  hostJsonOf,
  jsonOf,
  runCli,
  ServeFailure,
  sleep,
  startServe,
  stopHost,
  tempWorkspace,
  track,
  waitFor,
} from '../support/host';
import { startInProcessHost } from './support/inProcessHost';

const apiary = (ws: string, name: string): string => path.join(ws, '.apiary', name);

/** The pid of a process that has already exited: what a crashed host leaves in its lock. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  await new Promise((r) => child.once('exit', r));
  return child.pid!;
}

/** Leaves a real unix socket file behind, as a SIGKILLed host does. */
async function leftoverSocket(file: string): Promise<void> {
  const child = spawn(process.execPath, ['-e', `require('net').createServer().listen(${JSON.stringify(file)}, () => console.log('up'))`], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((r) => child.stdout!.once('data', r));
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
}

describe('host lifecycle', function () {
  this.timeout(30_000);
  before(ensureCliBuilt);
  afterEach(cleanUp);

  it('gives two attaches racing on a workspace with no host one shared host', async () => {
    const ws = tempWorkspace();
    const [a, b] = await Promise.all([attach(ws, { client: { name: 'a', kind: 'test' } }), attach(ws, { client: { name: 'b', kind: 'test' } })]);
    try {
      assert.equal(a.hello.host.pid, b.hello.host.pid);
      assert.equal([a.started, b.started].filter(Boolean).length, 1, 'exactly one of them started it');
      assert.equal(hostJsonOf(ws)?.pid, a.hello.host.pid);
      // Each sees the other's writes.
      await a.conn.sendRequest(AppendEventsRequest, { stream: 'shared-notes', events: [{ type: 'note.written', data: { by: 'a' } }] });
      const read = await b.conn.sendRequest(ReadEventsRequest, { stream: 'shared-notes' });
      assert.deepEqual(
        read.events.map((e) => [e.actor, e.data]),
        [['a', { by: 'a' }]],
      );
      const status = await b.conn.sendRequest(StatusRequest);
      assert.deepEqual(status.sessions.map((s) => s.name).sort(), ['a', 'b']);
      // The host that lost the race said why, in the host log.
      await waitFor(() => /already serves/.test(fs.readFileSync(apiary(ws, 'host.log'), 'utf8')), 5000, 'the losing host to log its refusal');
    } finally {
      a.conn.dispose();
      b.conn.dispose();
    }
  });

  it('gives two CLI invocations the same host (same pid), each seeing the other\'s writes', async () => {
    const ws = tempWorkspace();
    const [one, two] = await Promise.all(
      ['one', 'two'].map((n) => runCli(['events', 'append', '--workspace', ws, '--stream', `s-${n}`, '--type', 'cli.wrote', '--data', `{"n":"${n}"}`, '--json'])),
    );
    assert.equal(one!.code, 0, one!.stderr);
    assert.equal(two!.code, 0, two!.stderr);
    const status = await runCli(['status', '--workspace', ws, '--json']);
    const s = jsonOf<HostStatus & { running: boolean }>(status);
    assert.equal(s.running, true);
    assert.equal(s.pid, hostJsonOf(ws)?.pid);
    const events = jsonOf<{ events: Array<{ stream: string }> }>(await runCli(['events', '--workspace', ws, '--json']));
    assert.deepEqual(
      events.events
        .map((e) => e.stream)
        .filter((st) => st.startsWith('s-'))
        .sort(),
      ['s-one', 's-two'],
    );
    assert.equal(jsonOf<HostStatus>(await runCli(['status', '--workspace', ws, '--json'])).pid, s.pid, 'still that one host');
  });

  it('takes over a stale lock left by a dead process, with its stale host.json and socket file', async () => {
    const ws = tempWorkspace();
    fs.mkdirSync(path.join(ws, '.apiary'));
    const dead = await deadPid();
    fs.writeFileSync(apiary(ws, 'host.lock'), JSON.stringify({ pid: dead, startedAt: new Date(0).toISOString() }));
    const socket = apiary(ws, 'host.sock');
    fs.writeFileSync(apiary(ws, 'host.json'), JSON.stringify({ pid: dead, version: '0.0.0', protocol: 1, workspace: ws, startedAt: new Date(0).toISOString(), socket }));
    await leftoverSocket(socket);
    assert.ok(fs.existsSync(socket));
    assert.equal(jsonOf<{ running: boolean }>(await runCli(['status', '--workspace', ws, '--json'])).running, false, 'a dead pid is not a running host');

    const host = await startServe(ws);
    assert.notEqual(host.info.pid, dead);
    assert.equal(JSON.parse(fs.readFileSync(apiary(ws, 'host.lock'), 'utf8')).pid, host.info.pid);
    assert.equal(hostJsonOf(ws)?.pid, host.info.pid);
    const client = await connect(host.info.socket);
    assert.equal(client.hello.host.pid, host.info.pid);
    client.conn.dispose();
    await stopHost(host);
  });

  it('takes over from a host that was SIGKILLed, keeping its data', async () => {
    const ws = tempWorkspace();
    const first = await startServe(ws);
    const c = await connect(first.info.socket);
    await c.conn.sendRequest(AppendEventsRequest, { stream: 'survivor', events: [{ type: 'note.kept', data: 1 }] });
    await stopHost(first, 'SIGKILL');
    assert.ok(fs.existsSync(apiary(ws, 'host.lock')), 'the killed host left its lock behind');
    // Any verb attaches, starting a new host over the stale lock.
    const read = await runCli(['events', '--workspace', ws, '--stream', 'survivor', '--json']);
    assert.equal(read.code, 0, read.stderr);
    assert.deepEqual(
      jsonOf<{ events: Array<{ data: unknown }> }>(read).events.map((e) => e.data),
      [1],
    );
    const info = hostJsonOf(ws)!;
    assert.notEqual(info.pid, first.info.pid);
    assert.ok(isAlive(info.pid));
  });

  it('lets exactly one of two hosts started at once serve; the other exits non-zero saying who serves', async () => {
    const ws = tempWorkspace();
    const results = await Promise.allSettled([startServe(ws), startServe(ws)]);
    const served = results.filter((r): r is PromiseFulfilledResult<Awaited<ReturnType<typeof startServe>>> => r.status === 'fulfilled');
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    assert.equal(served.length, 1);
    assert.equal(refused.length, 1);
    const failure = refused[0]!.reason as ServeFailure;
    assert.ok(failure instanceof ServeFailure, String(failure));
    assert.equal(failure.code, 1);
    const doc = JSON.parse(failure.stdout) as { error: { code: string; message: string; hint: string } };
    assert.equal(doc.error.code, 'conflict');
    assert.match(doc.error.message, new RegExp(`another agent host \\(pid ${served[0]!.value.info.pid}\\) already serves`));
    assert.ok(doc.error.hint);
    assert.equal(hostJsonOf(ws)?.pid, served[0]!.value.info.pid);
    await stopHost(served[0]!.value);
  });

  it('does not mistake a lock file that another host is still writing (just created, empty) for a stale one', async () => {
    const ws = tempWorkspace();
    fs.mkdirSync(path.join(ws, '.apiary'));
    const lock = apiary(ws, 'host.lock');
    // Another starter has created the file but not yet written its pid into it. (The test keeps
    // the file fresh while the host starts up, standing in for the microseconds this takes.)
    fs.writeFileSync(lock, '');
    const starting = startServe(ws);
    for (let i = 0; i < 12; i++) {
      await sleep(100);
      try {
        fs.utimesSync(lock, new Date(), new Date());
      } catch {
        // taken away: the host under test treated it as stale
      }
    }
    fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }));
    const failure = await starting.then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(failure instanceof ServeFailure, 'the second host must not serve');
    assert.equal(failure.code, 1);
    assert.match(failure.stdout, new RegExp(`pid ${process.pid}\\) already serves`));
    assert.equal(JSON.parse(fs.readFileSync(lock, 'utf8')).pid, process.pid, 'the lock was left to its owner');
  });

  it('shuts down cleanly on SIGTERM: a snapshot at the head, host.json, lock and socket removed', async () => {
    const ws = tempWorkspace();
    const host = await startServe(ws);
    const c = await connect(host.info.socket);
    for (let i = 0; i < 5; i++) await c.conn.sendRequest(AppendEventsRequest, { stream: 'work', events: [{ type: 'work.done', data: i }] });
    const head = (await c.conn.sendRequest(StatusRequest)).store.position;
    c.conn.dispose();
    const ended = await stopHost(host, 'SIGTERM');
    assert.equal(ended.code, 0);
    for (const f of ['host.json', 'host.lock', 'host.sock']) assert.equal(fs.existsSync(apiary(ws, f)), false, `${f} should be gone`);
    const snaps = listSnapshots(apiary(ws, 'snapshots'));
    assert.equal(snaps.length, 1);
    const snap = readSnapshot(snaps[0]!);
    assert.ok(!('error' in snap));
    assert.equal(snap.header.point.position, head);
    // The next start begins from that snapshot.
    const again = await startServe(ws);
    assert.match(again.stderr(), new RegExp(`snapshot ${head}, replayed 0 events`));
    const status = jsonOf<HostStatus>(await runCli(['status', '--workspace', ws, '--json']));
    assert.equal(status.store.snapshotPosition, head);
    assert.ok(status.store.position >= head);
    await stopHost(again);
  });

  it('stops a background host after its idle timeout, but not while a client is attached', async () => {
    const ws = tempWorkspace();
    const child = track(spawn(process.execPath, [cliPath, 'serve', '--workspace', ws, '--background', '--idle-exit', '1'], { stdio: 'ignore' }));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    await waitFor(() => hostJsonOf(ws)?.pid === child.pid, 10_000, 'the background host to serve');
    const c = await connect(hostJsonOf(ws)!.socket);
    await sleep(1600);
    assert.equal(child.exitCode, null, 'it stays while a client is attached');
    c.conn.dispose();
    c.socket.destroy();
    const detachedAt = Date.now();
    assert.equal(await exited, 0);
    assert.ok(Date.now() - detachedAt >= 900, 'it waited for the idle timeout');
    assert.equal(hostJsonOf(ws), null);
    assert.equal(fs.existsSync(apiary(ws, 'host.lock')), false);
  });

  it('keeps .apiary out of git with its own .gitignore', async () => {
    const ws = tempWorkspace();
    execFileSync('git', ['init', '-q'], { cwd: ws });
    fs.writeFileSync(path.join(ws, 'README.md'), 'hello\n');
    const r = await runCli(['events', 'append', '--workspace', ws, '--stream', 'x', '--type', 'x.y', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(fs.readFileSync(apiary(ws, '.gitignore'), 'utf8'), /^\*$/m);
    const untracked = execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: ws, encoding: 'utf8' });
    assert.equal(untracked.trim(), '?? README.md');
  });

  it('runs the relay VS Code starts: it answers the language-server handshake and forwards host requests', async () => {
    const ws = tempWorkspace();
    const relay = track(fork(cliPath, ['relay', '--workspace', ws, '--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] }));
    const conn = createMessageConnection(new IPCMessageReader(relay), new IPCMessageWriter(relay));
    conn.listen();
    try {
      const init = (await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {} })) as { serverInfo: { name: string } };
      assert.equal(init.serverInfo.name, 'apiary-relay');
      await conn.sendNotification('initialized', {});
      const status = (await conn.sendRequest(StatusRequest.method)) as HostStatus;
      const info = hostJsonOf(ws) as HostInfo;
      assert.equal(status.pid, info.pid, 'the relay reached the workspace host');
      assert.notEqual(status.pid, relay.pid);
      assert.ok(status.sessions.some((s) => s.kind === 'vscode-window'));
      const appended = (await conn.sendRequest(AppendEventsRequest.method, { stream: 'from-editor', events: [{ type: 'note.x', data: 1 }] })) as { positions: number[] };
      assert.equal(appended.positions.length, 1);
      const read = (await conn.sendRequest(ReadEventsRequest.method, { stream: 'from-editor' })) as { events: Array<{ position: number; actor: string }> };
      assert.deepEqual(
        read.events.map((e) => [e.position, e.actor]),
        [[appended.positions[0], 'VS Code relay']],
      );
      await assert.rejects(conn.sendRequest('textDocument/hover', {}), /unknown request/);
    } finally {
      conn.dispose();
      relay.kill();
    }
  });

  it('fails a CLI request cut off by the host dying with exit 1 and an "unavailable" error, never a silent success', async () => {
    const ws = tempWorkspace();
    const host = await startServe(ws);
    const watcher = await connect(host.info.socket, 'watcher');
    // A replay query that runs far longer than the test (on a worker: the host goes on answering).
    const cli = runCli(['replay', '--workspace', ws, '--to', '0', '--json', '--sql', 'WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT count(*) FROM c']);
    while (!(await watcher.conn.sendRequest(StatusRequest)).sessions.some((s) => s.kind === 'cli')) await sleep(30);
    // Once attached the CLI asks at once; meanwhile every status answer comes promptly.
    for (let i = 0; i < 10; i++) {
      const asked = Date.now();
      await watcher.conn.sendRequest(StatusRequest);
      assert.ok(Date.now() - asked < 1000, `status answered in ${Date.now() - asked} ms while the query ran`);
      await sleep(100);
    }
    await stopHost(host, 'SIGKILL');
    watcher.conn.dispose();
    const r = await cli;
    assert.equal(r.code, 1, `exit ${r.code}; stdout ${r.stdout}; stderr ${r.stderr}`);
    const doc = jsonOf<{ error: { code: string; message: string; hint?: string } }>(r);
    assert.equal(doc.error.code, 'unavailable');
    assert.match(doc.error.message, /agent host/);
    assert.ok(doc.error.hint);
  });

  it('ends a CLI whose host dies in the middle of writing an answer promptly, with exit 1', async () => {
    // The host side here only speaks the wire protocol up to the torn answer: a real host cannot be
    // killed reliably between two bytes of one message.
    const ws = tempWorkspace();
    fs.mkdirSync(path.join(ws, '.apiary'));
    const socketPath = apiary(ws, 'host.sock');
    const info: HostInfo = { pid: process.pid, version: 'test', protocol: 1, workspace: ws, startedAt: new Date().toISOString(), socket: socketPath };
    const server = net.createServer((socket) => {
      const conn = createMessageConnection(new SocketMessageReader(socket), new SocketMessageWriter(socket));
      conn.onRequest('apiary/hello', () => ({ sessionId: 's-1', host: info }));
      conn.onRequest(() => {
        socket.write('Content-Length: 4000\r\n\r\n{"jsonrpc":"2.0","id":1,"result":{"events":[');
        setTimeout(() => socket.destroy(), 20);
        return new Promise(() => {});
      });
      conn.listen();
    });
    await new Promise<void>((r) => server.listen(socketPath, r));
    fs.writeFileSync(apiary(ws, 'host.json'), JSON.stringify(info));
    try {
      const started = Date.now();
      const r = await runCli(['events', '--workspace', ws, '--json'], { timeoutMs: 15_000 });
      assert.equal(r.code, 1, r.stdout + r.stderr);
      assert.equal(jsonOf<{ error: { code: string } }>(r).error.code, 'unavailable');
      assert.ok(Date.now() - started < 8000, 'the CLI did not linger after the host went away');
    } finally {
      fs.rmSync(apiary(ws, 'host.json'), { force: true });
      await new Promise((r) => server.close(r));
    }
  });

  describe('a host that opens a large log slowly', () => {
    /**
     * Plays a host busy replaying: this process holds the workspace's lock (so the host attach
     * spawns finds it taken and leaves) and writes host.starting.json as a replay would, every
     * 100 ms while `reporting` is set. Then it starts the real host here, which takes the lock.
     */
    function busyHost(ws: string, opts: { reporting: boolean }) {
      fs.mkdirSync(path.join(ws, '.apiary'), { recursive: true });
      fs.writeFileSync(apiary(ws, 'host.lock'), JSON.stringify({ pid: process.pid, startedAt: new Date().toISOString() }));
      let events = 0;
      const report = (): void => {
        events += 50_000;
        fs.writeFileSync(apiary(ws, 'host.starting.json'), JSON.stringify({ pid: process.pid, phase: 'replaying', events, fraction: Math.min(1, events / 1_000_000), at: Date.now() }));
      };
      const timer = opts.reporting ? setInterval(report, 100) : null;
      if (opts.reporting) report();
      return {
        async serve() {
          if (timer) clearInterval(timer);
          return startInProcessHost({ workspace: ws });
        },
        stop: () => timer && clearInterval(timer),
      };
    }

    it('keeps an attach waiting past its timeout while the host reports progress, and says how far it is', async () => {
      const ws = tempWorkspace();
      const busy = busyHost(ws, { reporting: true });
      const seen: number[] = [];
      const started = Date.now();
      const attaching = attach(ws, { client: { name: 'patient', kind: 'test' }, timeoutMs: 400, onStarting: (s) => seen.push(s.events) });
      await sleep(300);
      const status = jsonOf<{ running: boolean; starting?: { pid: number; phase: string; events: number } }>(await runCli(['status', '--workspace', ws, '--json']));
      assert.equal(status.running, false);
      assert.equal(status.starting?.pid, process.pid);
      assert.equal(status.starting?.phase, 'replaying');
      await sleep(900);
      const host = await busy.serve();
      try {
        const a = await attaching;
        assert.ok(Date.now() - started > 1000, 'it waited well past its 400 ms timeout');
        assert.equal(a.hello.host.pid, process.pid);
        assert.ok(seen.length >= 5, `told of the progress as it went (${seen.length} reports)`);
        assert.deepEqual(seen, [...seen].sort((x, y) => x - y));
        assert.equal(fs.existsSync(apiary(ws, 'host.starting.json')), false, 'a host that serves leaves no progress file');
        a.conn.dispose();
      } finally {
        await host.stop();
      }
    });

    it('still gives up after its timeout when the host holding the lock reports nothing', async () => {
      const ws = tempWorkspace();
      const busy = busyHost(ws, { reporting: false });
      try {
        const started = Date.now();
        await assert.rejects(attach(ws, { client: { name: 'impatient', kind: 'test' }, timeoutMs: 400 }), (err: ApiaryError) => err.code === 'unavailable');
        assert.ok(Date.now() - started < 3000);
      } finally {
        busy.stop();
        fs.rmSync(apiary(ws, 'host.lock'), { force: true });
      }
    });
  });

  it('refuses to serve a workspace that is not a folder', async () => {
    const ws = tempWorkspace();
    const file = path.join(ws, 'not-a-folder');
    fs.writeFileSync(file, '');
    const r = await runCli(['serve', '--workspace', file, '--json']);
    assert.equal(r.code, 1);
    assert.equal(jsonOf<{ error: { code: string } }>(r).error.code, 'invalid_params');
  });
});
