/** Statuses worth another attempt: the server or a proxy says "not now", not "no". */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}

export interface HttpErrorDetails {
  method: string;
  /** Already redacted. */
  url: string;
  status?: number;
  statusText?: string;
  /** At most 2 KB, already redacted. */
  body?: string;
  attempts: number;
  /** A network error code (ECONNREFUSED…), 'TIMEOUT' or 'DEADLINE'. */
  code?: string;
  /**
   * True when a write may or may not have reached the server (timeout or reset after sending):
   * look before trying it again.
   */
  outcomeUnknown?: boolean;
}

export class HttpError extends Error implements HttpErrorDetails {
  override name = 'HttpError';
  readonly method: string;
  readonly url: string;
  readonly status?: number;
  readonly statusText?: string;
  readonly body?: string;
  readonly attempts: number;
  readonly code?: string;
  readonly outcomeUnknown?: boolean;
  /** What went wrong, without the method and URL prefix. */
  readonly reason: string;

  constructor(details: HttpErrorDetails, reason: string) {
    super(`${details.method} ${details.url} ${reason}${attemptsNote(details.attempts)}${bodyNote(details.body)}`);
    this.method = details.method;
    this.url = details.url;
    this.status = details.status;
    this.statusText = details.statusText;
    this.body = details.body;
    this.attempts = details.attempts;
    this.code = details.code;
    this.outcomeUnknown = details.outcomeUnknown;
    this.reason = reason;
  }
}

function attemptsNote(attempts: number): string {
  return attempts > 1 ? ` (after ${attempts} attempts)` : '';
}

function bodyNote(body: string | undefined): string {
  return body ? `: ${body.replace(/\s+/g, ' ').trim()}` : '';
}

export const MAX_ERROR_BODY = 2048;

export function clipBody(body: string): string {
  return body.length > MAX_ERROR_BODY ? `${body.slice(0, MAX_ERROR_BODY)}…` : body;
}
