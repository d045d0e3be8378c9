// lock reserve|renew|release|list|check|force-release|override|guard|install-hook — file
// reservations from the command line. Refusals (a conflicting exclusive reservation in enforce
// mode, a force-release of a live holder's files, ...) exit 1 naming holders, expiry and reason.
import {
  type CheckResult,
  LockCheckRequest,
  LockForceReleaseRequest,
  LockGuardRequest,
  LockListRequest,
  LockOverrideRequest,
  LockReleaseRequest,
  LockRenewRequest,
  LockReserveRequest,
  type Reservation,
} from '../../../shared/coordination';
import type { LockReleaseParams, LockRenewParams, LockReserveParams } from '../../../shared/coordinationSchemas';
import { describeGuardRefusal } from '../../coordination/core/check';
import { describeConflict } from '../../coordination/core/reservations';
import { cliCommand, installGuardHook } from '../../coordination/hookInstall';
import { hostScript } from '../../host/attach';
import { intOption, parse } from '../args';
import { withHost } from '../client';
import { EXIT_REFUSED, printResult, UsageError } from '../output';
import { agentOf, ensureAgent, relative } from './agent';

const USAGE =
  'lock needs a subcommand: reserve PATTERN... | renew [PATTERN...] | release [PATTERN...|--all] | list | check PATH... | ' +
  'force-release ID | override PATH | guard --stdin | install-hook';

export function reservationLine(r: Reservation, now = Date.now()): string {
  const facts = [r.mode, `until ${r.expiresAt} (${relative(r.expiresAt, now)})`];
  if (r.cell) facts.push(`cell ${r.cell}`);
  if (r.reason) facts.push(`"${r.reason}"`);
  const except = r.except.length ? ` except ${r.except.join(', ')}` : '';
  return `${r.pattern}${except} — ${r.holder}, ${facts.join(', ')}  [${r.id}]`;
}

function checkText(r: CheckResult): string {
  return r.paths
    .map((p) => {
      if (p.holders.length === 0) return `${p.path}: free`;
      const who = p.holders.map((h) => `${h.mine ? 'you (this agent)' : h.holder}: ${h.pattern}, ${h.mode} until ${h.expiresAt}${h.reason ? `, "${h.reason}"` : ''}${h.cell ? `, cell ${h.cell}` : ''}`);
      return `${p.path}: ${p.blocked ? 'BLOCKED' : 'reserved'} — ${who.join('; ')}`;
    })
    .join('\n');
}

