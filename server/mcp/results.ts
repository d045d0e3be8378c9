// How tool outcomes look on the wire: compact JSON text (what a model reads), the same object as
// `structuredContent` for tools that declare an output schema, and refusals as tool errors that
// carry the ApiaryError fields, so a model sees the code, the reason and what to do instead.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import type { z } from 'zod';
import { ApiaryError, type ApiaryErrorData } from '../../shared/errors';

export function toolResult(value: unknown, structured: boolean): CallToolResult {
  const text = value === undefined ? 'null' : JSON.stringify(value);
  const result: CallToolResult = { content: [{ type: 'text', text }] };
  if (structured && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    result.structuredContent = value as Record<string, unknown>;
  }
  return result;
}

export function toolError(data: ApiaryErrorData): CallToolResult {
  const error: ApiaryErrorData = { code: data.code, message: data.message };
  if (data.hint !== undefined) error.hint = data.hint;
  if (data.details !== undefined) error.details = data.details;
  return { isError: true, content: [{ type: 'text', text: JSON.stringify({ error }) }] };
}

/** Bad arguments: which fields, what is wrong, and where the schema is. */
export function invalidArguments(tool: string, error: z.ZodError): ApiaryError {
  const issues = error.issues.map((i) => `${i.path.length ? i.path.join('.') : '(arguments)'}: ${i.message}`);
  return new ApiaryError('invalid_params', `invalid arguments for ${tool}: ${issues.join('; ')}`, `Fix the arguments to match ${tool}'s input schema (see tools/list); nothing was changed.`, { issues });
}

/** Any failure as error data; unexpected ones are reported as internal without their stack. */
export function errorData(err: unknown): ApiaryErrorData {
  if (err instanceof ApiaryError) return err.toData();
  return {
    code: 'internal',
    message: `internal error: ${err instanceof Error ? err.message : String(err)}`,
    hint: 'This is a bug in the Apiary host; its log (.apiary/host.log or the Apiary output channel) has the details.',
  };
}
