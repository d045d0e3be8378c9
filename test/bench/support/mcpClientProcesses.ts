// The MCP benchmark's clients spread over child processes: each runs a ClientGroup and answers
// the parent's rounds over stdin/stdout (one JSON object per line), so all processes call the
// same tool at the same time and the parent times each round from start to the last answer.
import type { ChildProcess } from 'node:child_process';
import readline from 'node:readline';
import { spawnBenchWorker } from './child';
import { ClientGroup, measureRounds, shares, type BenchTool, type McpClientsReport, type McpClientsSpec, type RoundResult } from './mcpClients';

interface WorkerArg {
  spec: McpClientsSpec;
  count: number;
  firstIndex: number;
}

interface RoundCommand {
  tool: BenchTool;
  calls: number;
  offset: number;
}

function writeLine(value: unknown): void {
  process.stdout.write(JSON.stringify(value) + '\n');
}

/** The child's side: connects its clients, then runs each round it is sent until stdin closes. */
export async function mcpClientsWorker(arg: string): Promise<{ closed: true }> {
  const { spec, count, firstIndex } = JSON.parse(arg) as WorkerArg;
  const group = await ClientGroup.connect(spec, count, firstIndex);
  try {
    writeLine({ ready: true });
    for await (const line of readline.createInterface({ input: process.stdin })) {
      if (!line.trim()) continue;
      const cmd = JSON.parse(line) as RoundCommand;
      writeLine(await group.round(cmd.tool, cmd.calls, cmd.offset));
    }
  } finally {
    await group.close();
  }
  return { closed: true };
}

/** The parent's handle on one worker: its output lines, taken in order. */
class Worker {
  private readonly lines: string[] = [];
  private waiting: ((line: string) => void) | null = null;
  private failure: Error | null = null;
  private stderr = '';

  constructor(private readonly child: ChildProcess) {
    readline.createInterface({ input: child.stdout! }).on('line', (line) => {
      if (this.waiting) {
        const w = this.waiting;
        this.waiting = null;
        w(line);
      } else this.lines.push(line);
    });
    child.stderr!.on('data', (c: Buffer) => (this.stderr += c.toString('utf8')));
    child.on('exit', (code) => {
      if (code !== 0) this.failure = new Error(`MCP bench clients exited with ${code}: ${this.stderr}`);
      this.waiting?.('');
    });
  }

  async next<T>(): Promise<T> {
    const line = this.lines.shift() ?? (await new Promise<string>((resolve) => (this.waiting = resolve)));
    if (this.failure) throw this.failure;
    if (!line) throw new Error(`MCP bench clients ended early: ${this.stderr}`);
    return JSON.parse(line) as T;
  }

  send(cmd: RoundCommand): void {
    this.child.stdin!.write(JSON.stringify(cmd) + '\n');
  }

  async end(): Promise<void> {
    const exited = new Promise<void>((resolve) => (this.child.exitCode !== null ? resolve() : this.child.once('exit', () => resolve())));
    this.child.stdin!.end();
    await exited;
  }
}

/** The clients in `processes` child processes (the default setup). */
export async function runMcpClientsInProcesses(spec: McpClientsSpec, processes: number): Promise<McpClientsReport> {
  const counts = shares(spec.clients, processes);
  const workers = counts.map((count, k) => {
    const firstIndex = counts.slice(0, k).reduce((a, b) => a + b, 0);
    return new Worker(spawnBenchWorker('mcp-clients-worker', JSON.stringify({ spec, count, firstIndex } satisfies WorkerArg)));
  });
  try {
    await Promise.all(workers.map((w) => w.next<{ ready: true }>()));
    return await measureRounds(spec, processes, (tool, calls) => {
      let offset = 0;
      for (const [k, w] of workers.entries()) {
        w.send({ tool, calls: calls[k]!, offset });
        offset += calls[k]!;
      }
      return Promise.all(workers.map((w) => w.next<RoundResult>()));
    });
  } finally {
    await Promise.allSettled(workers.map((w) => w.end()));
  }
}
