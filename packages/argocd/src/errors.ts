import { HttpError } from '@mlops-actions/action-kit/http';

/** gRPC status codes that grpc-gateway puts in the `code` field of its error bodies. */
export const GrpcCode = {
  InvalidArgument: 3,
  DeadlineExceeded: 4,
  NotFound: 5,
  PermissionDenied: 7,
  FailedPrecondition: 9,
  Unavailable: 14,
  Unauthenticated: 16,
} as const;

/** An Argo CD API failure, with the gRPC code read from the body (preferred over the HTTP status). */
export class ArgoCdError extends Error {
  override name = 'ArgoCdError';
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly grpcCode: number | undefined,
    /** The server's own message, e.g. "permission denied". */
    readonly serverMessage: string | undefined,
    override readonly cause?: unknown,
  ) {
    super(message);
  }

  get unauthenticated(): boolean {
    return this.grpcCode === GrpcCode.Unauthenticated || (this.grpcCode === undefined && this.status === 401);
  }
  get permissionDenied(): boolean {
    return this.grpcCode === GrpcCode.PermissionDenied || (this.grpcCode === undefined && this.status === 403);
  }
  get notFound(): boolean {
    return this.grpcCode === GrpcCode.NotFound || (this.grpcCode === undefined && this.status === 404);
  }
  get failedPrecondition(): boolean {
    return this.grpcCode === GrpcCode.FailedPrecondition;
  }
}

interface GatewayBody {
  code?: number;
  message?: string;
  error?: string | { grpc_code?: number; http_code?: number; message?: string };
}

/** Reads a grpc-gateway error body: `{error, code, message}` or, on streams, `{error: {grpc_code, message}}`. */
export function parseGatewayError(body: string | undefined): { grpcCode?: number; message?: string } {
  if (!body) return {};
  try {
    const parsed = JSON.parse(body) as GatewayBody;
    if (parsed.error && typeof parsed.error === 'object') {
      return { grpcCode: parsed.error.grpc_code, message: parsed.error.message };
    }
    return {
      grpcCode: typeof parsed.code === 'number' ? parsed.code : undefined,
      message: parsed.message ?? (typeof parsed.error === 'string' ? parsed.error : undefined),
    };
  } catch {
    return {};
  }
}

/** Wraps anything the HTTP layer threw into an ArgoCdError saying what was being done. */
export function toArgoCdError(what: string, error: unknown): ArgoCdError {
  if (error instanceof ArgoCdError) return error;
  if (error instanceof HttpError) {
    const { grpcCode, message } = parseGatewayError(error.body);
    const detail = message ? `${error.status ?? error.code}: ${message}` : error.message;
    return new ArgoCdError(`${what} failed (${detail})`, error.status, grpcCode, message, error);
  }
  const text = error instanceof Error ? error.message : String(error);
  return new ArgoCdError(`${what} failed (${text})`, undefined, undefined, undefined, error);
}
