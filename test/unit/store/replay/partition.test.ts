// Sharing read models out between replay workers: each read model whole on one worker, the busiest
// first, each to the least loaded, and no worker left with nothing to build.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { partition } from '../../../../server/store/replay/partition';

const loads = (groups: string[][], load: Map<string, number>): number[] => groups.map((g) => g.reduce((n, name) => n + load.get(name)!, 0));

describe('replay partition', () => {
  it('balances by the events each read model handles, largest first', () => {
    const load = new Map([
      ['hive', 100],
      ['mailbox', 250],
      ['caslock', 150],
      ['cursor', 100],
      ['deferred', 100],
      ['memory', 0],
    ]);
    const groups = partition(load, 2);
    assert.deepEqual(groups, [
      ['mailbox', 'deferred', 'memory'],
      ['caslock', 'cursor', 'hive'],
    ]);
    assert.deepEqual(loads(groups, load), [350, 350]);
  });

  it('makes no more groups than read models, and none empty', () => {
    assert.deepEqual(partition(new Map([['a', 5]]), 4), [['a']]);
    assert.deepEqual(partition(new Map(), 3), []);
    assert.deepEqual(partition(new Map([['a', 0], ['b', 0], ['c', 0]]), 2), [['a', 'c'], ['b']]);
  });

  it('places every read model exactly once, and never leaves a group more than the largest model above another', () => {
    fc.assert(
      fc.property(fc.uniqueArray(fc.tuple(fc.string({ minLength: 1, maxLength: 6 }), fc.nat(1000)), { selector: ([n]) => n, maxLength: 12 }), fc.integer({ min: 1, max: 6 }), (entries, workers) => {
        const load = new Map(entries);
        const groups = partition(load, workers);
        assert.deepEqual(groups.flat().sort(), [...load.keys()].sort());
        assert.ok(groups.length <= workers && groups.every((g) => g.length > 0));
        const l = loads(groups, load);
        if (l.length > 1) assert.ok(Math.max(...l) - Math.min(...l) <= Math.max(0, ...load.values()));
      }),
    );
  });
});
