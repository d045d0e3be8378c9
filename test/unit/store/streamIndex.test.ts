// The stream index (each stream's version, the ids callers chose) is rebuilt on every start: from
// the events' heads read in place, from decoded events where a head cannot be read that way, and
// from a snapshot's stored arrays. Whatever the names and ids, every way must give back the index
// the store kept live.
import assert from 'node:assert/strict';
import fc from 'fast-check';
import type { StreamIndex } from '../../../server/store/streamIndex';
import { cleanTempDirs, crash, openStore, tempDir } from './helpers';

const meta = { actor: 'ann' };

/** Names an agent could send: plain, accented, emoji, quotes and backslashes (escaped in the log), lone surrogates. */
const name = fc.string({
  unit: fc.oneof(fc.constantFrom('a', 'b', '-', ':', 'é', '😀', '"', '\\', '\uD800', '\uDC00', '\uFFFD'), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 })),
  minLength: 1,
  maxLength: 6,
});

const asMaps = (index: StreamIndex) => {
  const { versions, ids } = index.toJSON();
  return { versions: new Map(versions), ids: new Map(ids) };
};

describe('the stream index', () => {
  after(cleanTempDirs);

  it('comes back the same from the log, from a snapshot, and for any stream names and ids', async function () {
    this.timeout(120_000);
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.constantFrom('s1', 's2', 'x'), name, fc.option(name, { nil: undefined })), { minLength: 1, maxLength: 30 }), async (appends) => {
        const dir = tempDir();
        let store = await openStore(dir);
        let seq = 0;
        for (const [prefix, stream, id] of appends) {
          // A caller's id is unique in the log: the counter keeps two equal draws apart.
          const events = [{ ...(id === undefined ? {} : { id: `${id}#${seq++}` }), type: 'note.added', data: { text: stream } }];
          await store.events.append(`${prefix}${stream}`, events, 'any', meta);
        }
        const live = asMaps(store.events.index);
        crash(store);
        store = await openStore(dir);
        assert.deepEqual(asMaps(store.events.index), live, 'replayed from the log');
        store.close(); // snapshots at the head
        store = await openStore(dir);
        assert.equal(store.opened.fromSnapshot, store.head);
        assert.deepEqual(asMaps(store.events.index), live, 'read back from the snapshot');
        for (const [stream, version] of live.versions) assert.equal(store.events.version(stream), version);
        crash(store);
      }),
      { numRuns: 40 },
    );
  });
});
