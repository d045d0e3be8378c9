import assert from 'node:assert/strict';
import { childNumber, compareIds, hashId, idSortKey, idLengthFor, MAX_ID_LENGTH, MIN_ID_LENGTH, newCellId } from '../../../server/hive/core/ids';
import { TestHive } from './harness';

const birthday = (n: number, length: number) => 1 - Math.exp(-(n * n) / (2 * Math.pow(36, length)));

describe('hive ids', () => {
  describe('length grows with the hive', () => {
    it('starts at four characters for a small hive', () => {
      assert.equal(idLengthFor(0), MIN_ID_LENGTH);
      assert.equal(idLengthFor(182), 4);
    });

    it('grows one character at each documented size', () => {
      assert.equal(idLengthFor(183), 5);
      assert.equal(idLengthFor(1101), 5);
      assert.equal(idLengthFor(1102), 6);
      assert.equal(idLengthFor(6613), 6);
      assert.equal(idLengthFor(6614), 7);
      assert.equal(idLengthFor(10_000), 7);
      assert.equal(idLengthFor(39_688), 8);
    });

    it('keeps the birthday collision chance of the next id under 1 % at every size', () => {
      for (let n = 0; n < 300_000; n += 997) {
        const length = idLengthFor(n);
        assert.ok(birthday(n + 1, length) <= 0.01, `n=${n} length=${length}`);
        if (length > MIN_ID_LENGTH) assert.ok(birthday(n + 1, length - 1) > 0.01, `n=${n}: ${length - 1} would have been enough`);
      }
    });

    it('never exceeds the maximum length', () => {
      assert.equal(idLengthFor(Number.MAX_SAFE_INTEGER), MAX_ID_LENGTH);
    });
  });

  describe('hash ids', () => {
    it('are base-36 of the requested length and depend only on the seed', () => {
      for (const length of [4, 7, 12]) {
        const id = hashId('fix the login', length);
        assert.match(id, new RegExp(`^[0-9a-z]{${length}}$`));
        assert.equal(hashId('fix the login', length), id);
      }
      assert.notEqual(hashId('fix the login', 8), hashId('fix the logout', 8));
    });

    it('retries with a new nonce on a collision and grows the length when retries run out', () => {
      const taken = new Set<string>();
      const first = newCellId({ prefix: 'ap-', seed: 's', cellCount: 0, exists: (id) => taken.has(id) });
      assert.match(first, /^ap-[0-9a-z]{4}$/);
      taken.add(first);
      const second = newCellId({ prefix: 'ap-', seed: 's', cellCount: 0, exists: (id) => taken.has(id) });
      assert.notEqual(second, first);
      assert.equal(second.length, first.length);

      const grown = newCellId({ prefix: 'ap-', seed: 's', cellCount: 0, exists: (id) => id.length === 'ap-'.length + 4 });
      assert.match(grown, /^ap-[0-9a-z]{5}$/);
    });
  });

  describe('child ids', () => {
    it('number children under their parent, and grandchildren under children', async () => {
      const hive = await TestHive.create();
      const epic = hive.create('Epic', { type: 'epic' });
      assert.match(epic, /^ap-[0-9a-z]{4}$/);
      const one = hive.create('First', { parent: epic });
      const two = hive.create('Second', { parent: epic });
      const deep = hive.create('Deeper', { parent: one });
      assert.equal(one, `${epic}.1`);
      assert.equal(two, `${epic}.2`);
      assert.equal(deep, `${epic}.1.1`);
      assert.equal(hive.cell(deep).parent, one);
    });

    it('never reuse a number, even after the child was deleted', async () => {
      const hive = await TestHive.create();
      const epic = hive.create('Epic', { type: 'epic' });
      const one = hive.create('First', { parent: epic });
      hive.run('apiary/hive/delete', { id: one });
      assert.equal(hive.create('Again', { parent: epic }), `${epic}.2`);
    });

    it('use ap- by default and the configured prefix when one is given', async () => {
      const hive = await TestHive.create();
      assert.match(hive.create('x'), /^ap-[0-9a-z]{4}$/);
      hive.idPrefix = 'web-';
      const root = hive.create('y');
      assert.match(root, /^web-[0-9a-z]{4}$/);
      assert.equal(hive.create('z', { parent: root }), `${root}.1`);
    });

    it('recognise direct children only', () => {
      assert.equal(childNumber('ap-1a2b', 'ap-1a2b.12'), 12);
      assert.equal(childNumber('ap-1a2b', 'ap-1a2b.1.3'), null);
      assert.equal(childNumber('ap-1a2b', 'ap-1a2bc'), null);
    });

    it('sort the way people read them', () => {
      const ids = ['ap-b', 'ap-a.10', 'ap-a.2', 'ap-a', 'ap-a.2.1', 'ap-a0', 'ap-a.1'];
      const expected = ['ap-a', 'ap-a.1', 'ap-a.2', 'ap-a.2.1', 'ap-a.10', 'ap-a0', 'ap-b'];
      assert.deepEqual([...ids].sort(compareIds), expected);
      const byKey = [...ids].sort((x, y) => (idSortKey(x) < idSortKey(y) ? -1 : idSortKey(x) > idSortKey(y) ? 1 : 0));
      assert.deepEqual(byKey, expected, 'sort keys give the same order');
    });
  });
});
