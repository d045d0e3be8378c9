import assert from 'node:assert/strict';
import { decayWeight, emptyEvidence, addEvidence, type Evidence } from '../../../server/learning/decay';
import { isAntiPattern, maturityOf } from '../../../server/learning/maturity';
import { LearningModel } from '../../../server/learning/model';
import { tierRelativeCost } from '../../../server/learning/tierPrices';
import { daysAgo, NOW, outcome } from './helpers';

function evidence(helpful: number, harmful: number): Evidence {
  const e = emptyEvidence();
  for (let i = 0; i < helpful; i++) addEvidence(e, 1, 0, 1);
  for (let i = 0; i < harmful; i++) addEvidence(e, 0, 1, 1);
  return e;
}

describe('pattern maturity', () => {
  it('starts as a candidate, becomes established at 2 helpful, proven at 5 with ≤ 20% failures', () => {
    assert.equal(maturityOf(evidence(1, 0)), 'candidate');
    assert.equal(maturityOf(evidence(2, 0)), 'established');
    assert.equal(maturityOf(evidence(4, 1)), 'established');
    assert.equal(maturityOf(evidence(5, 1)), 'proven');
    assert.equal(maturityOf(evidence(5, 2)), 'established');
  });

  it('inverts at 3 observations failing 60% or more, not before', () => {
    assert.equal(isAntiPattern(evidence(0, 2)), false, 'two failures are not enough');
    assert.equal(isAntiPattern(evidence(0, 3)), true);
    assert.equal(isAntiPattern(evidence(2, 3)), true, '3 of 5 = 60%');
    assert.equal(isAntiPattern(evidence(3, 3)), false, '50%');
    assert.equal(maturityOf(evidence(2, 3)), 'deprecated');
  });

  it('lets a proven pattern fall back as its evidence ages', () => {
    const e = emptyEvidence();
    for (let i = 0; i < 6; i++) addEvidence(e, 1, 0, decayWeight(NOW - 200 * 86_400_000, NOW));
    assert.equal(maturityOf(e), 'candidate');
  });
});

describe('patterns in prompts', () => {
  const fold = (os: ReturnType<typeof outcome>[]) => LearningModel.fold(os, NOW, { relativeCost: tierRelativeCost() });

  it('states proven patterns first, drops deprecated ones, and adds AVOID lines with the failure rate', () => {
    const os = [
      ...Array.from({ length: 6 }, () => outcome({ patterns: ['write the failing test first'] })),
      ...Array.from({ length: 2 }, () => outcome({ patterns: ['small commits'] })),
      outcome({ patterns: ['mock the database'], success: false }),
      outcome({ patterns: ['mock the database'], success: false }),
      outcome({ patterns: ['mock the database'], success: true }),
      outcome({ patterns: ['mock the database'], success: false }),
    ];
    const m = fold(os);
    const lines = m.patternLines();
    assert.deepEqual(lines, ['PROVEN: write the failing test first', 'WORKED BEFORE: small commits', 'AVOID: mock the database (failed 75% of 4 attempts)']);
    assert.deepEqual(
      m.patternViews().map((p) => [p.pattern, p.maturity]),
      [
        ['write the failing test first', 'proven'],
        ['small commits', 'established'],
        ['mock the database', 'deprecated'],
      ],
    );
  });

  it('forgets an anti-pattern whose failures are old once it starts working again', () => {
    const os = [
      ...Array.from({ length: 3 }, () => outcome({ patterns: ['regenerate snapshots'], success: false, at: daysAgo(400) })),
      ...Array.from({ length: 2 }, () => outcome({ patterns: ['regenerate snapshots'] })),
    ];
    assert.equal(fold(os).antiPatterns().length, 0);
  });
});
