// The packaged `apiary` CLI (dist/cli.js, the bundle the extension ships) run against a spec's
// workspace, as a script or another terminal would: it talks to the host the window started.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { repoRoot } from './host';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `apiary ...args`. Model endpoint variables are dropped so the settings made in VS Code apply. */
export function apiary(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env };
    delete env.ANTHROPIC_API_KEY;
    delete env.ANTHROPIC_BASE_URL;
    const child = spawn(process.execPath, [path.join(repoRoot, 'dist', 'cli.js'), ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code: code ?? 1, stdout, stderr }));
  });
}

/** The last line of a `--json` run, parsed. */
export function lastJson<T>(r: CliResult): T {
  const line = r.stdout.trim().split('\n').pop();
  if (r.code !== 0 || !line) throw new Error(`apiary exited with ${r.code}: ${r.stderr}${r.stdout}`);
  return JSON.parse(line) as T;
}
