import { HttpError } from '@mlops-actions/action-kit/http';

/** What an MLflow failure means to the caller, independent of the HTTP status it came with. */
export type MlflowErrorKind =
  | 'not-found'
  | 'already-exists'
  | 'invalid'
  | 'unauthenticated'
  | 'permission-denied'
  | 'host-rejected'
  | 'endpoint-missing'
  | 'not-mlflow'
  | 'rate-limited'
  | 'unavailable'
  | 'unreachable'
  | 'conflict'
  | 'other';

export interface MlflowErrorDetails {
  kind: MlflowErrorKind;
  /** What we were doing, e.g. "get the run 1234". */
  operation: string;
  status?: number;
  /** MLflow's error_code, when the body was MLflow JSON. */
  errorCode?: string;
  /** MLflow's message, or the first line of a non-JSON body. */
  serverMessage?: string;
  /** True when a write may or may not have happened: look before repeating it. */
  outcomeUnknown?: boolean;
}

/** Every failure of an MLflow call: classified, and worded as what happened, what it means, what to do. */
export class MlflowError extends Error implements MlflowErrorDetails {
  override name = 'MlflowError';
  readonly kind: MlflowErrorKind;
  readonly operation: string;
  readonly status?: number;
  readonly errorCode?: string;
  readonly serverMessage?: string;
  readonly outcomeUnknown?: boolean;

  constructor(details: MlflowErrorDetails, message: string) {
    super(message);
    this.kind = details.kind;
    this.operation = details.operation;
    this.status = details.status;
    this.errorCode = details.errorCode;
    this.serverMessage = details.serverMessage;
    this.outcomeUnknown = details.outcomeUnknown;
  }
}

/** MLflow's error codes (mlflow/exceptions.py) by what they mean; the HTTP status is not used for this. */
const KIND_BY_CODE: Record<string, MlflowErrorKind> = {
  RESOURCE_DOES_NOT_EXIST: 'not-found',
  NOT_FOUND: 'not-found',
  ENDPOINT_NOT_FOUND: 'endpoint-missing',
  RESOURCE_ALREADY_EXISTS: 'already-exists',
  ALREADY_EXISTS: 'already-exists',
  INVALID_PARAMETER_VALUE: 'invalid',
  BAD_REQUEST: 'invalid',
  INVALID_STATE: 'invalid',
  UNAUTHENTICATED: 'unauthenticated',
  CUSTOMER_UNAUTHORIZED: 'unauthenticated',
  PERMISSION_DENIED: 'permission-denied',
  RESOURCE_CONFLICT: 'conflict',
  ABORTED: 'conflict',
  REQUEST_LIMIT_EXCEEDED: 'rate-limited',
  RESOURCE_EXHAUSTED: 'rate-limited',
  TEMPORARILY_UNAVAILABLE: 'unavailable',
  DEADLINE_EXCEEDED: 'unavailable',
  INTERNAL_ERROR: 'unavailable',
};

/** Turns what the HTTP client threw into an MlflowError; anything else passes through unchanged. */
export function toMlflowError(error: unknown, operation: string, trackingUri: string): unknown {
  if (!(error instanceof HttpError)) return error;
  const where = `MLflow at ${trackingUri}`;
  if (error.status === undefined) {
    return new MlflowError(
      { kind: 'unreachable', operation, outcomeUnknown: error.outcomeUnknown },
      `Could not ${operation}: ${where} did not answer (${error.reason}). ` +
        'Check tracking-uri (scheme, host, port and any path prefix) and that the server is reachable from the runner.' +
        (error.outcomeUnknown ? ' The write may or may not have been applied.' : ''),
    );
  }
  const body = error.body ?? '';
  const mlflow = parseMlflowBody(body);
  if (mlflow) {
    const kind = KIND_BY_CODE[mlflow.errorCode] ?? (error.status >= 500 ? 'unavailable' : 'other');
    return new MlflowError(
      { kind, operation, status: error.status, errorCode: mlflow.errorCode, serverMessage: mlflow.message },
      `Could not ${operation}: MLflow answered ${error.status} ${mlflow.errorCode}: ${mlflow.message}${hintFor(kind)}`,
    );
  }
  return nonJsonError(error.status, body, operation, where);
}

