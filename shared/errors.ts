// One error shape for every surface: JSON-RPC error data, MCP tool errors and the CLI's
// `{error:{code,message,hint}}` all carry these fields.

export type ErrorCode =
  | 'invalid_params'
  | 'unknown_request'
  | 'not_found'
  | 'conflict'
  | 'wrong_expected_version'
  | 'reserved_stream'
  | 'budget_exceeded'
  | 'forbidden'
  | 'unavailable'
  | 'corrupt_log'
  | 'internal';

export interface ApiaryErrorData {
  code: ErrorCode;
  message: string;
  hint?: string;
  details?: Record<string, unknown>;
}

/** JSON-RPC error codes: one per error family so clients without our types can still branch. */
export const RpcErrorCodes: Record<ErrorCode, number> = {
  invalid_params: -32602,
  unknown_request: -32601,
  not_found: -32004,
  conflict: -32009,
  wrong_expected_version: -32010,
  reserved_stream: -32011,
  budget_exceeded: -32012,
  forbidden: -32003,
  unavailable: -32005,
  corrupt_log: -32020,
  internal: -32603,
};

export class ApiaryError extends Error {
  readonly code: ErrorCode;
  readonly hint?: string;
  readonly details?: Record<string, unknown>;

  constructor(code: ErrorCode, message: string, hint?: string, details?: Record<string, unknown>) {
    super(message);
    this.name = 'ApiaryError';
    this.code = code;
    this.hint = hint;
    this.details = details;
  }

  toData(): ApiaryErrorData {
    const data: ApiaryErrorData = { code: this.code, message: this.message };
    if (this.hint !== undefined) data.hint = this.hint;
    if (this.details !== undefined) data.details = this.details;
    return data;
  }
}

export function isApiaryErrorData(value: unknown): value is ApiaryErrorData {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ApiaryErrorData).code === 'string' &&
    typeof (value as ApiaryErrorData).message === 'string'
  );
}
