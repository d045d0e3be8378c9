import assert from 'node:assert/strict';
import { decide } from '../../../server/approvals/core/policy';
import { isReadOnlyCommand } from '../../../server/approvals/core/readOnly';
import { DEFAULT_SETTINGS, mergeSettings } from '../../../server/approvals/core/settings';
import { afterOutcome, freshTrust, publicTrust, type TrustRecord } from '../../../server/approvals/core/trust';

const at = '2026-01-01T00:00:00.000Z';
const autoAll = mergeSettings(DEFAULT_SETTINGS, { autoApprove: { change: true, command: true, budget: true, merge: true, question: true } });
const fail = (t: TrustRecord, n: number): TrustRecord => (n === 0 ? t : fail(afterOutcome(t, false, at), n - 1));
const succeed = (t: TrustRecord, n: number): TrustRecord => (n === 0 ? t : succeed(afterOutcome(t, true, at), n - 1));

describe('approval policy', () => {
  it('asks for every kind by default, except read-only commands with enough confidence', () => {
    for (const kind of ['change', 'command', 'budget', 'merge', 'question'] as const) {
      const d = decide({ kind, details: kind === 'command' ? { command: 'npm publish' } : {}, confidence: 0.99 }, DEFAULT_SETTINGS, freshTrust('a'));
      assert.equal(d.action, 'ask', kind);
      assert.match(d.reason, /need a human/);
    }
    const ro = decide({ kind: 'command', details: { command: 'git status --short' }, confidence: 0.9 }, DEFAULT_SETTINGS, freshTrust('a'));
    assert.equal(ro.action, 'auto_approve');
    assert.match(ro.reason, /read-only command auto-approved/);
  });

  it('asks below the confidence threshold (default 0.75) and approves at or above it', () => {
    const below = decide({ kind: 'change', details: {}, confidence: 0.74 }, autoAll, freshTrust('a'));
    assert.deepEqual(below.action, 'ask');
    assert.match(below.reason, /0\.74 is below the threshold 0\.75/);
    assert.equal(decide({ kind: 'change', details: {}, confidence: 0.75 }, autoAll, freshTrust('a')).action, 'auto_approve');
    assert.equal(decide({ kind: 'change', details: {}, confidence: null }, autoAll, freshTrust('a')).action, 'ask');
    const strict = mergeSettings(autoAll, { threshold: 0.9 });
    assert.equal(decide({ kind: 'change', details: {}, confidence: 0.8 }, strict, freshTrust('a')).action, 'ask');
  });

  it('refuses kinds the settings refuse, whatever the confidence', () => {
    const s = mergeSettings(autoAll, { refuse: { merge: true } });
    const d = decide({ kind: 'merge', details: {}, confidence: 1 }, s, freshTrust('a'));
    assert.equal(d.action, 'refuse');
    assert.match(d.reason, /refused by the workspace/);
  });

  it('takes auto-approval of risky kinds from an agent whose trust fell, but not of questions or read-only commands', () => {
    const low = fail(freshTrust('bot'), 1);
    assert.equal(low.score, 0.5);
    const d = decide({ kind: 'change', details: {}, confidence: 0.95 }, autoAll, low);
    assert.equal(d.action, 'ask');
    assert.match(d.reason, /bot's trust 0\.50 is below 0\.70 after 1 failure/);
    assert.equal(decide({ kind: 'question', details: {}, confidence: 0.95 }, autoAll, low).action, 'auto_approve');
    assert.equal(decide({ kind: 'command', details: { command: 'ls -la' }, confidence: 0.95 }, autoAll, low).action, 'auto_approve');
    assert.equal(decide({ kind: 'command', details: { command: 'rm -rf build' }, confidence: 0.95 }, autoAll, low).action, 'ask');
  });
});

describe('agent trust', () => {
  it('starts full, halves with each failure and recovers by 0.1 per success, capped at 1', () => {
    const t = freshTrust('a');
    assert.equal(t.score, 1);
    assert.deepEqual([1, 2, 3].map((n) => fail(t, n).score), [0.5, 0.25, 0.125]);
    assert.equal(succeed(fail(t, 1), 1).score, 0.6);
    assert.equal(succeed(t, 3).score, 1);
    const f = succeed(fail(t, 2), 3);
    assert.deepEqual([f.successes, f.failures], [3, 2]);
  });

  it('earns auto-approval back after enough successes', () => {
    const low = fail(freshTrust('a'), 1);
    assert.equal(publicTrust(low, 0.7).restricted, true);
    assert.equal(decide({ kind: 'change', details: {}, confidence: 0.9 }, autoAll, succeed(low, 1)).action, 'ask');
    const back = succeed(low, 2);
    assert.equal(back.score, 0.7);
    assert.equal(publicTrust(back, 0.7).restricted, false);
    assert.equal(decide({ kind: 'change', details: {}, confidence: 0.9 }, autoAll, back).action, 'auto_approve');
  });
});

describe('read-only commands', () => {
  it('accepts simple reading commands and refuses chains, redirections and writers', () => {
    for (const c of ['ls', 'cat README.md', 'git status', 'git diff HEAD~1', 'grep -rn foo src', 'git log --oneline']) assert.equal(isReadOnlyCommand(c), true, c);
    for (const c of ['rm -rf x', 'ls; rm x', 'cat a > b', 'git push', 'git branch -D main', 'echo $(whoami)', 'ls | sh', 'npm test', '']) {
      assert.equal(isReadOnlyCommand(c), false, c);
    }
  });
});

describe('approval settings', () => {
  it('layers file settings over the defaults and pushed settings over both', () => {
    const file = mergeSettings(DEFAULT_SETTINGS, { threshold: 0.8, autoApprove: { command: true }, timeoutSeconds: 60 });
    const pushed = mergeSettings(file, { threshold: 0.6, defaultOutcome: 'approved' });
    assert.deepEqual([pushed.threshold, pushed.timeoutSeconds, pushed.defaultOutcome, pushed.autoApprove.command, pushed.autoApprove.change], [0.6, 60, 'approved', true, false]);
    assert.equal(DEFAULT_SETTINGS.threshold, 0.75);
    assert.equal(DEFAULT_SETTINGS.defaultOutcome, 'rejected');
  });
});
