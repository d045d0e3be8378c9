// hive create|ready|list|show|update|claim|start|heartbeat|release|close|reopen|delete|dep|comment|
// sync|import|export|problems, and the git merge driver (`hive merge-driver %O %A %B`,
// `hive install-merge-driver`), which work on files and need no host. Acting verbs act as
// `--agent NAME` (else $APIARY_AGENT, else the human). Refusals exit 1, usage errors exit 2.
import type { MessageConnection } from 'vscode-jsonrpc';
import {
  type Cell,
  type CellDetail,
  type CellStatus,
  type CellSummary,
  type CellType,
  HiveClaimRequest,
  HiveCloseRequest,
  HiveCommentRequest,
  HiveCreateEpicRequest,
  HiveCreateRequest,
  HiveDeleteRequest,
  HiveDepAddRequest,
  HiveDepRemoveRequest,
  HiveExportRequest,
  HiveHeartbeatRequest,
  HiveImportRequest,
  HiveListRequest,
  HiveReadyRequest,
  HiveReleaseRequest,
  HiveReopenRequest,
  HiveShowRequest,
  HiveSyncRequest,
  HiveUpdateRequest,
  type HiveListResult,
  type HiveProblem,
  type Priority,
} from '../../../shared/hive';
import { ApiaryError } from '../../../shared/errors';
import { HiveFileStatusRequest } from '../../../shared/hiveViews';
import type { HiveCreateParams, HiveListParams, HiveUpdateParams } from '../../../shared/hiveSchemas';
import { cliCommand } from '../../coordination/hookInstall';
import { installMergeDriver, mergeDriver } from '../../hive/git';
import { hostScript } from '../../host/attach';
import { type Common, intOption, parse } from '../args';
import { withHost } from '../client';
import { counted, printResult, UsageError } from '../output';
import { agentOf, ensureAgent, relative } from './agent';

const USAGE =
  'hive needs a subcommand: create | ready | list | show ID | update ID | claim ID | start ID | heartbeat ID | release ID | ' +
  'close ID | reopen ID | delete ID | dep add|remove ID DEPENDS_ON | comment ID TEXT | sync | import | export | problems | ' +
  'merge-driver %O %A %B | install-merge-driver';

// ── output ─────────────────────────────────────────────────────────────────────────────────

function summaryLine(c: CellSummary | Cell, now = Date.now()): string {
  const who = c.claim && Date.parse(c.claim.expiresAt) > now ? ` @${c.claim.holder} (claim ends ${relative(c.claim.expiresAt, now)})` : c.assignee ? ` @${c.assignee}` : '';
  const blocked = 'blocked' in c && c.blocked && c.status !== 'closed' ? ' [blocked]' : '';
  return `${c.id.padEnd(14)} P${c.priority} ${c.type.padEnd(7)} ${c.status.padEnd(11)} ${c.title}${who}${blocked}`;
}

function listText(r: HiveListResult, empty: string): string {
  if (r.cells.length === 0) return empty;
  const more = r.total > r.cells.length ? `\n… ${r.total - r.cells.length} more (use --limit)` : '';
  return r.cells.map((c) => summaryLine(c)).join('\n') + more;
}

function detailText(d: CellDetail): string {
  const c = d.cell;
  const lines = [
    `${c.id}  ${c.title}`,
    `  ${c.type}, ${c.status}, P${c.priority}${d.ready ? ', ready' : ''}${c.parent ? `, under ${c.parent}` : ''}`,
  ];
  if (c.assignee) lines.push(`  assignee: ${c.assignee}`);
  if (c.claim) lines.push(`  claimed by ${c.claim.holder} until ${c.claim.expiresAt} (${relative(c.claim.expiresAt)})`);
  if (c.labels.length) lines.push(`  labels: ${c.labels.join(', ')}`);
  if (c.files.length) lines.push(`  files: ${c.files.join(', ')}`);
  if (d.blockedBy.length) lines.push(`  blocked by: ${d.blockedBy.join(', ')}`);
  if (d.blocks.length) lines.push(`  blocks: ${d.blocks.join(', ')}`);
  if (d.related.length) lines.push(`  related: ${d.related.map((r) => `${r.id} (${r.type}${r.direction === 'in' ? ', incoming' : ''})`).join(', ')}`);
  if (c.closeReason) lines.push(`  closed: ${c.closeReason}`);
  if (c.description) lines.push('', ...c.description.split('\n').map((l) => `  ${l}`));
  if (d.children.length) lines.push('', '  children:', ...d.children.map((s) => `    ${summaryLine(s)}`));
  if (c.comments.length) lines.push('', '  comments:', ...c.comments.map((m) => `    ${m.author}, ${m.createdAt}: ${m.text}`));
  return lines.join('\n');
}

