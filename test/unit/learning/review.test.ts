import assert from 'node:assert/strict';
import { LearningModel } from '../../../server/learning/model';
import { seededRng } from '../../../server/learning/rng';
import { REVIEW_MIN_SAMPLES, trainReviewModel, predictNeedsHuman } from '../../../server/learning/review';
import { tierRelativeCost } from '../../../server/learning/tierPrices';
import { NOW, outcome } from './helpers';

describe('review prediction', () => {
  // Ground truth of the synthetic history: big changes with errors needed a human.
  const history = (n: number) => {
    const rng = seededRng(11);
    return Array.from({ length: n }, () => {
      const filesChanged = 1 + Math.floor(rng() * 30);
      const errors = Math.floor(rng() * 6);
      return outcome({ filesChanged, errors, neededHuman: filesChanged > 12 && errors >= 2 ? rng() < 0.9 : rng() < 0.1 });
    });
  };

  it('says nothing before 50 labelled outcomes', () => {
    const m = LearningModel.fold(history(REVIEW_MIN_SAMPLES - 1), NOW, { relativeCost: tierRelativeCost() });
    assert.equal(m.predictReview({ tier: 'medium', errors: 5, retries: 0, tokens: 1000, success: true, filesChanged: 25 }), null);
  });

  it('learns that large changes with errors need a human, and small clean ones do not', () => {
    const m = LearningModel.fold(history(200), NOW, { relativeCost: tierRelativeCost() });
    const risky = m.predictReview({ tier: 'medium', errors: 5, retries: 0, tokens: 5000, success: true, filesChanged: 28 })!;
    const safe = m.predictReview({ tier: 'medium', errors: 0, retries: 0, tokens: 5000, success: true, filesChanged: 1 })!;
    assert.ok(risky > 0.5 && safe < 0.2, `risky ${risky}, safe ${safe}`);
  });

  it('is deterministic', () => {
    const samples = history(80).map((o) => ({ input: o, neededHuman: o.neededHuman! }));
    const a = trainReviewModel(samples)!;
    const b = trainReviewModel(samples)!;
    assert.deepEqual(a.weights, b.weights);
    assert.equal(predictNeedsHuman(a, samples[0]!.input), predictNeedsHuman(b, samples[0]!.input));
  });
});
