// `apiary lock …` and `apiary agent …` as a script uses them: the built CLI as a child process
// against a running host; --json everywhere, refusals exit 1 with {error:{code,message,hint}}
// naming holder, expiry and reason, usage errors exit 2.
import assert from 'node:assert/strict';
import type { Agent, CheckResult, Reservation, ReserveResult } from '../../../shared/coordination';
import { cleanUp, ensureCliBuilt, jsonOf, runCli } from '../../support/host';
import { type CoordHost, MINUTE, startCoordHost, writeConfig } from './helpers';

type Refusal = { error: { code: string; message: string; hint?: string; details?: Record<string, unknown> } };

describe('the lock and agent verbs', function () {
  this.timeout(60_000);
  let h: CoordHost;
  const cli = (...args: string[]) => runCli([...args, '--workspace', h.workspace]);

  before(ensureCliBuilt);
  beforeEach(async () => {
    h = await startCoordHost();
  });
  afterEach(async () => {
    await h.stop();
    await cleanUp();
  });

  it('reserves as --agent (registering it on first use), lists, checks and releases', async () => {
    const r = await cli('lock', 'reserve', 'src/a.ts', 'src/lib/**', '!src/lib/gen/**', '--agent', 'BlueLake', '--ttl', '900', '--reason', 'refactor', '--cell', 'hv-7', '--json');
    assert.equal(r.code, 0, r.stderr);
    const granted = jsonOf<ReserveResult>(r).granted;
    assert.deepEqual(granted.map((g) => [g.pattern, g.except, g.holder, g.cell]), [
      ['src/a.ts', ['src/lib/gen/**'], 'BlueLake', 'hv-7'],
      ['src/lib/**', ['src/lib/gen/**'], 'BlueLake', 'hv-7'],
    ]);
    const ttl = Date.parse(granted[0]!.expiresAt) - Date.parse(granted[0]!.createdAt);
    assert.equal(ttl, 900_000);
    const agents = jsonOf<{ agents: Agent[] }>(await cli('agent', 'list', '--json')).agents;
    assert.deepEqual(agents.find((a) => a.name === 'BlueLake')?.kind, 'cli');

    const human = await cli('lock', 'list');
    assert.match(human.stdout, /src\/lib\/\*\* except src\/lib\/gen\/\*\* — BlueLake, exclusive, until .*\(in 15 min\), cell hv-7, "refactor"/);
    const mine = jsonOf<{ reservations: Reservation[] }>(await cli('lock', 'list', '--mine', '--agent', 'BlueLake', '--json'));
    assert.equal(mine.reservations.length, 2);
    const byPath = jsonOf<{ reservations: Reservation[] }>(await cli('lock', 'list', '--path', 'src/lib/x.ts', '--json'));
    assert.deepEqual(byPath.reservations.map((x) => x.pattern), ['src/lib/**']);

    const check = jsonOf<CheckResult>(await cli('lock', 'check', 'src/lib/x.ts', 'src/lib/gen/y.ts', '--json'));
    assert.deepEqual(check.paths.map((p) => p.blocked), [true, false]);
    const text = await cli('lock', 'check', 'src/lib/x.ts', 'other.txt');
    assert.match(text.stdout, /src\/lib\/x\.ts: BLOCKED — BlueLake: src\/lib\/\*\*/);
    assert.match(text.stdout, /other\.txt: free/);

    const released = await cli('lock', 'release', '--all', '--agent', 'BlueLake', '--json');
    assert.equal(jsonOf<{ released: Reservation[] }>(released).released.length, 2);
    assert.match((await cli('lock', 'list')).stdout, /No active reservations/);
  });

  it('refuses a conflicting reserve with exit 1 and a JSON error naming holder, expiry and reason; advisory grants it', async () => {
    assert.equal((await cli('lock', 'reserve', 'src/**', '--agent', 'BlueLake', '--reason', 'big refactor')).code, 0);
    const refused = await cli('lock', 'reserve', 'src/x.ts', '--agent', 'GreenFern', '--json');
    assert.equal(refused.code, 1);
    const { error } = jsonOf<Refusal>(refused);
    assert.equal(error.code, 'conflict');
    assert.match(error.message, /Reserved by BlueLake: src\/\*\* held by BlueLake \(exclusive until \d{4}-[^,]+, "big refactor"; both cover src\/x\.ts\)/);
    assert.ok(error.hint);
    const plain = await cli('lock', 'reserve', 'src/x.ts', '--agent', 'GreenFern');
    assert.equal(plain.code, 1);
    assert.match(plain.stderr, /apiary: Reserved by BlueLake[\s\S]*hint: /);

    writeConfig(h.workspace, { locks: { mode: 'advisory' } });
    const granted = await cli('lock', 'reserve', 'src/x.ts', '--agent', 'GreenFern');
    assert.equal(granted.code, 0, granted.stderr);
    assert.match(granted.stdout, /Advisory mode: granted despite src\/\*\* held by BlueLake/);
  });

  it('force-releases only after the holder went silent, telling it why', async () => {
    const r = jsonOf<ReserveResult>(await cli('lock', 'reserve', 'db/**', '--agent', 'BlueLake', '--json'));
    const id = r.granted[0]!.id;
    const early = await cli('lock', 'force-release', id, '--agent', 'GreenFern', '--json');
    assert.equal(early.code, 1);
    assert.equal(jsonOf<Refusal>(early).error.code, 'forbidden');
    h.clock.offsetMs += 16 * MINUTE;
    const late = await cli('lock', 'force-release', id, '--agent', 'GreenFern', '--reason', 'migration waits on it');
    assert.equal(late.code, 0, late.stdout + late.stderr);
    assert.match(late.stdout, /Force-released db\/\*\* \(held by BlueLake/);
    const inbox = await cli('mail', 'inbox', '--peek', '--agent', 'BlueLake');
    assert.match(inbox.stdout, /GreenFern\s+Your reservation of db\/\*\* was force-released\s+\[high\]/);
  });

  it('exits 2 on usage errors, printing a usage error under --json', async () => {
    for (const args of [
      ['lock'],
      ['lock', 'reserve'],
      ['lock', 'release'],
      ['lock', 'release', 'a', '--all'],
      ['lock', 'reserve', 'a', '--ttl', 'soon'],
      ['lock', 'reserve', 'a', '--agent', 'not a name'],
      ['lock', 'check'],
      ['lock', 'reserve', 'a', '--no-such-flag'],
      ['agent', 'register', '--kind', 'robot', '--name', 'X'],
    ]) {
      const r = await cli(...args, '--json');
      assert.equal(r.code, 2, `${args.join(' ')} → ${r.stdout}${r.stderr}`);
      assert.equal(jsonOf<Refusal>(r).error.code, 'usage');
    }
  });
});
