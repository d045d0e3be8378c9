import assert from 'node:assert/strict';
import { RefreshScheduler } from '../../../../extension/webview/refresh';

const tick = (ms = 0) => new Promise<void>((r) => setTimeout(r, ms));

/** A fetch the test finishes by hand, recording what each call saw. */
function gatedFetch() {
  const pending: Array<() => void> = [];
  let calls = 0;
  let running = 0;
  let overlapped = false;
  return {
    fetch: () => {
      calls++;
      running++;
      if (running > 1) overlapped = true;
      return new Promise<void>((resolve) =>
        pending.push(() => {
          running--;
          resolve();
        }),
      );
    },
    finishOne: async () => {
      pending.shift()?.();
      await tick();
    },
    get calls() {
      return calls;
    },
    get waiting() {
      return pending.length;
    },
    get overlapped() {
      return overlapped;
    },
  };
}

describe('extension/webview/refresh: when a webview view fetches its figures', () => {
  const schedulers: RefreshScheduler[] = [];
  const make = (fetch: () => Promise<void>) => {
    const s = new RefreshScheduler(fetch);
    schedulers.push(s);
    return s;
  };
  afterEach(() => schedulers.splice(0).forEach((s) => s.dispose()));

  it('turns a burst of changes into one fetch after the delay', async () => {
    const f = gatedFetch();
    const s = make(f.fetch);
    for (let i = 0; i < 10; i++) s.changed(20);
    await tick(5);
    assert.equal(f.calls, 0, 'nothing before the delay');
    await tick(40);
    assert.equal(f.calls, 1);
    await f.finishOne();
    assert.equal(s.stale, false);
  });

  it('fetches nothing while the view is hidden, and catches up once when it is shown', async () => {
    const f = gatedFetch();
    const s = make(f.fetch);
    s.setVisible(false);
    s.changed(0);
    s.changed(0);
    await tick(20);
    assert.equal(f.calls, 0);
    assert.equal(s.stale, true);
    s.setVisible(true);
    await tick(5);
    assert.equal(f.calls, 1);
    await f.finishOne();
    assert.equal(s.stale, false);
    s.setVisible(false);
    s.setVisible(true);
    await tick(5);
    assert.equal(f.calls, 1, 'showing a view that is up to date fetches nothing');
  });

  it('does not count a change that arrived while hidden during a fetch as covered by that fetch', async () => {
    const f = gatedFetch();
    const s = make(f.fetch);
    s.changed(0);
    await tick(5);
    assert.equal(f.calls, 1, 'a fetch is in flight');
    s.setVisible(false);
    s.changed(0); // e.g. a call settled after the report was read
    await f.finishOne();
    assert.equal(s.stale, true, 'the fetch began before the change, so the view is still behind');
    s.setVisible(true);
    await tick(5);
    assert.equal(f.calls, 2, 'showing the view fetches the change');
    await f.finishOne();
    assert.equal(s.stale, false);
  });

  it('runs one fetch at a time: a change during a fetch gets a fetch of its own afterwards', async () => {
    const f = gatedFetch();
    const s = make(f.fetch);
    s.changed(0);
    await tick(5);
    s.changed(0);
    s.changed(0);
    await tick(10);
    assert.equal(f.calls, 1, 'the second fetch waits for the first');
    await f.finishOne();
    await tick(5);
    assert.equal(f.calls, 2);
    await f.finishOne();
    assert.equal(f.overlapped, false);
    assert.equal(s.stale, false);
  });

  it('now() fetches even when hidden and up to date, and resolves after its fetch', async () => {
    let calls = 0;
    const s = make(async () => {
      calls++;
      await tick(5);
    });
    s.setVisible(false);
    await s.now();
    assert.equal(calls, 1);
    await s.now();
    assert.equal(calls, 2, 'a command that changed something always gets fresh figures');
    assert.equal(s.stale, false);
  });

  it('a failed fetch still ends (the view shows the error) and the next change fetches again', async () => {
    let calls = 0;
    const s = make(async () => {
      calls++;
      throw new Error('host went away');
    });
    await assert.rejects(s.now(), /host went away/);
    assert.equal(s.stale, false);
    s.changed(0);
    await tick(10);
    assert.equal(calls, 2);
  });

  it('fetches nothing after dispose', async () => {
    const f = gatedFetch();
    const s = make(f.fetch);
    s.changed(10);
    s.dispose();
    await tick(30);
    assert.equal(f.calls, 0);
    assert.equal(f.waiting, 0);
  });
});
