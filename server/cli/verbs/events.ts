// events [--from N] [--to N] [--limit N] [--stream S] · events verify · events append · replay
import { AppendEventsRequest, ReadEventsRequest, ReplayRequest, VerifyEventsRequest } from '../../../shared/protocol';
import { intOption, parse } from '../args';
import { withHost } from '../client';
import { counted, printResult, UsageError } from '../output';

export async function events(argv: string[]): Promise<number> {
  const { values, positionals, common } = parse(argv, {
    from: { type: 'string' },
    to: { type: 'string' },
    limit: { type: 'string' },
    stream: { type: 'string' },
    type: { type: 'string' },
    data: { type: 'string' },
    id: { type: 'string' },
    expected: { type: 'string' },
  });
  const sub = positionals[0];
  if (sub === 'verify') {
    const report = await withHost(common, (c) => c.sendRequest(VerifyEventsRequest));
    printResult(report, common.json, () =>
      report.ok
        ? `Log verified: ${counted(report.events, 'event')} in ${counted(report.records, 'record')} across ${counted(report.segments, 'segment')}; head hash ${report.headHash}.`
        : `LOG DAMAGED at position ${report.problem!.position} (segment ${report.problem!.segment}, byte ${report.problem!.offset}): ${report.problem!.reason}`,
    );
    return report.ok ? 0 : 1;
  }
  if (sub === 'append') {
    const stream = values.stream as string | undefined;
    const type = values.type as string | undefined;
    if (!stream || !type) throw new UsageError('events append needs --stream S --type T [--data JSON] [--id ID] [--expected any|no-stream|exists|N]');
    let data: unknown = null;
    if (values.data !== undefined) {
      try {
        data = JSON.parse(values.data as string);
      } catch {
        throw new UsageError('--data must be JSON');
      }
    }
    const exp = values.expected as string | undefined;
    const expectedVersion = exp === undefined ? 'any' : /^\d+$/.test(exp) ? Number(exp) : exp;
    const r = await withHost(common, (c) =>
      c.sendRequest(AppendEventsRequest, {
        stream,
        events: [{ type, data, ...(values.id ? { id: values.id as string } : {}) }],
        expectedVersion: expectedVersion as 'any',
      }),
    );
    printResult(r, common.json, () => `${r.duplicate ? 'Already appended' : 'Appended'} at position ${r.positions.join(', ')}; ${r.stream} is at version ${r.version}.`);
    return 0;
  }
  if (sub !== undefined) throw new UsageError(`unknown events subcommand ${sub}`);
  const res = await withHost(common, (c) =>
    c.sendRequest(ReadEventsRequest, {
      from: intOption(values, 'from'),
      to: intOption(values, 'to'),
      limit: intOption(values, 'limit'),
      stream: values.stream as string | undefined,
    }),
  );
  if (common.json) {
    printResult(res, true, () => '');
  } else {
    for (const e of res.events) process.stdout.write(`${e.position}\t${e.ts}\t${e.stream}@${e.version}\t${e.type}\t${e.actor}\t${JSON.stringify(e.data)}\n`);
    process.stdout.write(`(${counted(res.events.length, 'event')}; log head ${res.head})\n`);
  }
  return 0;
}

export async function replay(argv: string[]): Promise<number> {
  const { values, common } = parse(argv, { to: { type: 'string' }, at: { type: 'string' }, sql: { type: 'string' } }, false);
  const to = intOption(values, 'to');
  const at = values.at as string | undefined;
  if (to === undefined && at === undefined) throw new UsageError('replay needs --to POSITION or --at ISO-TIME');
  const r = await withHost(common, (c) => c.sendRequest(ReplayRequest, { to, at, sql: values.sql as string | undefined }));
  printResult(r, common.json, () => {
    const lines = [`Read models as of position ${r.position}${r.ts ? ` (${r.ts})` : ''}:`];
    for (const [t, n] of Object.entries(r.tables)) lines.push(`  ${t.padEnd(28)} ${counted(n, 'row')}`);
    if (r.rows) lines.push(JSON.stringify(r.rows, null, 2));
    return lines.join('\n');
  });
  return 0;
}
