// serve · relay · status
import { StatusRequest, type HostStatus, type LogLevel } from '../../../shared/protocol';
import { attach } from '../../host/attach';
import { readHostFile, readStartingFile } from '../../host/hostFile';
import { workspacePaths } from '../../host/paths';
import { isAlive } from '../../host/processes';
import { VERSION } from '../../host/version';
import { intOption, parse } from '../args';
import { counted, printResult, UsageError } from '../output';

const LEVELS = ['error', 'warn', 'info', 'debug'];

export async function serve(argv: string[]): Promise<number | 'running'> {
  const { values, common } = parse(argv, { background: { type: 'boolean', default: false }, 'idle-exit': { type: 'string' }, 'log-level': { type: 'string' } }, false);
  const level = (values['log-level'] as string | undefined) ?? 'info';
  if (!LEVELS.includes(level)) throw new UsageError(`--log-level must be one of ${LEVELS.join(', ')}`);
  const background = values.background === true;
  const idle = intOption(values, 'idle-exit');
  // The host's modules load only for the verbs that run one: every other verb starts faster.
  const { runHost } = await import('../../main');
  const host = await runHost({
    workspace: common.workspace,
    background,
    logLevel: level as LogLevel,
    // A host started on demand goes away when nobody has used it for a while.
    idleExitMs: idle !== undefined ? idle * 1000 : background ? 10 * 60_000 : undefined,
  });
  if (!background) {
    const info = host.info();
    printResult({ ...info, store: host.store.status() }, common.json, () =>
      [
        `Apiary agent host ${VERSION} is running (pid ${info.pid}).`,
        `  workspace  ${info.workspace}`,
        `  socket     ${info.socket}`,
        ...(info.mcp ? [`  mcp        ${info.mcp.url}  (token: \`apiary mcp-token\`; stdio clients: \`apiary mcp\`)`] : []),
        `  store      ${host.store.head} events, log in ${workspacePaths(info.workspace).apiary}`,
        'Other windows, the CLI and agents attach to it. Press Ctrl+C to stop.',
      ].join('\n'),
    );
  }
  return 'running';
}

export async function relay(argv: string[]): Promise<'running'> {
  // VS Code adds transport flags (--node-ipc, --clientProcessId=N): take only what is ours.
  const i = argv.indexOf('--workspace');
  const workspace = i >= 0 && argv[i + 1] ? argv[i + 1]! : process.cwd();
  const { runRelay } = await import('../../main');
  runRelay(workspace);
  return 'running';
}

export async function status(argv: string[]): Promise<number> {
  const { common } = parse(argv, {}, false);
  const p = workspacePaths(common.workspace);
  const info = readHostFile(p.hostJson);
  if (!info || !isAlive(info.pid)) {
    const starting = readStartingFile(p.starting);
    if (starting && isAlive(starting.pid)) {
      printResult(
        { running: false, workspace: p.workspace, starting },
        common.json,
        () => `An agent host (pid ${starting.pid}) is starting for ${p.workspace}: replaying the log into its read models, ${Math.round(starting.fraction * 100)}% (${starting.events.toLocaleString('en-US')} events).`,
      );
      return 0;
    }
    printResult({ running: false, workspace: p.workspace }, common.json, () => `No agent host runs for ${p.workspace}. Start one with \`apiary serve\`.`);
    return 0;
  }
  const { conn } = await attach(common.workspace, { client: { name: common.agent ?? 'cli', kind: 'cli', version: VERSION }, start: false });
  try {
    const s: HostStatus = await conn.sendRequest(StatusRequest);
    printResult({ running: true, ...s }, common.json, () =>
      [
        `Agent host ${s.version} running (pid ${s.pid}) for ${s.workspace}`,
        `  up ${Math.round(s.uptimeMs / 1000)} s · ${counted(s.sessions.length, 'client')} attached · socket ${s.socket}`,
        `  store: ${counted(s.store.position, 'event')} in ${counted(s.store.streams, 'stream')}, ${counted(s.store.segments, 'segment')}, ${counted(s.store.bytes, 'byte')}; snapshot at ${s.store.snapshotPosition.toLocaleString('en-US')}`,
        `  read models: ${s.projections.map((p) => `${p.name}@${p.position}${p.faulted ? ` FAULTED: ${p.faulted}` : ''}`).join(', ')}`,
      ].join('\n'),
    );
    return 0;
  } finally {
    conn.dispose();
  }
}
