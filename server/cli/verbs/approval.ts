// approval list|approve|reject|request|trust — the human-in-the-loop gate from a terminal.
// `request` is for scripts (and tests) acting as an agent: with --wait it blocks until decided
// and exits 0 when approved, 1 when rejected.
import fs from 'node:fs';
import {
  type Approval,
  ApprovalDecideRequest,
  ApprovalListRequest,
  ApprovalRequestRequest,
  ApprovalTrustRequest,
  ApprovalTrustResetRequest,
  ApprovalWaitRequest,
  type TrustState,
} from '../../../shared/approvals';
import { approvalDetailsSchema, approvalKindSchema, type ApprovalRequestParams } from '../../../shared/approvalsSchemas';
import { intOption, parse } from '../args';
import { withHost } from '../client';
import { counted, printResult, UsageError } from '../output';
import { agentOf, relative } from './agent';

const USAGE =
  'approval needs a subcommand: list [--all] | approve ID [--reason R] | reject ID [--reason R] | request --kind K --summary S [--confidence C] [--timeout S] [--change PATH=FILE] [--command CMD] [--cost USD [--budget-scope day|month|cell|run]] [--wait] | trust [AGENT] [--reset]';

function line(a: Approval): string {
  const conf = a.confidence === null ? '' : `  confidence ${a.confidence.toFixed(2)}`;
  const outcome = a.decision ? `  → ${a.decision.outcome}${a.decision.auto ? ' (policy)' : a.decision.timedOut ? ' (timed out)' : ` by ${a.decision.by}`}${a.decision.reason ? `: ${a.decision.reason}` : ''}` : '';
  return `${a.status === 'pending' ? '?' : a.status === 'approved' ? '✓' : '✗'} ${a.id}  ${a.kind.padEnd(8)} ${a.requester.padEnd(14)} ${a.summary}${conf}${a.cell ? `  [${a.cell}]` : ''}  (${relative(a.createdAt)})${outcome}`;
}

function trustLine(t: TrustState): string {
  return `${t.agent.padEnd(16)} trust ${t.score.toFixed(2)}  ${counted(t.successes, 'success', 'successes')}, ${counted(t.failures, 'failure')}${t.restricted ? '  — risky requests always ask' : ''}`;
}

function oneId(positionals: string[], what: string): string {
  const id = positionals[0];
  if (!id || positionals.length > 1) throw new UsageError(`approval ${what} needs one request ID (see approval list)`);
  return id;
}

