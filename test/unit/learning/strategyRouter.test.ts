import assert from 'node:assert/strict';
import type { Outcome } from '../../../shared/learning';
import { LearningModel } from '../../../server/learning/model';
import { seededRng } from '../../../server/learning/rng';
import { coldStartTier, TierRouter } from '../../../server/learning/router';
import { tierRelativeCost } from '../../../server/learning/tierPrices';
import { NOW, outcome } from './helpers';

const fold = (os: Outcome[]) => LearningModel.fold(os, NOW, { relativeCost: tierRelativeCost() });

describe('strategy advice for decomposition', () => {
  it('defaults to feature-based with zero confidence when nothing is known', () => {
    const a = fold([]).strategyAdvice('migration');
    assert.equal(a.strategy, 'feature');
    assert.equal(a.confidence, 0);
    assert.deepEqual(a.avoid, []);
  });

  it('picks another strategy after one keeps failing on a kind, and the prompt carries the anti-pattern', () => {
    const before = fold(Array.from({ length: 2 }, () => outcome({ kind: 'refactor', strategy: 'file' }))).strategyAdvice('refactor');
    assert.equal(before.strategy, 'file');
    const os = [
      ...Array.from({ length: 2 }, () => outcome({ kind: 'refactor', strategy: 'file' })),
      ...Array.from({ length: 5 }, () => outcome({ kind: 'refactor', strategy: 'file', success: false })),
      outcome({ kind: 'refactor', strategy: 'risk' }),
    ];
    const after = fold(os).strategyAdvice('refactor');
    assert.equal(after.strategy, 'risk');
    assert.ok(after.confidence > 0);
    assert.equal(after.avoid.length, 1);
    assert.match(after.avoid[0]!, /^AVOID: file-based decomposition .* for refactor tasks \(failed 71% of 7 attempts\)$/);
    assert.ok(after.promptText.includes(after.avoid[0]!));
    assert.match(after.promptText, /^Decomposition: use risk-based decomposition/);
  });

  it('leaves other kinds alone', () => {
    const os = Array.from({ length: 4 }, () => outcome({ kind: 'refactor', strategy: 'file', success: false }));
    os.push(...Array.from({ length: 3 }, () => outcome({ kind: 'docs', strategy: 'file' })));
    assert.equal(fold(os).strategyAdvice('docs').strategy, 'file');
  });

  it('borrows evidence from kinds sharing a word when a kind is new', () => {
    const os = Array.from({ length: 4 }, () => outcome({ kind: 'api refactor', strategy: 'risk' }));
    const a = fold(os).strategyAdvice('refactor');
    assert.equal(a.strategy, 'risk');
    assert.match(a.promptText, /tasks similar to refactor/);
  });
});

describe('the tier router', () => {
  const rel = tierRelativeCost();

  it('uses the price table ratios: small is far cheaper than medium, large dearest', () => {
    assert.equal(rel.large, 1);
    assert.ok(rel.small < rel.medium / 10);
  });

  it('starts with rules: short read-only work → small, design → large, the rest → medium', () => {
    assert.equal(coldStartTier({ kind: 'lookup', readOnly: true, estimatedTokens: 2000 }), 'small');
    assert.equal(coldStartTier({ kind: 'design', readOnly: true }), 'large');
    assert.equal(coldStartTier({ kind: 'bugfix' }), 'medium');
    const r = new TierRouter({ relativeCost: rel });
    assert.deepEqual(r.route({ kind: 'design' }, seededRng(1)), { tier: 'large', reason: 'cold-start' });
  });

  it('honours a manual override and goes small when the budget is nearly spent', () => {
    const r = new TierRouter({ relativeCost: rel });
    assert.deepEqual(r.route({ kind: 'design', override: 'small' }, seededRng(1)), { tier: 'small', reason: 'override' });
    assert.deepEqual(r.route({ kind: 'design', budgetRemaining: 0.02 }, seededRng(1)), { tier: 'small', reason: 'budget' });
  });

  it('moves up after a tier keeps failing a kind', () => {
    const r = new TierRouter({ relativeCost: rel });
    for (let i = 0; i < 20; i++) r.observe('refactor', 'small', true);
    const rng = seededRng(3);
    const pick = () => {
      const counts = { small: 0, medium: 0, large: 0 };
      for (let i = 0; i < 400; i++) counts[r.route({ kind: 'refactor' }, rng).tier]++;
      return counts;
    };
    assert.ok(pick().small > 300, 'small while it works');
    for (let i = 0; i < 40; i++) r.observe('refactor', 'small', false);
    for (let i = 0; i < 5; i++) r.observe('refactor', 'medium', true);
    const after = pick();
    assert.ok(after.small < 40 && after.medium + after.large > 360, JSON.stringify(after));
  });

  it('explores at least 10% of its decisions', () => {
    const r = new TierRouter({ relativeCost: rel, exploration: 0.01 });
    for (let i = 0; i < 10; i++) r.observe('docs', 'small', true);
    const rng = seededRng(9);
    let explored = 0;
    for (let i = 0; i < 5000; i++) if (r.route({ kind: 'docs' }, rng).reason === 'explore') explored++;
    assert.ok(explored / 5000 >= 0.09 && explored / 5000 <= 0.11, String(explored));
  });

  it('leans cheaper as the budget runs low', () => {
    const r = new TierRouter({ relativeCost: rel, exploration: 0.1 });
    for (let i = 0; i < 30; i++) {
      r.observe('bugfix', 'small', i % 10 < 7);
      r.observe('bugfix', 'medium', i % 10 < 9);
    }
    const share = (budgetRemaining: number) => {
      const rng = seededRng(5);
      let small = 0;
      for (let i = 0; i < 1000; i++) if (r.route({ kind: 'bugfix', budgetRemaining }, rng).tier === 'small') small++;
      return small;
    };
    assert.ok(share(0.1) > share(1) + 100, `${share(0.1)} vs ${share(1)}`);
  });

  it('is wired into the model: outcomes recorded for a kind steer its route', () => {
    const os = Array.from({ length: 30 }, () => outcome({ kind: 'docs', tier: 'small' }));
    const m = fold(os);
    const rng = seededRng(4);
    let small = 0;
    for (let i = 0; i < 100; i++) if (m.route({ kind: 'Docs' }, rng).tier === 'small') small++;
    assert.ok(small > 85, String(small));
  });
});
