// Refusals from the host as people read them: the message, and the hint when there is one.
import { isApiaryErrorData, type ApiaryErrorData } from '../../shared/errors';

export function errorData(err: unknown): ApiaryErrorData | undefined {
  const data = typeof err === 'object' && err !== null && 'data' in err ? (err as { data: unknown }).data : undefined;
  return isApiaryErrorData(data) ? data : undefined;
}

export function errorCode(err: unknown): string | undefined {
  return errorData(err)?.code;
}

export function errorText(err: unknown): string {
  const data = errorData(err);
  if (data) return data.hint ? `${data.message} (${data.hint})` : data.message;
  return err instanceof Error ? err.message : String(err);
}
