import assert from 'node:assert/strict';
import type { Outcome } from '../../../shared/learning';
import { FailureBase } from '../../../server/learning/failureBase';
import { LearningModel } from '../../../server/learning/model';
import { tierRelativeCost } from '../../../server/learning/tierPrices';
import { NOW, outcome, untiered } from './helpers';

const fold = (os: Outcome[]) => LearningModel.fold(os, NOW, { relativeCost: tierRelativeCost() });

describe('outcomes of unknown tier in the learning model', () => {
  it('leave the router and the tier × kind statistics untouched', () => {
    const m = fold(Array.from({ length: 6 }, () => untiered({ kind: 'bugfix', success: false })));
    assert.equal(m.count, 6);
    assert.equal(m.untiered, 6);
    assert.deepEqual(m.router.kinds(), []);
    for (const tier of ['small', 'medium', 'large'] as const) assert.equal(m.tierKindEvidence(tier, 'bugfix'), undefined);
    assert.deepEqual(m.route({ kind: 'bugfix' }, () => 0.5), { tier: 'medium', reason: 'cold-start' });
  });

  it('do not move the router for known tiers either', () => {
    const known = Array.from({ length: 5 }, () => outcome({ kind: 'bugfix', tier: 'small' }));
    const alone = fold(known);
    const mixed = fold([...known, ...Array.from({ length: 5 }, () => untiered({ kind: 'bugfix', success: false }))]);
    assert.deepEqual(mixed.router.stats('bugfix'), alone.router.stats('bugfix'));
    assert.deepEqual(mixed.tierKindEvidence('small', 'bugfix'), alone.tierKindEvidence('small', 'bugfix'));
  });

  it('still teach patterns and strategies: three failures deprecate a pattern and turn the advice', () => {
    const os = Array.from({ length: 3 }, () => untiered({ kind: 'refactor', strategy: 'file', patterns: ['one subtask per file'], success: false }));
    const m = fold(os);
    assert.deepEqual(m.antiPatterns().map((a) => a.text), ['AVOID: one subtask per file (failed 100% of 3 attempts)']);
    assert.notEqual(m.strategyAdvice('refactor').strategy, 'file');
  });

  it('still count as review samples', () => {
    const m = fold([untiered({ neededHuman: true }), untiered({ neededHuman: false })]);
    assert.equal(m.reviewSampleCount(), 2);
  });

  it('record what fixed a failure without naming a tier', () => {
    const kb = new FailureBase();
    const output = "src/a.ts(3,1): error TS2304: Cannot find name 'foo'.";
    kb.observe(untiered({ cell: 'hv-9', success: false, verificationOutput: output }));
    kb.observe(untiered({ cell: 'hv-9', success: true, retries: 1 }));
    assert.match(kb.relevantFailures(output)[0]!, /What fixed it before: passed after 1 retry\.$/);
  });
});