function numberOption(values: Record<string, unknown>, name: string): number | undefined {
  const raw = values[name];
  if (raw === undefined) return undefined;
  const n = Number(raw);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} needs a number, got ${String(raw)}`);
  return n;
}

/** `--change PATH=FILE`: the proposed new content of workspace path PATH, read from local FILE. */
function changesOf(values: Record<string, unknown>): Record<string, string> | undefined {
  const raw = values.change as string[] | undefined;
  if (!raw?.length) return undefined;
  const out: Record<string, string> = {};
  for (const spec of raw) {
    const eq = spec.indexOf('=');
    if (eq <= 0) throw new UsageError(`--change needs PATH=FILE (the proposed content of PATH is read from FILE), got ${spec}`);
    const file = spec.slice(eq + 1);
    try {
      out[spec.slice(0, eq)] = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new UsageError(`cannot read ${file}: ${(err as Error).message}`);
    }
  }
  return out;
}

export async function approval(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals, common } = parse(rest, {
    all: { type: 'boolean', default: false },
    reason: { type: 'string' },
    kind: { type: 'string' },
    summary: { type: 'string' },
    confidence: { type: 'string' },
    timeout: { type: 'string' },
    change: { type: 'string', multiple: true },
    command: { type: 'string' },
    cost: { type: 'string' },
    'budget-scope': { type: 'string' },
    text: { type: 'string' },
    cell: { type: 'string' },
    id: { type: 'string' },
    wait: { type: 'boolean', default: false },
    reset: { type: 'boolean', default: false },
  });
  const agent = agentOf(common);

  switch (sub) {
    case 'list': {
      const r = await withHost(common, (c) => c.sendRequest(ApprovalListRequest, { status: values.all === true ? 'all' : 'pending' }));
      printResult(r, common.json, () => (r.approvals.length ? r.approvals.map(line).join('\n') : values.all === true ? 'No approval requests.' : 'Nothing waits for approval.'));
      return 0;
    }
    case 'approve':
    case 'reject': {
      const id = oneId(positionals, sub);
      const reason = typeof values.reason === 'string' ? values.reason : undefined;
      const r = await withHost(common, (c) =>
        c.sendRequest(ApprovalDecideRequest, { id, outcome: sub === 'approve' ? 'approved' : 'rejected', by: agent, ...(reason !== undefined ? { reason } : {}) }),
      );
      printResult(r, common.json, () => `${sub === 'approve' ? 'Approved' : 'Rejected'} ${id} (${r.approval.summary}).`);
      return 0;
    }
    case 'request': {
      const kind = approvalKindSchema.safeParse(values.kind);
      if (!kind.success) throw new UsageError(`approval request needs --kind ${approvalKindSchema.options.join('|')}`);
      if (typeof values.summary !== 'string') throw new UsageError('approval request needs --summary S');
      const changes = changesOf(values);
      const cost = numberOption(values, 'cost');
      const scope = approvalDetailsSchema.shape.budgetScope.safeParse(values['budget-scope']);
      if (!scope.success) throw new UsageError('--budget-scope must be day, month, cell or run');
      const budgetScope = scope.data;
      const confidence = numberOption(values, 'confidence');
      const timeout = intOption(values, 'timeout');
      const params: ApprovalRequestParams = {
        requester: agent,
        kind: kind.data,
        summary: values.summary,
        details: {
          ...(changes ? { changes } : {}),
          ...(typeof values.command === 'string' ? { command: values.command } : {}),
          ...(cost !== undefined ? { costUsd: cost } : {}),
          ...(budgetScope ? { budgetScope } : {}),
          ...(typeof values.text === 'string' ? { text: values.text } : {}),
        },
        ...(typeof values.cell === 'string' ? { cell: values.cell } : {}),
        ...(typeof values.id === 'string' ? { id: values.id } : {}),
        ...(confidence !== undefined ? { confidence } : {}),
        ...(timeout !== undefined ? { timeoutSeconds: timeout } : {}),
      };
      const r = await withHost(common, async (c) => {
        const made = await c.sendRequest(ApprovalRequestRequest, params);
        if (values.wait !== true || made.approval.status !== 'pending') return made;
        if (!common.json) process.stderr.write(`Waiting for approval of ${made.approval.id}…\n`);
        return c.sendRequest(ApprovalWaitRequest, { id: made.approval.id });
      });
      const a = r.approval;
      printResult(r, common.json, () =>
        a.status === 'pending' ? `Requested ${a.id}: waits for a human (${a.policy.reason}).` : line(a),
      );
      return values.wait === true && a.status === 'rejected' ? 1 : 0;
    }
    case 'trust': {
      if (positionals.length > 1) throw new UsageError('approval trust takes at most one AGENT');
      const who = positionals[0];
      if (values.reset === true && !who) throw new UsageError('approval trust --reset needs the AGENT');
      const r = await withHost(common, async (c) => {
        if (values.reset === true && who) await c.sendRequest(ApprovalTrustResetRequest, { agent: who });
        return c.sendRequest(ApprovalTrustRequest, who ? { agent: who } : {});
      });
      printResult(r, common.json, () => (r.trust.length ? [...r.trust.map(trustLine), `(risky kinds need trust ≥ ${r.minTrust.toFixed(2)} to be auto-approved)`].join('\n') : 'No trust recorded yet: every agent starts at 1.00.'));
      return 0;
    }
    default:
      throw new UsageError(sub ? `unknown approval subcommand ${sub}` : USAGE);
  }
}
