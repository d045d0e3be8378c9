import assert from 'node:assert/strict';
import { counted } from '../../../server/cli/output';

describe('CLI human output', () => {
  it('counts in words that agree with the number', () => {
    assert.equal(counted(1, 'row'), '1 row');
    assert.equal(counted(0, 'row'), '0 rows');
    assert.equal(counted(2, 'segment'), '2 segments');
    assert.equal(counted(1, 'memory', 'memories'), '1 memory');
    assert.equal(counted(3, 'memory', 'memories'), '3 memories');
  });

  it('groups the digits of large counts', () => {
    assert.equal(counted(1_000_000, 'event'), '1,000,000 events');
  });
});
