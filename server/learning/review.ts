// Review prediction: a small logistic regression on past outcomes that says how likely a change
// is to need a human. Trained only once ≥ 50 outcomes report whether a human stepped in.
//
// Features (all scaled to roughly 0..1):
//   bias · tier small · tier large · log1p(files changed)/3 · min(errors,10)/10 · min(retries,5)/5
//   · log1p(tokens)/12 · success (of the automated gate)
// An outcome of unknown tier sets neither tier feature: the bias carries it, as for medium work.
import type { Outcome } from '../../shared/learning';

export const REVIEW_MIN_SAMPLES = 50;
export type ReviewInput = Pick<Outcome, 'tier' | 'errors' | 'retries' | 'tokens' | 'success'> & { filesChanged?: number };

export function reviewFeatures(o: ReviewInput): number[] {
  return [
    1,
    o.tier === 'small' ? 1 : 0,
    o.tier === 'large' ? 1 : 0,
    Math.log1p(o.filesChanged ?? 1) / 3,
    Math.min(o.errors, 10) / 10,
    Math.min(o.retries, 5) / 5,
    Math.log1p(o.tokens) / 12,
    o.success ? 1 : 0,
  ];
}

export interface ReviewModel {
  weights: number[];
  samples: number;
}

const sigmoid = (z: number): number => 1 / (1 + Math.exp(-z));

/** Batch gradient descent with a little L2; deterministic. Null below REVIEW_MIN_SAMPLES. */
export function trainReviewModel(samples: Array<{ input: ReviewInput; neededHuman: boolean }>, epochs = 400, rate = 0.5, l2 = 0.001): ReviewModel | null {
  if (samples.length < REVIEW_MIN_SAMPLES) return null;
  const xs = samples.map((s) => reviewFeatures(s.input));
  const ys = samples.map((s) => (s.neededHuman ? 1 : 0));
  const w = new Array<number>(xs[0]!.length).fill(0);
  for (let e = 0; e < epochs; e++) {
    const grad = new Array<number>(w.length).fill(0);
    for (let i = 0; i < xs.length; i++) {
      const x = xs[i]!;
      const err = sigmoid(dot(w, x)) - ys[i]!;
      for (let j = 0; j < w.length; j++) grad[j]! += err * x[j]!;
    }
    for (let j = 0; j < w.length; j++) w[j]! -= rate * (grad[j]! / xs.length + (j ? l2 * w[j]! : 0));
  }
  return { weights: w, samples: samples.length };
}

export function predictNeedsHuman(model: ReviewModel, input: ReviewInput): number {
  return sigmoid(dot(model.weights, reviewFeatures(input)));
}

function dot(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
