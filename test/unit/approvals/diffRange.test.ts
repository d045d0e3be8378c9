import assert from 'node:assert/strict';
import { changedRange } from '../../../extension/approvals/diffRange';

describe('the changed line range of a proposal', () => {
  it('finds the first to last changed line between a common prefix and suffix', () => {
    const cur = 'a\nb\nc\nd\ne\n';
    assert.deepEqual(changedRange(cur, 'a\nb\nX\nY\ne\n'), { current: { start: 2, end: 3 }, proposed: { start: 2, end: 3 } });
  });

  it('anchors an insertion at the line where it happens, and a deletion likewise', () => {
    assert.deepEqual(changedRange('a\nb\nc', 'a\nb\nnew\nc'), { current: { start: 2, end: 2 }, proposed: { start: 2, end: 2 } });
    assert.deepEqual(changedRange('a\nb\nc\nd', 'a\nd'), { current: { start: 1, end: 2 }, proposed: { start: 1, end: 1 } });
  });

  it('handles an empty current file and identical contents', () => {
    assert.deepEqual(changedRange('', 'x\ny'), { current: { start: 0, end: 0 }, proposed: { start: 0, end: 1 } });
    assert.equal(changedRange('same', 'same'), null);
  });
});
