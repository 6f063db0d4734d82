import {
  HttpClient,
  type HttpClientOptions,
  type HttpResponse,
  type RequestOptions,
} from '@mlops-actions/action-kit/http';
import { silentLogger, type Logger } from '@mlops-actions/action-kit/logger';
import { MlflowError, toMlflowError } from './errors.js';

export interface MlflowRestOptions extends Omit<HttpClientOptions, 'baseUrl' | 'headers'> {
  /** http(s)://host[:port][/prefix]; the prefix (reverse proxy, --static-prefix) is kept. */
  trackingUri: URL;
  /** Sent as X-MLFLOW-WORKSPACE, for servers started with --enable-workspaces. */
  workspace?: string;
}

type Query = RequestOptions['query'];

/**
 * MLflow's REST API (/api/2.0/mlflow/…) over action-kit's HttpClient. Every failure becomes an
 * MlflowError classified by MLflow's error_code; every call is counted.
 */
export class MlflowRest {
  readonly trackingUri: string;
  private readonly http: HttpClient;
  private readonly logger: Logger;
  private count = 0;

  constructor(options: MlflowRestOptions) {
    const { trackingUri, workspace, ...http } = options;
    this.trackingUri = trackingUri.toString().replace(/\/+$/, '');
    this.logger = options.logger ?? silentLogger;
    this.http = new HttpClient({
      ...http,
      baseUrl: trackingUri,
      headers: workspace ? { 'x-mlflow-workspace': workspace } : {},
      userAgent: 'mlops-actions/mlflow-gate-and-register',
    });
  }

  /** REST calls made so far (each retry counts once: it is one logical call). */
  get calls(): number {
    return this.count;
  }

  /** The server's version from GET /version (plain text, e.g. "3.17.2"). */
  async serverVersion(): Promise<string> {
    const operation = 'read the MLflow server version (GET /version)';
    const response = await this.send('GET', 'version', operation, {});
    const text = response.body.trim();
    if (!/^\d+\.\d+/.test(text)) {
      throw new MlflowError(
        { kind: 'not-mlflow', operation },
        `Could not ${operation}: ${this.trackingUri}/version answered ${JSON.stringify(response.redactedBody().trim().slice(0, 80))}, not an MLflow version. ` +
          'Check that tracking-uri points at an MLflow tracking server (with its path prefix, if any).',
      );
    }
    return text;
  }

  get<T>(rpc: string, query: Query, operation: string): Promise<T> {
    return this.json<T>('GET', rpc, operation, { query });
  }

  /** A POST that only reads (runs/search, logged-models/search) or a write that is safe to repeat. */
  post<T>(rpc: string, body: unknown, operation: string, options: { idempotent: boolean }): Promise<T> {
    return this.json<T>('POST', rpc, operation, { json: body, idempotent: options.idempotent });
  }

  async close(): Promise<void> {
    await this.http.close();
  }

  private async json<T>(method: string, rpc: string, operation: string, options: RequestOptions): Promise<T> {
    const response = await this.send(method, `api/2.0/mlflow/${rpc}`, operation, options);
    if (response.body.trim() === '') return {} as T;
    try {
      return JSON.parse(response.body) as T;
    } catch {
      const quoted = response.redactedBody();
      throw new MlflowError(
        { kind: 'not-mlflow', operation, serverMessage: quoted.slice(0, 200) },
        `Could not ${operation}: ${this.trackingUri} answered with a body that is not JSON ` +
          `(${JSON.stringify(quoted.trim().slice(0, 80))}): something other than MLflow answered. Check tracking-uri and any path prefix.`,
      );
    }
  }

  private async send(method: string, path: string, operation: string, options: RequestOptions): Promise<HttpResponse> {
    this.count++;
    this.logger.debug(`MLflow: ${operation}`);
    try {
      return await this.http.request(method, path, options);
    } catch (error) {
      throw toMlflowError(error, operation, this.trackingUri);
    }
  }
}

export interface Page<T> {
  items: T[];
  nextPageToken?: string;
}

/**
 * Every item of a paginated search. Stops on an empty token, on a token seen before (some
 * servers hand back one that never advances) and after `maxPages`.
 */
export async function collectPages<T>(
  fetchPage: (pageToken: string | undefined) => Promise<Page<T>>,
  options: { maxPages?: number } = {},
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  let token: string | undefined;
  for (let page = 0; page < (options.maxPages ?? 100); page++) {
    const result = await fetchPage(token);
    items.push(...result.items);
    token = result.nextPageToken || undefined;
    if (token === undefined || seen.has(token)) break;
    seen.add(token);
  }
  return items;
}
