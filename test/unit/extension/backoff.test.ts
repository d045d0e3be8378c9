import assert from 'node:assert/strict';
import { Backoff } from '../../../extension/backoff';

describe('extension/backoff: delays between reconnect attempts', () => {
  const options = { baseMs: 1_000, maxMs: 30_000, healthyAfterMs: 60_000 };

  it('doubles the delay after each failure in a row: 1 s, 2 s, 4 s, 8 s, 16 s', () => {
    const b = new Backoff(options);
    const delays = [0, 1, 2, 3, 4].map((i) => b.failed(i * 100));
    assert.deepEqual(delays, [1_000, 2_000, 4_000, 8_000, 16_000]);
    assert.equal(b.attempts, 5);
  });

  it('never waits longer than the cap, however many failures', () => {
    const b = new Backoff(options);
    let last = 0;
    for (let i = 0; i < 100; i++) last = b.failed(i);
    assert.equal(last, 30_000);
  });

  it('keeps escalating when a connection came up but died within the healthy period', () => {
    const b = new Backoff(options);
    b.failed(0);
    b.failed(1_000);
    b.succeeded(5_000);
    assert.equal(b.failed(5_000 + 59_999), 4_000);
  });

  it('starts over at the base delay after a connection stayed up for the healthy period', () => {
    const b = new Backoff(options);
    for (let i = 0; i < 6; i++) b.failed(i);
    b.succeeded(10_000);
    assert.equal(b.failed(10_000 + 60_000), 1_000);
    assert.equal(b.attempts, 1);
  });

  it('reset() forgets every failure (a restart the user asked for)', () => {
    const b = new Backoff(options);
    for (let i = 0; i < 4; i++) b.failed(i);
    b.reset();
    assert.equal(b.attempts, 0);
    assert.equal(b.failed(10), 1_000);
  });
});
