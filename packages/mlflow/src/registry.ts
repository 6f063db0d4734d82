import { realClock, type Clock } from '@mlops-actions/action-kit/http';
import { MlflowError, isKind, isMissingAlias } from './errors.js';
import { collectPages, type MlflowRest } from './rest.js';
import type { WireModelVersion } from './wire.js';

/** Registry calls by meaning; versions always travel as strings (a JSON number is refused). */
export class Registry {
  constructor(
    private readonly rest: MlflowRest,
    private readonly clock: Clock = realClock,
  ) {}

  /** The version holding `alias`, or undefined when the alias or the registered model does not exist. */
  async aliasHolder(name: string, alias: string): Promise<WireModelVersion | undefined> {
    try {
      const { model_version } = await this.rest.get<{ model_version: WireModelVersion }>(
        'registered-models/alias',
        { name, alias },
        `read the alias '${alias}' of the registered model '${name}'`,
      );
      return model_version;
    } catch (error) {
      if (isMissingAlias(error)) return undefined;
      if (isKind(error, 'permission-denied') && !(await this.isVisible(name))) return undefined;
      throw error;
    }
  }

  /**
   * Whether the registered model exists for this user. The basic-auth app answers 403 (not 404)
   * for a model that does not exist yet, to non-admins; its search lists only what they may read.
   */
  private async isVisible(name: string): Promise<boolean> {
    const { registered_models } = await this.rest.get<{ registered_models?: { name: string }[] }>(
      'registered-models/search',
      { filter: `name = ${literal(name)}`, max_results: 1 },
      `search for the registered model '${name}'`,
    );
    return (registered_models ?? []).some((model) => model.name === name);
  }

  async getVersion(name: string, version: string): Promise<WireModelVersion> {
    const { model_version } = await this.rest.get<{ model_version: WireModelVersion }>(
      'model-versions/get',
      { name, version },
      `get version ${version} of the registered model '${name}'`,
    );
    return model_version;
  }

  /** Creates the registered model; one that already exists (even created a moment ago by a racing job) is fine. */
  async ensureRegisteredModel(name: string): Promise<'created' | 'existed'> {
    try {
      await this.rest.post(
        'registered-models/create',
        { name },
        `create the registered model '${name}'`,
        // Repeating it is harmless: a duplicate answers RESOURCE_ALREADY_EXISTS.
        { idempotent: true },
      );
      return 'created';
    } catch (error) {
      if (isKind(error, 'already-exists')) return 'existed';
      throw error;
    }
  }

  /** Every version of `name` registered from `runId` (model-versions/search; aliases are not filled in there). */
  async versionsFromRun(name: string, runId: string): Promise<WireModelVersion[]> {
    return collectPages(async (pageToken) => {
      const page = await this.rest.get<{ model_versions?: WireModelVersion[]; next_page_token?: string }>(
        'model-versions/search',
        {
          filter: `name = ${literal(name)} AND run_id = '${runId}'`,
          max_results: 100,
          order_by: ['version_number ASC'],
          page_token: pageToken,
        },
        `search the versions of '${name}' registered from the run ${runId}`,
      );
      return { items: page.model_versions ?? [], nextPageToken: page.next_page_token };
    });
  }

  /** Not idempotent on the server (each call makes a new version): the caller looks before retrying. */
  async createVersion(request: {
    name: string;
    source: string;
    runId: string;
    modelId?: string;
    tags: Record<string, string>;
    runLink?: string;
    description?: string;
  }): Promise<WireModelVersion> {
    const { model_version } = await this.rest.post<{ model_version: WireModelVersion }>(
      'model-versions/create',
      {
        name: request.name,
        source: request.source,
        run_id: request.runId,
        ...(request.modelId ? { model_id: request.modelId } : {}),
        tags: Object.entries(request.tags).map(([key, value]) => ({ key, value })),
        ...(request.runLink ? { run_link: request.runLink } : {}),
        ...(request.description ? { description: request.description } : {}),
      },
      `register a new version of '${request.name}' from ${request.source}`,
      { idempotent: false },
    );
    return model_version;
  }

  /**
   * Polls until the version is READY, with backoff (1 s doubling to 10 s), for at most `timeoutMs`.
   * FAILED_REGISTRATION is an error carrying the server's status message.
   */
  async waitUntilReady(version: WireModelVersion, timeoutMs: number): Promise<WireModelVersion> {
    const deadline = this.clock.now() + timeoutMs;
    let current = version;
    for (let delay = 1000; ; delay = Math.min(delay * 2, 10_000)) {
      if (current.status === 'READY' || current.status === undefined) return current;
      if (current.status === 'FAILED_REGISTRATION') {
        throw new MlflowError(
          { kind: 'invalid', operation: `register version ${current.version} of '${current.name}'` },
          `Version ${current.version} of '${current.name}' failed to register: ${current.status_message || 'no status message'}. ` +
            'The registry could not copy or validate the model; fix the cause and run again (a new version will be created).',
        );
      }
      const remaining = deadline - this.clock.now();
      if (remaining <= 0) {
        throw new MlflowError(
          { kind: 'unavailable', operation: `wait for version ${current.version} of '${current.name}'` },
          `Version ${current.version} of '${current.name}' is still ${current.status} after ${Math.round(timeoutMs / 1000)}s. ` +
            'The registry is slow to finish the copy; run again later (the same version is reused) or raise wait-timeout.',
        );
      }
      await this.clock.sleep(Math.min(delay, remaining));
      current = await this.getVersion(current.name, current.version);
    }
  }

  async setVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    await this.rest.post(
      'model-versions/set-tag',
      { name, version, key, value },
      `set the tag '${key}' on version ${version} of '${name}'`,
      { idempotent: true },
    );
  }

  /** Points `alias` at `version`, moving it if another version held it. */
  async setAlias(name: string, alias: string, version: string): Promise<void> {
    await this.rest.post(
      'registered-models/alias',
      { name, alias, version },
      `point the alias '${alias}' of '${name}' at version ${version}`,
      { idempotent: true },
    );
  }
}

/**
 * A string literal for an MLflow search filter. Its parser has no escape for a quote inside a
 * literal, but takes either quote character: a name with ' goes in double quotes.
 */
function literal(value: string): string {
  if (!value.includes("'")) return `'${value}'`;
  if (!value.includes('"')) return `"${value}"`;
  throw new MlflowError(
    { kind: 'invalid', operation: 'build a search filter' },
    `The name ${JSON.stringify(value)} holds both ' and ", which an MLflow search filter cannot express: rename the model.`,
  );
}
