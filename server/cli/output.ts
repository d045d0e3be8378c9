import { ResponseError } from 'vscode-jsonrpc';
import { ApiaryError, isApiaryErrorData, type ApiaryErrorData } from '../../shared/errors';

/** Exit codes the CLI promises: 0 ok, 1 refused (conflict, budget, invalid input), 2 usage. */
export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_USAGE = 2;

export class UsageError extends Error {}

export function errorData(err: unknown): ApiaryErrorData {
  if (err instanceof ApiaryError) return err.toData();
  if (err instanceof ResponseError && isApiaryErrorData(err.data)) return err.data;
  if (err instanceof ResponseError) return { code: 'internal', message: err.message };
  return { code: 'internal', message: err instanceof Error ? err.message : String(err) };
}

export function printError(err: unknown, json: boolean): number {
  if (err instanceof UsageError) {
    if (json) process.stdout.write(JSON.stringify({ error: { code: 'usage', message: err.message, hint: 'Run `apiary help`.' } }) + '\n');
    else process.stderr.write(`apiary: ${err.message}\nRun \`apiary help\` for usage.\n`);
    return EXIT_USAGE;
  }
  const data = errorData(err);
  if (json) {
    const { code, message, hint } = data;
    process.stdout.write(JSON.stringify({ error: { code, message, ...(hint ? { hint } : {}), ...(data.details ? { details: data.details } : {}) } }) + '\n');
  } else {
    process.stderr.write(`apiary: ${data.message}\n${data.hint ? `hint: ${data.hint}\n` : ''}`);
  }
  return EXIT_REFUSED;
}

export { counted } from '../../shared/counted';

export function printResult(value: unknown, json: boolean, human: () => string): void {
  process.stdout.write(json ? JSON.stringify(value) + '\n' : human() + '\n');
}
