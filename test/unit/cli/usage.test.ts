// `apiary <verb> --help` prints the verb's part of the usage text: every line about the verb,
// with the lines under it, and nothing about other verbs.
import assert from 'node:assert/strict';
import { USAGE, verbUsage } from '../../../server/cli/usage';

describe('the usage of one verb (verbUsage)', () => {
  it('gives every entry of the verb, with its continuation lines, under the common usage line', () => {
    const events = verbUsage('events')!;
    const lines = events.split('\n');
    assert.match(lines[0]!, /^Usage: apiary events \[options\]/);
    assert.ok(lines.some((l) => l.startsWith('  events verify')));
    assert.ok(lines.some((l) => l.startsWith('  events append')));
    assert.ok(lines.some((l) => l.trim() === 'print events from the log'), 'a description on the line below its entry');
    assert.ok(!lines.some((l) => l.startsWith('  replay')), 'not the next verb');
  });

  it('tells a verb from another that begins with the same letters', () => {
    const mcp = verbUsage('mcp')!;
    assert.match(mcp, /^ {2}mcp \[--tools/m);
    assert.doesNotMatch(mcp, /mcp-token/);
    assert.match(verbUsage('mcp-token')!, /^ {2}mcp-token \[--rotate\]/m);
  });

  it('takes the lines where several entries of a verb share one line, and multi-line entries whole', () => {
    const hive = verbUsage('hive')!;
    assert.match(hive, /hive ready \[--limit N\] \| hive list/);
    assert.match(hive, /\[--depends-on ID\] \[--subtask TITLE \.\.\.\]/);
    const mail = verbUsage('mail')!;
    assert.match(mail, /\[--importance low\|normal\|high\|urgent\] \[--ack-required\]/);
  });

  it('knows no verb the usage does not describe', () => {
    assert.equal(verbUsage('frobnicate'), null);
    assert.equal(verbUsage('Usage:'), null);
    assert.ok(USAGE.includes('Exit codes'));
  });
});
