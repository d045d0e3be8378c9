// Commands about reservations: reserve the active file, release mine, release / force-release
// from the tree, ask a holder to release (by mail), override (audited), open a reservation's
// cell, and install the git commit guard.
import { execFile } from 'node:child_process';
import * as vscode from 'vscode';
import {
  LockForceReleaseRequest,
  LockOverrideRequest,
  LockReleaseRequest,
  LockReserveRequest,
  MailSendRequest,
} from '../../shared/coordination';
import type { HostClient } from '../client';
import { errorCode, errorText } from '../agents/errors';
import { ReservationCommands } from './editor';
import { relativePath } from './paths';
import type { ReservationNode } from './tree';
import { countdown } from './view';

export interface ReservationCommandDeps {
  client: HostClient;
  workspace: string | undefined;
  /** The agent this window acts as. */
  me(): string;
  /** Absolute path of the bundled CLI. */
  cliPath: string;
  /** Node executable setting (empty: the editor's own runtime). */
  nodePath(): string;
}

interface ReleaseRequestArgs {
  holder: string;
  pattern: string;
  path?: string;
}

function runCli(deps: ReservationCommandDeps, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const node = deps.nodePath().trim() || process.execPath;
  return new Promise((resolve) => {
    execFile(node, [deps.cliPath, ...args], { env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, cwd: deps.workspace }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function cliError(stdout: string, stderr: string): { code: string; message: string; hint?: string } {
  try {
    const parsed = JSON.parse(stdout.trim().split('\n').pop() ?? '') as { error?: { code: string; message: string; hint?: string } };
    if (parsed.error) return parsed.error;
  } catch {
    // not JSON: fall through
  }
  return { code: 'internal', message: stderr.trim() || stdout.trim() || 'the command failed' };
}

export function registerReservationCommands(deps: ReservationCommandDeps): vscode.Disposable[] {
  const { client } = deps;
  const show = (err: unknown) => void vscode.window.showErrorMessage(`Apiary: ${errorText(err)}`);

  const installGuard = async (): Promise<void> => {
    if (!deps.workspace) return void vscode.window.showWarningMessage('Apiary: open a folder to install the commit guard in its repository.');
    const attempt = async (force: boolean): Promise<void> => {
      const r = await runCli(deps, ['lock', 'install-hook', '--workspace', deps.workspace!, '--json', ...(force ? ['--force'] : [])]);
      if (r.code === 0) {
        const done = JSON.parse(r.stdout) as { hook: string; action: string; previous: string | null };
        const note = done.previous ? ` Your existing hook still runs first (kept as ${done.previous}).` : '';
        void vscode.window.showInformationMessage(`Apiary: commit guard ${done.action === 'updated' ? 'updated' : 'installed'} in ${done.hook}.${note}`);
        return;
      }
      const error = cliError(r.stdout, r.stderr);
      if (error.code === 'conflict' && !force) {
        const pick = await vscode.window.showWarningMessage(
          `Apiary: ${error.message}. Keep it and run it before the guard?`,
          { modal: true },
          'Keep Both',
        );
        if (pick === 'Keep Both') await attempt(true);
        return;
      }
      void vscode.window.showErrorMessage(`Apiary: could not install the commit guard: ${error.message}${error.hint ? ` (${error.hint})` : ''}`);
    };
    await attempt(false);
  };

  const reserveFile = async (uri?: vscode.Uri): Promise<void> => {
    const target = uri instanceof vscode.Uri ? uri : vscode.window.activeTextEditor?.document.uri;
    const rel = target && relativePath(deps.workspace, target);
    if (!rel) return void vscode.window.showWarningMessage('Apiary: open a file of this workspace to reserve it.');
    const mode = await vscode.window.showQuickPick(
      [
        { label: 'Exclusive', description: 'others may not reserve or commit it', shared: false },
        { label: 'Shared', description: 'I only read it; others may read too', shared: true },
      ],
      { title: `Reserve ${rel}`, placeHolder: 'How do you need it?' },
    );
    if (!mode) return;
    const reason = await vscode.window.showInputBox({ title: `Reserve ${rel}`, prompt: 'Why (optional): other agents see it', placeHolder: 'e.g. fixing the login redirect' });
    if (reason === undefined) return;
    try {
      const r = await client.request(LockReserveRequest, { agent: deps.me(), patterns: [rel], shared: mode.shared, ...(reason.trim() ? { reason: reason.trim() } : {}) });
      const got = r.granted[0] ?? r.extended[0];
      const conflicts = r.conflicts.length ? ` (advisory mode: also held by ${[...new Set(r.conflicts.map((c) => c.holder))].join(', ')})` : '';
      void vscode.window.showInformationMessage(`Apiary: reserved ${rel} (${got?.mode ?? mode.label.toLowerCase()}, ${got ? countdown(got.expiresAt, Date.now()) : ''})${conflicts}.`);
    } catch (err) {
      if (errorCode(err) !== 'conflict') return show(err);
      const holder = /Reserved by ([A-Za-z0-9_, -]+):/.exec(errorText(err))?.[1]?.split(',')[0]?.trim();
      const pick = await vscode.window.showWarningMessage(`Apiary: ${errorText(err)}`, ...(holder ? ['Request release'] : []));
      if (pick && holder) await requestRelease({ holder, pattern: rel, path: rel });
    }
  };

  const releaseMine = async (): Promise<void> => {
    try {
      const r = await client.request(LockReleaseRequest, { agent: deps.me(), all: true });
      void vscode.window.showInformationMessage(`Apiary: released ${r.released.length} reservation${r.released.length === 1 ? '' : 's'} (${r.released.map((x) => x.pattern).join(', ')}).`);
    } catch (err) {
      if (errorCode(err) === 'not_found') void vscode.window.showInformationMessage('Apiary: you hold no reservations.');
      else show(err);
    }
  };

  const release = async (node?: ReservationNode): Promise<void> => {
    if (node?.kind !== 'reservation') return;
    try {
      await client.request(LockReleaseRequest, { agent: deps.me(), patterns: [node.reservation.pattern] });
    } catch (err) {
      show(err);
    }
  };

  const forceRelease = async (node?: ReservationNode): Promise<void> => {
    if (node?.kind !== 'reservation') return;
    const r = node.reservation;
    const reason = await vscode.window.showInputBox({
      title: `Force-release ${r.pattern} held by ${r.holder}`,
      prompt: `${r.holder} is told by mail. Allowed only when ${r.holder} has been silent for a while. Reason (optional):`,
    });
    if (reason === undefined) return;
    try {
      await client.request(LockForceReleaseRequest, { agent: deps.me(), id: r.id, ...(reason.trim() ? { reason: reason.trim() } : {}) });
      void vscode.window.showInformationMessage(`Apiary: released ${r.pattern}; ${r.holder} was told why.`);
    } catch (err) {
      if (errorCode(err) !== 'forbidden') return show(err);
      const pick = await vscode.window.showWarningMessage(`Apiary: ${errorText(err)}`, 'Request release');
      if (pick) await requestRelease({ holder: r.holder, pattern: r.pattern });
    }
  };

  const requestRelease = async (args?: ReleaseRequestArgs): Promise<void> => {
    if (!args?.holder) return;
    const note = await vscode.window.showInputBox({
      title: `Ask ${args.holder} to release ${args.pattern}`,
      prompt: 'A note for them (optional)',
      placeHolder: args.path ? `I need to edit ${args.path}` : undefined,
    });
    if (note === undefined) return;
    try {
      const body = [note.trim() || (args.path ? `I need to edit \`${args.path}\`.` : ''), '', `Please release \`${args.pattern}\` when you can (apiary lock release), or tell me when you will.`].join('\n');
      await client.request(MailSendRequest, { from: deps.me(), to: [args.holder], subject: `Please release ${args.pattern}`, body, importance: 'high' });
      void vscode.window.showInformationMessage(`Apiary: asked ${args.holder} to release ${args.pattern}.`);
    } catch (err) {
      show(err);
    }
  };

  const override = async (args?: { path: string; confirmed?: boolean }): Promise<void> => {
    if (!args?.path) return;
    if (!args.confirmed) {
      const pick = await vscode.window.showWarningMessage(
        `Edit ${args.path} despite the reservation? The override is recorded and the holder is told.`,
        { modal: true },
        'Override',
      );
      if (pick !== 'Override') return;
    }
    try {
      const r = await client.request(LockOverrideRequest, { agent: deps.me(), path: args.path });
      void vscode.window.showInformationMessage(`Apiary: override recorded; ${[...new Set(r.overridden.map((x) => x.holder))].join(', ')} told.`);
    } catch (err) {
      show(err);
    }
  };

  const openCell = async (cell?: string): Promise<void> => {
    if (!cell) return;
    const commands = await vscode.commands.getCommands(true);
    if (commands.includes('apiary.hive.showDetails')) {
      // The Hive view's "Show Details" takes one of its rows; a row names its cell by id.
      await vscode.commands.executeCommand('apiary.hive.showDetails', { kind: 'cell', cell: { id: cell } });
      return;
    }
    await vscode.env.clipboard.writeText(cell);
    void vscode.window.showInformationMessage(`Apiary: cell ${cell} (copied). \`apiary hive show ${cell}\` prints it.`);
  };

  return [
    vscode.commands.registerCommand('apiary.installCommitGuard', installGuard),
    vscode.commands.registerCommand('apiary.reserveFile', reserveFile),
    vscode.commands.registerCommand('apiary.releaseMyReservations', releaseMine),
    vscode.commands.registerCommand('apiary.reservations.release', release),
    vscode.commands.registerCommand('apiary.reservations.forceRelease', forceRelease),
    vscode.commands.registerCommand(ReservationCommands.requestRelease, requestRelease),
    vscode.commands.registerCommand(ReservationCommands.override, override),
    vscode.commands.registerCommand(ReservationCommands.openCell, openCell),
  ];
}