function nonJsonError(status: number, body: string, operation: string, where: string): MlflowError {
  const said = firstLine(body);
  const details = { operation, status, serverMessage: said || undefined };
  const quoted = said ? ` ("${said}")` : '';
  if (status === 401) {
    return new MlflowError(
      { ...details, kind: 'unauthenticated' },
      `Could not ${operation}: ${where} answered 401${quoted}: it did not accept the credentials. ` +
        'Give token (bearer) or username and password (basic auth) that the server knows.',
    );
  }
  if (status === 403 && /invalid host header/i.test(body)) {
    return new MlflowError(
      { ...details, kind: 'host-rejected' },
      `Could not ${operation}: ${where} answered 403${quoted}: its host check refused the host name in tracking-uri. ` +
        'Start the server with --allowed-hosts listing that host (MLflow 3.5+ security middleware), or use an address it allows.',
    );
  }
  if (status === 403) {
    return new MlflowError(
      { ...details, kind: 'permission-denied' },
      `Could not ${operation}: ${where} answered 403${quoted}: the credentials are valid but lack the permission. ` +
        'Grant the user EDIT (or MANAGE for aliases) on the experiment and the registered model.',
    );
  }
  if (/^\s*<(!doctype|html|\?xml)/i.test(body)) {
    return new MlflowError(
      { ...details, kind: 'not-mlflow', serverMessage: undefined },
      `Could not ${operation}: ${where} answered ${status} with an HTML page, not MLflow JSON: ` +
        'a proxy, load balancer or login page answered instead. Check tracking-uri and any path prefix.',
    );
  }
  if (status === 404) {
    return new MlflowError(
      { ...details, kind: 'endpoint-missing' },
      `Could not ${operation}: ${where} answered 404 without an MLflow error${quoted}: ` +
        'the server has no such endpoint. The tracking-uri path prefix may be wrong, or the server is older than this call needs.',
    );
  }
  const kind: MlflowErrorKind = status === 429 ? 'rate-limited' : status >= 500 ? 'unavailable' : 'other';
  return new MlflowError(
    { ...details, kind },
    `Could not ${operation}: ${where} answered ${status}${quoted}${status >= 500 ? ' after the retries: the server or a proxy in front of it is failing; try again later' : ''}.`,
  );
}

function hintFor(kind: MlflowErrorKind): string {
  switch (kind) {
    case 'unauthenticated':
      return '. Give token or username and password that the server accepts.';
    case 'permission-denied':
      return '. Grant the user the needed permission on the experiment or registered model.';
    case 'unavailable':
      return '. The server kept failing after the retries; try again later.';
    default:
      return '';
  }
}

export function parseMlflowBody(body: string): { errorCode: string; message: string } | undefined {
  if (!body.trimStart().startsWith('{')) return undefined;
  try {
    const value = JSON.parse(body) as { error_code?: unknown; message?: unknown };
    if (typeof value.error_code !== 'string') return undefined;
    return { errorCode: value.error_code, message: typeof value.message === 'string' ? value.message : '' };
  } catch {
    return undefined;
  }
}

function firstLine(body: string): string {
  const line = body.trim().split(/\r?\n/, 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

export function isKind(error: unknown, ...kinds: MlflowErrorKind[]): error is MlflowError {
  return error instanceof MlflowError && kinds.includes(error.kind);
}

/**
 * A missing alias: the OSS SQL and file stores answer 400 INVALID_PARAMETER_VALUE "Registered model
 * alias X not found."; other registries answer 404 RESOURCE_DOES_NOT_EXIST.
 */
export function isMissingAlias(error: unknown): boolean {
  if (!(error instanceof MlflowError)) return false;
  if (error.kind === 'not-found') return true;
  return error.kind === 'invalid' && /alias .* not found/i.test(error.serverMessage ?? '');
}
