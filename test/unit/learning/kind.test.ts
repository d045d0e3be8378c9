import assert from 'node:assert/strict';
import { isReadOnlyKind, taskKind } from '../../../server/learning/kind';

describe('task kinds (the buckets the router and strategy advice learn in)', () => {
  const cases: Array<[string, string]> = [
    ['Design the data model for invoices', 'design'],
    ['Add unit tests for the parser', 'test'],
    ['Update the README with the new flags', 'docs'],
    ['Fix the crash when the config file is empty', 'bugfix'],
    ['Rename getUser to fetchUser everywhere', 'refactor'],
    ['Bump esbuild and update the CI pipeline', 'config'],
    ['Find where retries are configured', 'lookup'],
    ['Add a dark mode toggle to the settings page', 'feature'],
    ['Add a CSV export to the report page', 'feature'],
  ];
  for (const [text, kind] of cases) {
    it(`files "${text}" under ${kind}`, () => assert.equal(taskKind(text), kind));
  }

  it('gives the same kind for the same words every time, whatever their case', () => {
    assert.equal(taskKind('FIX THE LOGIN BUG'), taskKind('fix the login bug'));
  });

  it('treats only look-ups as read-only work', () => {
    assert.equal(isReadOnlyKind('lookup'), true);
    assert.equal(isReadOnlyKind('bugfix'), false);
  });
});
