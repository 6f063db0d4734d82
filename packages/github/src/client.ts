import {
  HttpClient,
  HttpError,
  type Deadline,
  type HttpClientOptions,
  type RequestOptions,
} from '@mlops-actions/action-kit/http';
import { silentLogger, type Logger } from '@mlops-actions/action-kit/logger';

export interface GitHubClientOptions {
  /** The REST root: https://api.github.com, or https://<host>/api/v3 on GitHub Enterprise Server. */
  apiUrl: string;
  token: string;
  /** The step's deadline: no request runs past it. */
  deadline: Deadline;
  logger?: Logger;
  /** Passed to the underlying HttpClient (timeouts, retry policy, clock, fetch for tests). */
  http?: Omit<HttpClientOptions, 'baseUrl' | 'auth' | 'logger' | 'deadline'>;
}

/** One error of a GraphQL response, as GitHub sends it (`type` is e.g. STALE_DATA, NOT_FOUND, FORBIDDEN). */
export interface GraphQLErrorEntry {
  type?: string;
  message: string;
  path?: (string | number)[];
}

/** A GraphQL request that reached GitHub and was refused; `types` lists every error's `type`. */
export class GraphQLError extends Error {
  override name = 'GraphQLError';
  readonly types: string[];
  constructor(
    readonly errors: GraphQLErrorEntry[],
    readonly operation: string,
  ) {
    super(
      `GitHub GraphQL ${operation} failed: ${errors.map((e) => `${e.type ? `${e.type}: ` : ''}${e.message.replace(/\s+/g, ' ').trim()}`).join('; ')}`,
    );
    this.types = errors.map((e) => e.type ?? '');
  }

  has(type: string): boolean {
    return this.types.includes(type);
  }
}

/**
 * The GraphQL endpoint beside a REST root: api.github.com/graphql, and on GHES
 * https://<host>/api/graphql next to https://<host>/api/v3.
 */
export function graphqlUrl(apiUrl: string): string {
  const base = apiUrl.replace(/\/+$/, '');
  return /\/api\/v3$/.test(base) ? base.replace(/\/v3$/, '/graphql') : `${base}/graphql`;
}

/**
 * A small GitHub client: REST calls with GitHub's headers and error texts, and GraphQL calls whose
 * `errors` become a typed GraphQLError. Retries, timeouts and redaction come from action-kit's
 * HttpClient; GraphQL mutations are never retried blindly (the caller looks first).
 */
export class GitHubClient {
  private readonly http: HttpClient;
  private readonly graphqlEndpoint: string;
  readonly apiUrl: string;

  constructor(options: GitHubClientOptions) {
    this.apiUrl = options.apiUrl.replace(/\/+$/, '');
    this.graphqlEndpoint = graphqlUrl(this.apiUrl);
    this.http = new HttpClient({
      ...options.http,
      deadline: options.deadline,
      baseUrl: this.apiUrl,
      auth: { type: 'bearer', token: options.token },
      logger: options.logger ?? silentLogger,
      headers: {
        accept: 'application/vnd.github+json',
        'x-github-api-version': '2022-11-28',
        ...options.http?.headers,
      },
    });
  }

  async rest<T = unknown>(method: string, path: string, options: RequestOptions = {}): Promise<T | undefined> {
    const response = await this.http.request(method, path, options);
    if (response.status === 204 || response.body === '') return undefined;
    if (options.accept?.includes(response.status) && (response.status < 200 || response.status >= 300)) {
      return undefined;
    }
    return response.json<T>();
  }

  /** REST call that answers `undefined` on 404 instead of throwing. */
  async find<T = unknown>(path: string, options: RequestOptions = {}): Promise<T | undefined> {
    const response = await this.http.request('GET', path, { ...options, accept: [...(options.accept ?? []), 404] });
    return response.status === 404 ? undefined : response.json<T>();
  }

  /**
   * Runs a query or mutation. `mutation: true` marks the request non-idempotent: a timeout after
   * sending surfaces as an HttpError with `outcomeUnknown` instead of a retry.
   */
  async graphql<T>(
    query: string,
    variables: Record<string, unknown>,
    options: { mutation?: boolean; operation?: string } = {},
  ): Promise<T> {
    const operation = options.operation ?? /\b(?:query|mutation)\s+(\w+)/.exec(query)?.[1] ?? 'request';
    const response = await this.http.request('POST', this.graphqlEndpoint, {
      json: { query, variables },
      idempotent: !options.mutation,
    });
    const body = response.json<{ data?: T | null; errors?: GraphQLErrorEntry[] }>();
    if (body.errors?.length) throw new GraphQLError(body.errors, operation);
    if (!body.data) throw new GraphQLError([{ message: 'the response has no data' }], operation);
    return body.data;
  }

  close(): Promise<void> {
    return this.http.close();
  }
}

/** True when a REST error is GitHub's 422 "Validation Failed" (e.g. "Reference already exists"). */
export function isUnprocessable(error: unknown): error is HttpError {
  return error instanceof HttpError && error.status === 422;
}

/** A short, actionable sentence for the usual GitHub refusals. */
export function explainGitHubError(error: unknown): string | undefined {
  if (!(error instanceof HttpError) || !error.status) return undefined;
  switch (error.status) {
    case 401:
      return 'the token was refused (bad or expired credentials): pass a valid token';
    case 403:
      return 'the token lacks permission (or a rate limit was hit): grant contents: write (and pull-requests: write for pull requests)';
    case 404:
      return 'the repository or branch was not found, or the token cannot see it';
    default:
      return undefined;
  }
}
