import type { HttpClient } from '@mlops-actions/action-kit/http';
import { endpoints, type Protocol } from './protocol.js';
import { parseJsonBody, probe } from './probe.js';

/** A model the server says it serves, with its state when the server reports one. */
export interface ServedModel {
  name: string;
  state?: string;
}

/**
 * Asks the server what it does serve, for the "model not found" message: V2 repository index
 * (MLServer, Triton), V2 model list (KServe's extension), V1 model list. Undefined when none answers.
 */
export async function listServedModels(
  client: HttpClient,
  protocol: Protocol,
  timeoutMs: number,
): Promise<ServedModel[] | undefined> {
  const paths = endpoints('');
  const attempts: (() => Promise<ServedModel[] | undefined>)[] =
    protocol === 'v2'
      ? [
          () => ask(client, 'POST', paths.v2RepositoryIndex, timeoutMs, {}),
          () => ask(client, 'GET', paths.v2Models, timeoutMs),
          () => ask(client, 'GET', paths.v1Models, timeoutMs),
        ]
      : [() => ask(client, 'GET', paths.v1Models, timeoutMs), () => ask(client, 'GET', paths.v2Models, timeoutMs)];
  for (const attempt of attempts) {
    const models = await attempt();
    if (models) return models;
  }
  return undefined;
}

async function ask(
  client: HttpClient,
  method: 'GET' | 'POST',
  path: string,
  timeoutMs: number,
  json?: unknown,
): Promise<ServedModel[] | undefined> {
  const outcome = await probe(client, path, { method, timeoutMs, json });
  if (outcome.kind !== 'answer' || outcome.status !== 200) return undefined;
  return readModelList(parseJsonBody(outcome.body));
}

/** `[{"name","state"}]` (repository index), `{"models": ["a"]}` (KServe), `{"models": [{"name"}]}`. */
export function readModelList(body: unknown): ServedModel[] | undefined {
  const list = Array.isArray(body) ? body : (body as { models?: unknown } | undefined)?.models;
  if (!Array.isArray(list)) return undefined;
  const models: ServedModel[] = [];
  for (const item of list) {
    if (typeof item === 'string') models.push({ name: item });
    else if (item && typeof item === 'object' && typeof (item as ServedModel).name === 'string') {
      const { name, state } = item as { name: string; state?: unknown };
      models.push(typeof state === 'string' ? { name, state } : { name });
    }
  }
  return models;
}

export function describeServedModels(models: ServedModel[] | undefined): string {
  if (models === undefined) return 'the server did not list the models it serves';
  if (models.length === 0) return 'the server serves no model at all';
  const names = models.map((m) => (m.state ? `${m.name} (${m.state})` : m.name));
  return `the server serves: ${names.join(', ')}`;
}
