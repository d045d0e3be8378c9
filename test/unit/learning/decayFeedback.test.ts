import assert from 'node:assert/strict';
import { addEvidence, decayWeight, emptyEvidence, failureRate, HALF_LIFE_DAYS } from '../../../server/learning/decay';
import { scoreOutcome, SLOW_MS } from '../../../server/learning/feedback';
import { DAY, NOW } from './helpers';

describe('decay of evidence', () => {
  it('weighs an observation 1 today, 1/2 after 90 days and 1/4 after 180', () => {
    assert.equal(decayWeight(NOW, NOW), 1);
    assert.equal(HALF_LIFE_DAYS, 90);
    assert.ok(Math.abs(decayWeight(NOW - 90 * DAY, NOW) - 0.5) < 1e-12);
    assert.ok(Math.abs(decayWeight(NOW - 180 * DAY, NOW) - 0.25) < 1e-12);
    assert.ok(Math.abs(decayWeight(NOW - 45 * DAY, NOW) - Math.SQRT1_2) < 1e-12);
  });

  it('never weighs a future observation above 1', () => {
    assert.equal(decayWeight(NOW + 10 * DAY, NOW), 1);
  });

  it('lets recent failures outweigh old successes in the failure rate', () => {
    const e = emptyEvidence();
    for (let i = 0; i < 4; i++) addEvidence(e, 1, 0, decayWeight(NOW - 360 * DAY, NOW));
    for (let i = 0; i < 2; i++) addEvidence(e, 0, 1, 1);
    assert.equal(e.count, 6);
    assert.ok(Math.abs(failureRate(e) - 2 / (2 + 4 * 0.0625)) < 1e-9, `failure rate ${failureRate(e)}`); // 89%, though 4 of 6 passed
  });
});

describe('implicit feedback', () => {
  it('scores a clean success 1 and a failure 0 (fully harmful)', () => {
    assert.deepEqual(scoreOutcome({ success: true, durationMs: 1000, errors: 0, retries: 0 }), { score: 1, helpful: 1, harmful: 0 });
    assert.deepEqual(scoreOutcome({ success: false, durationMs: 1000, errors: 0, retries: 0 }), { score: 0, helpful: 0, harmful: 1 });
  });

  it('takes credit away for retries, errors and slowness, but a success keeps at least 0.3', () => {
    const retried = scoreOutcome({ success: true, durationMs: 1000, errors: 0, retries: 2 }).score;
    const errored = scoreOutcome({ success: true, durationMs: 1000, errors: 3, retries: 0 }).score;
    const slow = scoreOutcome({ success: true, durationMs: SLOW_MS * 4, errors: 0, retries: 0 }).score;
    assert.ok(Math.abs(retried - 0.7) < 1e-9);
    assert.ok(Math.abs(errored - 0.85) < 1e-9);
    assert.ok(Math.abs(slow - 0.8) < 1e-9);
    assert.equal(scoreOutcome({ success: true, durationMs: SLOW_MS * 10, errors: 20, retries: 9 }).score, 0.3);
  });
});
