// Replay workers build the read models from their own list (they do not load the features): it
// must name the very read models the host's features declare, or a replay would fall back to the
// main thread on every start.
import assert from 'node:assert/strict';
import { hostReadModels } from '../../../server/host/readModels';
import { hostProjections } from '../../../server/main';

describe("the replay workers' list of read models", () => {
  it('holds exactly the read models of a host with every feature, the same objects', () => {
    const fromFeatures = hostProjections();
    assert.deepEqual(
      hostReadModels.map((p) => p.name).sort(),
      fromFeatures.map((p) => p.name).sort(),
    );
    for (const p of hostReadModels) assert.equal(p, fromFeatures.find((f) => f.name === p.name), p.name);
  });
});
