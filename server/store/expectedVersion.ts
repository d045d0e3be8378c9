import { ApiaryError } from '../../shared/errors';
import type { ExpectedVersion } from '../../shared/events';

/** Optimistic concurrency: throws `wrong_expected_version` reporting the stream's actual version. */
export function checkExpectedVersion(stream: string, expected: ExpectedVersion, actual: number): void {
  const ok =
    expected === 'any' ||
    (expected === 'no-stream' && actual === 0) ||
    (expected === 'exists' && actual > 0) ||
    (typeof expected === 'number' && expected === actual);
  if (ok) return;
  const wanted = typeof expected === 'number' ? `version ${expected}` : expected;
  throw new ApiaryError(
    'wrong_expected_version',
    `stream ${stream} is at version ${actual}, expected ${wanted}`,
    'Re-read the stream and retry with its current version.',
    { stream, expected, actual },
  );
}