function problemsText(problems: readonly HiveProblem[]): string {
  return problems.map((p) => `  line ${p.line}: ${p.reason}`).join('\n');
}

/** How `hive dep add ID ON --type T` reads: ID is the one that depends. */
const DEP_PHRASES: Record<'blocks' | 'parent-child' | 'related' | 'discovered-from', string> = {
  blocks: 'waits for',
  'parent-child': 'is a subtask of',
  related: 'is related to',
  'discovered-from': 'was discovered from',
};

// ── arguments ──────────────────────────────────────────────────────────────────────────────

const list = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : typeof v === 'string' ? [v] : []);
/** Repeatable flags whose values may also be comma-separated: `--files a,b --files c`. */
const commaList = (v: unknown): string[] => list(v).flatMap((s) => s.split(',')).map((s) => s.trim()).filter((s) => s !== '');
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function priorityOf(values: Record<string, unknown>): Priority | undefined {
  const raw = text(values.priority);
  if (raw === undefined) return undefined;
  const n = Number(raw.replace(/^p/i, ''));
  if (!Number.isInteger(n)) throw new UsageError(`--priority needs 0-4 (or P0-P4), got ${raw}`);
  if (n < 0 || n > 4) throw new ApiaryError('invalid_params', `priority ${n} is out of range`, 'use 0 (most urgent) to 4 (least); 2 is the default', { priority: n });
  return n as Priority;
}

function oneId(positionals: string[], verb: string): string {
  const [id, ...rest] = positionals;
  if (!id || rest.length) throw new UsageError(`hive ${verb} needs one cell ID`);
  return id;
}

/** Runs as the acting agent (registered on first use), attached under its name. */
async function asAgent<T>(common: Common, fn: (conn: MessageConnection, agent: string) => Promise<T>): Promise<T> {
  const agent = agentOf(common);
  return withHost({ ...common, agent }, async (c) => {
    await ensureAgent(c, agent);
    return fn(c, agent);
  });
}

const OPTIONS = {
  title: { type: 'string' },
  description: { type: 'string' },
  type: { type: 'string' },
  priority: { type: 'string' },
  parent: { type: 'string' },
  assignee: { type: 'string' },
  files: { type: 'string', multiple: true },
  label: { type: 'string', multiple: true },
  'add-label': { type: 'string', multiple: true },
  'remove-label': { type: 'string', multiple: true },
  'depends-on': { type: 'string', multiple: true },
  subtask: { type: 'string', multiple: true },
  status: { type: 'string' },
  text: { type: 'string' },
  limit: { type: 'string' },
  all: { type: 'boolean', default: false },
  ttl: { type: 'string' },
  reason: { type: 'string' },
  force: { type: 'boolean', default: false },
  message: { type: 'string' },
  remote: { type: 'string' },
  'no-pull': { type: 'boolean', default: false },
  'no-push': { type: 'boolean', default: false },
  beads: { type: 'boolean', default: false },
  path: { type: 'string' },
  command: { type: 'string' },
} as const;

