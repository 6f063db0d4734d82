import { request } from 'node:https';

export interface KubeResponse<T = unknown> {
  status: number;
  body: T;
}

export interface WatchEvent<T> {
  type: 'ADDED' | 'MODIFIED' | 'DELETED' | 'BOOKMARK' | 'ERROR';
  object: T;
}

/** A minimal client of the kube-apiserver REST API: HTTPS with the cluster CA and a bearer token. */
export class KubeClient {
  constructor(
    readonly server: string,
    private readonly token: string,
    private readonly ca: string,
  ) {}

  async request<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
  ): Promise<KubeResponse<T>> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    return new Promise((resolve, reject) => {
      const req = request(
        new URL(path, this.server),
        {
          method,
          ca: this.ca,
          headers: {
            authorization: `Bearer ${this.token}`,
            accept: 'application/json',
            ...(payload ? { 'content-type': contentType } : {}),
          },
          timeout: 30_000,
        },
        (res) => {
          let text = '';
          res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
          res.on('end', () => {
            // Health endpoints (/readyz) answer plain text.
            const json = /json/.test(res.headers['content-type'] ?? '');
            try {
              resolve({ status: res.statusCode ?? 0, body: (json && text ? JSON.parse(text) : { text }) as T });
            } catch (error) {
              reject(error as Error);
            }
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 30 s`)));
      req.on('error', reject);
      req.end(payload);
    });
  }

  /** The request, failing on any status but 2xx with the apiserver's message. */
  async must<T = unknown>(method: string, path: string, body?: unknown, contentType?: string): Promise<T> {
    const response = await this.request<T & { message?: string }>(method, path, body, contentType);
    if (response.status >= 300) {
      throw new Error(`${method} ${path}: HTTP ${response.status}: ${response.body.message ?? ''}`);
    }
    return response.body;
  }

  /**
   * Follows a watch (`?watch=1`) and calls `onEvent` for each event until `signal` aborts or the
   * apiserver closes the stream (resolves then; the caller re-lists and watches again).
   */
  watch<T>(path: string, onEvent: (event: WatchEvent<T>) => void, signal: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const req = request(new URL(path, this.server), {
        method: 'GET',
        ca: this.ca,
        signal,
        headers: { authorization: `Bearer ${this.token}`, accept: 'application/json' },
      });
      req.on('response', (res) => {
        if (res.statusCode !== 200) {
          res.resume();
          reject(new Error(`watch ${path}: HTTP ${res.statusCode}`));
          return;
        }
        let pending = '';
        res.setEncoding('utf8').on('data', (chunk: string) => {
          pending += chunk;
          const lines = pending.split('\n');
          pending = lines.pop() ?? '';
          for (const line of lines) if (line.trim()) onEvent(JSON.parse(line) as WatchEvent<T>);
        });
        res.on('end', () => resolve());
        res.on('error', () => resolve());
      });
      req.on('error', (error) => (signal.aborted ? resolve() : reject(error)));
      req.end();
    });
  }
}
