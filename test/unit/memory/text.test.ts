import assert from 'node:assert/strict';
import { stem } from '../../../server/memory/stemmer';
import { terms } from '../../../server/memory/text';

describe('the Porter stemmer', () => {
  it('matches the published examples', () => {
    const cases: Array<[string, string]> = [
      ['caresses', 'caress'], ['ponies', 'poni'], ['cats', 'cat'], ['agreed', 'agre'], ['plastered', 'plaster'],
      ['motoring', 'motor'], ['hopping', 'hop'], ['filing', 'file'], ['happy', 'happi'], ['relational', 'relat'],
      ['conditional', 'condit'], ['generalization', 'gener'], ['electricity', 'electr'], ['adjustable', 'adjust'], ['controlling', 'control'],
    ];
    for (const [w, s] of cases) assert.equal(stem(w), s, w);
  });

  it('gives word forms one stem', () => {
    assert.equal(stem('connections'), stem('connected'));
    assert.equal(stem('configure'), stem('configuration'));
  });
});

describe('index terms', () => {
  it('drops stop words and maps synonyms onto one term', () => {
    assert.deepEqual(terms('The tests are failing on Windows'), terms('specs break on win32'));
    assert.deepEqual(terms('how do I remove a package'), terms('delete dependency'));
  });

  it('splits dotted and dashed identifiers into their words', () => {
    assert.deepEqual(terms('pnpm-lock.yaml'), ['pnpm', 'lock', 'yaml']);
  });
});