export async function hive(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'merge-driver') return runMergeDriver(rest);
  const { values, positionals, common } = parse(rest, OPTIONS);
  const reason = text(values.reason);
  const limit = intOption(values, 'limit');
  const ttl = intOption(values, 'ttl');

  switch (sub) {
    case 'create': {
      const title = text(values.title);
      if (!title) throw new UsageError('hive create needs --title T');
      const subtasks = list(values.subtask);
      const priority = priorityOf(values);
      const fields = {
        title,
        ...(text(values.description) !== undefined ? { description: text(values.description)! } : {}),
        ...(priority !== undefined ? { priority } : {}),
        ...(text(values.parent) ? { parent: text(values.parent)! } : {}),
        ...(text(values.assignee) ? { assignee: text(values.assignee)! } : {}),
        labels: commaList(values.label),
        files: commaList(values.files),
      };
      if (subtasks.length || values.type === 'epic') {
        if (!subtasks.length) throw new UsageError('an epic needs at least one --subtask TITLE');
        const r = await asAgent(common, (c) => c.sendRequest(HiveCreateEpicRequest, { ...fields, subtasks: subtasks.map((t) => ({ title: t })) }));
        printResult(r, common.json, () => [`Created epic ${summaryLine(r.epic)}`, ...r.subtasks.map((s) => `  ${summaryLine(s)}`)].join('\n'));
        return 0;
      }
      const params: HiveCreateParams = { ...fields, dependsOn: commaList(values['depends-on']) };
      if (text(values.type)) params.type = text(values.type) as HiveCreateParams['type'];
      const r = await asAgent(common, (c) => c.sendRequest(HiveCreateRequest, params));
      printResult(r, common.json, () => `Created ${summaryLine(r.cell)}`);
      return 0;
    }
    case 'ready': {
      const r = await withHost(common, (c) =>
        c.sendRequest(HiveReadyRequest, {
          ...(limit !== undefined ? { limit } : {}),
          ...(text(values.type) ? { type: text(values.type) as CellSummary['type'] } : {}),
          ...(list(values.label)[0] ? { label: list(values.label)[0]! } : {}),
          ...(text(values.assignee) ? { assignee: text(values.assignee)! } : {}),
        }),
      );
      printResult(r, common.json, () => listText(r, 'Nothing is ready: every open cell is blocked or claimed.'));
      return 0;
    }
    case 'list': {
      const params: HiveListParams = { includeDeleted: values.all === true };
      const statuses = commaList(values.status);
      if (statuses.length) params.status = statuses as CellStatus[];
      const types = commaList(values.type);
      if (types.length) params.type = types as CellType[];
      if (text(values.assignee) !== undefined) params.assignee = values.assignee === 'none' ? null : text(values.assignee)!;
      if (list(values.label).length) params.labels = commaList(values.label);
      if (text(values.parent)) params.parent = text(values.parent)!;
      if (text(values.text)) params.text = text(values.text)!;
      const priority = priorityOf(values);
      if (priority !== undefined) params.priority = priority;
      if (limit !== undefined) params.limit = limit;
      const r = await withHost(common, (c) => c.sendRequest(HiveListRequest, params));
      printResult(r, common.json, () => listText(r, 'No cells match.'));
      return 0;
    }
    case 'show': {
      const id = oneId(positionals, 'show');
      const r = await withHost(common, (c) => c.sendRequest(HiveShowRequest, { id }));
      printResult(r, common.json, () => detailText(r));
      return 0;
    }
    case 'update': {
      const id = oneId(positionals, 'update');
      const params: HiveUpdateParams = { id, force: values.force === true };
      if (text(values.title) !== undefined) params.title = text(values.title)!;
      if (text(values.description) !== undefined) params.description = text(values.description)!;
      if (text(values.type)) params.type = text(values.type) as HiveUpdateParams['type'];
      if (text(values.status)) params.status = text(values.status) as HiveUpdateParams['status'];
      const priority = priorityOf(values);
      if (priority !== undefined) params.priority = priority;
      if (text(values.assignee) !== undefined) params.assignee = values.assignee === 'none' ? null : text(values.assignee)!;
      if (list(values.label).length) params.labels = commaList(values.label);
      if (list(values['add-label']).length) params.addLabels = commaList(values['add-label']);
      if (list(values['remove-label']).length) params.removeLabels = commaList(values['remove-label']);
      if (list(values.files).length) params.files = commaList(values.files);
      if (text(values.parent) !== undefined) params.parent = values.parent === 'none' ? null : text(values.parent)!;
      if (Object.keys(params).length === 2) throw new UsageError('hive update needs something to change (--title, --status, --priority, …)');
      const r = await asAgent(common, (c) => c.sendRequest(HiveUpdateRequest, params));
      printResult(r, common.json, () => `Updated ${summaryLine(r.cell)}`);
      return 0;
    }
    case 'claim':
    case 'start':
    case 'heartbeat': {
      const id = oneId(positionals, sub);
      const r = await asAgent(common, async (c, agent) => {
        const lease = { id, agent, ...(ttl !== undefined ? { ttlSeconds: ttl } : {}) };
        if (sub === 'heartbeat') return c.sendRequest(HiveHeartbeatRequest, lease);
        const claimed = await c.sendRequest(HiveClaimRequest, lease);
        if (sub === 'claim' || claimed.cell.status !== 'open') return claimed;
        return c.sendRequest(HiveUpdateRequest, { id, status: 'in_progress' });
      });
      const verb = sub === 'heartbeat' ? 'Renewed' : sub === 'start' ? 'Started' : 'Claimed';
      printResult(r, common.json, () => `${verb} ${summaryLine(r.cell)}`);
      return 0;
    }
    case 'release': {
      const id = oneId(positionals, 'release');
      const r = await asAgent(common, (c, agent) => c.sendRequest(HiveReleaseRequest, { id, agent }));
      printResult(r, common.json, () => `Released ${summaryLine(r.cell)}`);
      return 0;
    }
    case 'close':
    case 'reopen':
    case 'delete': {
      const id = oneId(positionals, sub);
      const force = values.force === true;
      const r = await asAgent(common, (c) =>
        sub === 'close'
          ? c.sendRequest(HiveCloseRequest, { id, force, ...(reason !== undefined ? { reason } : {}) })
          : sub === 'reopen'
            ? c.sendRequest(HiveReopenRequest, { id, ...(reason !== undefined ? { reason } : {}) })
            : c.sendRequest(HiveDeleteRequest, { id, force, ...(reason !== undefined ? { reason } : {}) }),
      );
      const verb = sub === 'close' ? 'Closed' : sub === 'reopen' ? 'Reopened' : 'Deleted';
      printResult(r, common.json, () => `${verb} ${summaryLine(r.cell)}`);
      return 0;
    }
    case 'dep': {
      const [action, id, dependsOn, ...extra] = positionals;
      if ((action !== 'add' && action !== 'remove') || !id || !dependsOn || extra.length) {
        throw new UsageError('usage: hive dep add|remove ID DEPENDS_ON [--type blocks|parent-child|related|discovered-from]');
      }
      const type = text(values.type) as 'blocks' | 'parent-child' | 'related' | 'discovered-from' | undefined;
      const r = await asAgent(common, (c) =>
        action === 'add'
          ? c.sendRequest(HiveDepAddRequest, { id, dependsOn, ...(type ? { type } : {}) })
          : c.sendRequest(HiveDepRemoveRequest, { id, dependsOn, ...(type ? { type } : {}) }),
      );
      const link = `${id} ${DEP_PHRASES[type ?? 'blocks']} ${dependsOn}`;
      printResult(r, common.json, () => `${action === 'add' ? 'Linked' : 'Unlinked'}: ${link}\n${summaryLine(r.cell)}`);
      return 0;
    }
    case 'comment': {
      const [id, ...words] = positionals;
      if (!id || words.length === 0) throw new UsageError('usage: hive comment ID TEXT');
      const r = await asAgent(common, (c) => c.sendRequest(HiveCommentRequest, { id, text: words.join(' ') }));
      printResult(r, common.json, () => `Commented on ${r.cell.id} (${counted(r.cell.comments.length, 'comment')}).`);
      return 0;
    }
    case 'sync': {
      const r = await withHost(common, (c) =>
        c.sendRequest(HiveSyncRequest, {
          pull: values['no-pull'] !== true,
          push: values['no-push'] !== true,
          ...(text(values.message) ? { message: text(values.message)! } : {}),
          ...(text(values.remote) ? { remote: text(values.remote)! } : {}),
        }),
      );
      printResult(r, common.json, () =>
        [
          r.committed ? `Committed .hive/ as ${r.committed.slice(0, 10)}.` : 'Nothing new to commit in .hive/.',
          r.remote ? `${r.remote}: pulled ${r.pulled}${r.pushed ? ', pushed' : ', not pushed'}.` : 'No git remote: committed locally only.',
          ...(r.problems.length ? ['Lines that could not be read (kept in the file):', problemsText(r.problems)] : []),
        ].join('\n'),
      );
      return 0;
    }
    case 'import': {
      const path = text(values.path);
      const r = await withHost(common, (c) => c.sendRequest(HiveImportRequest, { beads: values.beads === true, ...(path ? { path } : {}) }));
      printResult(r, common.json, () =>
        [`Imported ${counted(r.imported, 'cell')}${r.purged ? `, removed ${r.purged}` : ''}.`, ...(r.problems.length ? ['Lines skipped:', problemsText(r.problems)] : [])].join('\n'),
      );
      return 0;
    }
    case 'export': {
      const path = text(values.path);
      const r = await withHost(common, (c) => c.sendRequest(HiveExportRequest, { beads: values.beads === true, ...(path ? { path } : {}) }));
      printResult(r, common.json, () => `Wrote ${counted(r.cells, 'cell')} to ${r.path}.`);
      return 0;
    }
    case 'problems': {
      const r = await withHost(common, (c) => c.sendRequest(HiveFileStatusRequest));
      printResult(r, common.json, () =>
        [
          r.problems.length ? `${r.path}: ${counted(r.problems.length, 'line')} could not be read (left in the file):\n${problemsText(r.problems)}` : `${r.path}: every line reads.`,
          ...r.conflicts.map((c) => `conflict on ${c.id} ${c.field}: ${c.reason} (${c.winner} kept)`),
        ].join('\n'),
      );
      return 0;
    }
    case 'install-merge-driver': {
      const command = text(values.command) ?? [...cliCommand(hostScript()).map(shellQuote), 'hive', 'merge-driver', '%O', '%A', '%B'].join(' ');
      const r = await installMergeDriver(common.workspace, command);
      printResult(r, common.json, () => `${r.attributesAdded ? 'Added .hive/issues.jsonl to .gitattributes; ' : ''}git merges the hive file with: ${r.command}`);
      return 0;
    }
    default:
      throw new UsageError(sub ? `unknown hive subcommand ${sub}` : USAGE);
  }
}

function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./=-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** Git's merge-driver contract: merge %A in place from %O and %B; exit 0 merged, non-zero otherwise. */
function runMergeDriver(argv: string[]): number {
  const files = argv.filter((a) => !a.startsWith('--'));
  if (files.length !== 3) throw new UsageError('usage: hive merge-driver BASE OURS THEIRS (git passes %O %A %B)');
  return mergeDriver(files[0]!, files[1]!, files[2]!);
}