async function readStdin(): Promise<string> {
  const parts: Buffer[] = [];
  for await (const chunk of process.stdin) parts.push(chunk as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

function ttlOf(values: Record<string, unknown>): number | undefined {
  const ttl = intOption(values, 'ttl');
  if (ttl !== undefined && ttl < 1) throw new UsageError('--ttl needs a positive number of seconds');
  return ttl;
}

export async function lock(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  const { values, positionals, common } = parse(rest, {
    shared: { type: 'boolean', default: false },
    ttl: { type: 'string' },
    reason: { type: 'string' },
    cell: { type: 'string' },
    all: { type: 'boolean', default: false },
    holder: { type: 'string' },
    path: { type: 'string' },
    mine: { type: 'boolean', default: false },
    stdin: { type: 'boolean', default: false },
    bypass: { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
    'idempotency-key': { type: 'string' },
  });
  const reason = values.reason as string | undefined;

  switch (sub) {
    case 'reserve': {
      if (positionals.length === 0) throw new UsageError('lock reserve needs at least one PATTERN (a path or glob; !GLOB excludes)');
      const agent = agentOf(common);
      const params: LockReserveParams = { agent, patterns: positionals, shared: values.shared === true };
      const ttl = ttlOf(values);
      if (ttl !== undefined) params.ttlSeconds = ttl;
      if (reason !== undefined) params.reason = reason;
      if (typeof values.cell === 'string') params.cell = values.cell;
      if (typeof values['idempotency-key'] === 'string') params.idempotencyKey = values['idempotency-key'];
      const r = await withHost(common, async (c) => {
        await ensureAgent(c, agent);
        return c.sendRequest(LockReserveRequest, params);
      });
      printResult(r, common.json, () =>
        [
          ...r.granted.map((x) => `Reserved ${reservationLine(x)}`),
          ...r.extended.map((x) => `Extended ${reservationLine(x)}`),
          ...(r.conflicts.length ? [`Advisory mode: granted despite ${r.conflicts.map(describeConflict).join('; ')}`] : []),
        ].join('\n'),
      );
      return 0;
    }
    case 'renew': {
      const agent = agentOf(common);
      const params: LockRenewParams = { agent };
      if (positionals.length) params.patterns = positionals;
      const ttl = ttlOf(values);
      if (ttl !== undefined) params.ttlSeconds = ttl;
      const r = await withHost(common, async (c) => {
        await ensureAgent(c, agent);
        return c.sendRequest(LockRenewRequest, params);
      });
      printResult(r, common.json, () => r.renewed.map((x) => `Renewed ${reservationLine(x)}`).join('\n'));
      return 0;
    }
    case 'release': {
      if ((positionals.length > 0) === (values.all === true)) throw new UsageError('lock release needs PATTERN... (as reserved) or --all, not both');
      const agent = agentOf(common);
      const params: LockReleaseParams = values.all === true ? { agent, all: true } : { agent, patterns: positionals };
      const r = await withHost(common, async (c) => {
        await ensureAgent(c, agent);
        return c.sendRequest(LockReleaseRequest, params);
      });
      printResult(r, common.json, () => r.released.map((x) => `Released ${x.pattern} [${x.id}]`).join('\n'));
      return 0;
    }
    case 'list': {
      const holder = values.mine === true ? agentOf(common) : (values.holder as string | undefined);
      const r = await withHost(common, (c) =>
        c.sendRequest(LockListRequest, { ...(holder !== undefined ? { holder } : {}), ...(typeof values.path === 'string' ? { path: values.path } : {}) }),
      );
      printResult(r, common.json, () => (r.reservations.length ? r.reservations.map((x) => reservationLine(x)).join('\n') : 'No active reservations.'));
      return 0;
    }
    case 'check': {
      if (positionals.length === 0) throw new UsageError('lock check needs at least one PATH');
      const agent = agentOf(common);
      const r = await withHost(common, (c) => c.sendRequest(LockCheckRequest, { agent, paths: positionals }));
      printResult(r, common.json, () => checkText(r));
      return 0;
    }
    case 'force-release': {
      const id = positionals[0];
      if (!id || positionals.length > 1) throw new UsageError('lock force-release needs one reservation ID (see lock list)');
      const agent = agentOf(common);
      const r = await withHost(common, async (c) => {
        await ensureAgent(c, agent);
        return c.sendRequest(LockForceReleaseRequest, { agent, id, ...(reason !== undefined ? { reason } : {}) });
      });
      printResult(r, common.json, () => `Force-released ${r.released.pattern} (held by ${r.released.holder}, who has been told why).`);
      return 0;
    }
    case 'override': {
      const path = positionals[0];
      if (!path || positionals.length > 1) throw new UsageError('lock override needs one PATH');
      const agent = agentOf(common);
      const r = await withHost(common, async (c) => {
        await ensureAgent(c, agent);
        return c.sendRequest(LockOverrideRequest, { agent, path, ...(reason !== undefined ? { reason } : {}) });
      });
      printResult(r, common.json, () => `Override recorded for ${path}; told ${[...new Set(r.overridden.map((x) => x.holder))].join(', ')}.`);
      return 0;
    }
    case 'guard': {
      const fromStdin = values.stdin === true ? (await readStdin()).split('\0').filter((p) => p !== '') : [];
      const paths = [...fromStdin, ...positionals];
      const agent = agentOf(common);
      const r = await withHost(common, (c) => c.sendRequest(LockGuardRequest, { agent, paths, bypass: values.bypass === true }));
      if (!r.allowed) {
        if (common.json) process.stdout.write(JSON.stringify(r) + '\n');
        for (const line of describeGuardRefusal(r)) process.stderr.write(`apiary: ${line}\n`);
        return EXIT_REFUSED;
      }
      if (r.bypassed) process.stderr.write(`apiary: guard bypassed for ${r.blocking.map((p) => p.path).join(', ')} (recorded)\n`);
      if (common.json) process.stdout.write(JSON.stringify(r) + '\n');
      return 0;
    }
    case 'install-hook': {
      const r = await installGuardHook(common.workspace, { command: cliCommand(hostScript()), force: values.force === true });
      printResult(r, common.json, () =>
        r.action === 'chained'
          ? `Installed the commit guard in ${r.hook}; the hook that was there runs first (kept as ${r.previous}).`
          : `${r.action === 'created' ? 'Installed' : 'Updated'} the commit guard in ${r.hook}.`,
      );
      return 0;
    }
    default:
      throw new UsageError(sub ? `unknown lock subcommand ${sub}` : USAGE);
  }
}
