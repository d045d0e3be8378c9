import assert from 'node:assert/strict';
import { chooseAttempt } from '../../../server/swarm/scoring';
import { diffSize } from '../../../server/swarm/isolation';

describe('Best-of-N scoring', () => {
  it('scores: failures are out, more tests then a smaller diff then lower cost win, and exact ties go to the judge', () => {
    const s = (attempt: number, passed: boolean, testsPassed: number, diffLines: number, costMicros = 10) => ({ attempt, passed, testsPassed, diffLines, costMicros });
    assert.deepEqual(chooseAttempt([s(1, false, 9, 1), s(2, false, 9, 1)]), { kind: 'none', reason: 'all 2 attempts failed verification' });
    assert.equal((chooseAttempt([s(1, true, 3, 10), s(2, true, 4, 50), s(3, false, 9, 1)]) as { attempt: number }).attempt, 2);
    assert.equal((chooseAttempt([s(1, true, 4, 10), s(2, true, 4, 5)]) as { attempt: number }).attempt, 2);
    assert.equal((chooseAttempt([s(1, true, 4, 5, 30), s(2, true, 4, 5, 20)]) as { attempt: number }).attempt, 2);
    assert.deepEqual(chooseAttempt([s(1, true, 4, 5), s(2, true, 4, 5), s(3, true, 1, 1)]), { kind: 'tie', attempts: [1, 2] });
  });

  it('measures a diff as lines added plus lines removed', () => {
    assert.equal(diffSize('a\nb\nc', 'a\nB\nc\nd'), 3);
    assert.equal(diffSize('same', 'same'), 0);
  });
});
