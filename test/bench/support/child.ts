// Measurements that need a fresh process (cold start: nothing loaded, nothing compiled) or a
// process of their own (load generators that must not share the measured one's CPU). The parent runs this same module in a child `node` and reads one JSON line from its stdout.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mcpClientsWorker } from './mcpClientProcesses';
import { openStore } from './storeFixture';

export interface ColdStart {
  /** Store.open in the fresh process, sql.js loading included. */
  openMs: number;
  /** From the process's start to the store being ready (Node start and module loading included). */
  sinceProcessStartMs: number;
  fromSnapshot: number;
  replayed: number;
  head: number;
}

/** One full replay, from no snapshot, in a fresh process. */
export interface ReplayRun {
  ms: number;
  /** Every thread's CPU time, the workers' included. */
  cpuMs: number;
  workers: number;
  replayed: number;
  /** Read models that stopped on an event: a replay that skipped work must not be reported. */
  faulted: string[];
}

const tasks: Record<string, (arg: string) => Promise<unknown>> = {
  async 'replay-store'(arg: string): Promise<ReplayRun> {
    const { dir, oneThread } = JSON.parse(arg) as { dir: string; oneThread: boolean };
    const started = performance.now();
    const cpu = process.cpuUsage();
    const store = await openStore(dir, {
      ignoreSnapshots: true,
      snapshotEvery: Number.MAX_SAFE_INTEGER,
      snapshotAfterMs: 0,
      ...(oneThread ? { replayWorkers: undefined } : {}),
    });
    const used = process.cpuUsage(cpu);
    const ms = performance.now() - started;
    const run = {
      ms,
      cpuMs: (used.user + used.system) / 1000,
      workers: store.opened.workers,
      replayed: store.opened.replayed,
      faulted: store.projections().filter((p) => p.faulted).map((p) => `${p.name}: ${p.faulted}`),
    };
    // Closed without the snapshot a normal close writes: not measured, and large at this size.
    store.discard();
    return run;
  },
  async 'open-store'(dir: string): Promise<ColdStart> {
    const started = performance.now();
    const store = await openStore(dir);
    const openMs = performance.now() - started;
    const sinceProcessStartMs = performance.now();
    const report = { openMs, sinceProcessStartMs, fromSnapshot: store.opened.fromSnapshot, replayed: store.opened.replayed, head: store.head };
    store.close();
    return report;
  },
  /** Some of the MCP benchmark's clients, apart from the host they measure; rounds come over stdin. */
  'mcp-clients-worker': mcpClientsWorker,
};

/** The child's side: runs a task and prints its result as one JSON line. */
export async function runBenchChild(task: string, arg: string): Promise<void> {
  const fn = tasks[task];
  if (!fn) throw new Error(`unknown bench child task ${task}`);
  process.stdout.write(JSON.stringify(await fn(arg)) + '\n');
}

/** `node` arguments that run a task in a fresh process (from the bundle, or from sources under tsx). */
function childArgs(task: string, arg: string): string[] {
  const fromSources = __filename.endsWith('.ts');
  const script = `require(${JSON.stringify(__filename)}).runBenchChild(${JSON.stringify(task)}, ${JSON.stringify(arg)}).catch((e) => { console.error(e); process.exit(1); })`;
  return [...(fromSources ? ['--require', 'tsx/cjs'] : []), '-e', script];
}

/** A task that talks with the parent over its stdin and stdout while it runs. */
export function spawnBenchWorker(task: string, arg: string): ChildProcess {
  return spawn(process.execPath, childArgs(task, arg), { stdio: ['pipe', 'pipe', 'pipe'] });
}

/** The parent's side: runs a task in a fresh `node` and reads its result. */
export function spawnBenchChild<T>(task: string, arg: string): Promise<T> {
  const args = childArgs(task, arg);
  return new Promise((resolve, reject) => {
    execFile(process.execPath, args, { maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`bench child ${task} failed: ${stderr || err.message}`));
      try {
        resolve(JSON.parse(stdout.trim().split('\n').pop()!) as T);
      } catch {
        reject(new Error(`bench child ${task} printed no result: ${stdout}${stderr}`));
      }
    });
  });
}
