import type { Logger } from '@mlops-actions/action-kit/logger';
import { MlflowError } from './errors.js';
import type { ModelSource } from './logged-model.js';
import type { Registry } from './registry.js';
import { tagValue, type WireModelVersion } from './wire.js';

/** The version tag that ties a version to the run it was registered from; the dedupe key of re-runs. */
export const SOURCE_RUN_TAG = 'mlops.source_run_id';

export interface RegisterRequest {
  modelName: string;
  runId: string;
  source: ModelSource;
  /** Set on the version (at creation, or again on a reused version). */
  tags: Record<string, string>;
  aliases: readonly string[];
  runLink?: string;
  waitTimeoutMs: number;
  /** An alias whose holder must still be `version` (or absent when undefined) just before it is moved. */
  guard?: { alias: string; expectedVersion: string | undefined };
}

export interface AliasMove {
  alias: string;
  version: string;
  /** Who held it before; undefined when nobody did. */
  previous?: string;
}

export interface Registration {
  version: string;
  /** True when the version already existed, registered from this run by an earlier attempt. */
  reused: boolean;
  modelCreated: boolean;
  aliases: AliasMove[];
}

/**
 * Registers the run's model once: a re-run finds the version an earlier attempt registered from
 * the same run (by the source-run tag, or the same source) and reuses it. Then waits for READY
 * and points every alias at it, re-reading each alias after the move.
 */
export async function registerCandidate(
  registry: Registry,
  request: RegisterRequest,
  logger: Logger,
): Promise<Registration> {
  const modelCreated = (await registry.ensureRegisteredModel(request.modelName)) === 'created';
  if (modelCreated) logger.info(`Created the registered model '${request.modelName}'`);

  let version = await findEarlierVersion(registry, request);
  const reused = version !== undefined;
  if (version) {
    logger.info(`Reusing version ${version.version}: it was registered from the run ${request.runId} before`);
  } else {
    version = await createOnce(registry, request);
    logger.info(`Registered version ${version.version} of '${request.modelName}' from ${request.source.source}`);
  }

  version = await registry.waitUntilReady(version, request.waitTimeoutMs);
  if (reused) {
    for (const [key, value] of Object.entries(request.tags)) {
      await registry.setVersionTag(request.modelName, version.version, key, value);
    }
  }

  const aliases: AliasMove[] = [];
  for (const alias of request.aliases) {
    aliases.push(await moveAlias(registry, request, alias, version.version));
  }
  return { version: version.version, reused, modelCreated, aliases };
}

async function findEarlierVersion(registry: Registry, request: RegisterRequest): Promise<WireModelVersion | undefined> {
  const candidates = (await registry.versionsFromRun(request.modelName, request.runId)).filter(
    (version) =>
      version.status !== 'FAILED_REGISTRATION' &&
      (tagValue(version.tags, SOURCE_RUN_TAG) === request.runId || version.source === request.source.source),
  );
  // The first one registered is the one earlier runs reported; later duplicates (made by others) are ignored.
  return candidates.sort((a, b) => Number(a.version) - Number(b.version))[0];
}

/**
 * model-versions/create is not idempotent, so it is never retried blindly: when its outcome is
 * unknown (timeout, reset, 5xx), look for the version first and create only if it is absent.
 */
async function createOnce(registry: Registry, request: RegisterRequest): Promise<WireModelVersion> {
  const create = () =>
    registry.createVersion({
      name: request.modelName,
      source: request.source.source,
      runId: request.runId,
      modelId: request.source.modelId,
      tags: request.tags,
      runLink: request.runLink,
    });
  try {
    return await create();
  } catch (error) {
    const unsure = error instanceof MlflowError && (error.outcomeUnknown || error.kind === 'unavailable');
    if (!unsure) throw error;
    return (await findEarlierVersion(registry, request)) ?? (await create());
  }
}

async function moveAlias(
  registry: Registry,
  request: RegisterRequest,
  alias: string,
  version: string,
): Promise<AliasMove> {
  const previous = (await registry.aliasHolder(request.modelName, alias))?.version;
  if (previous === version) return { alias, version, previous };
  if (request.guard?.alias === alias && previous !== request.guard.expectedVersion) {
    throw new MlflowError(
      { kind: 'conflict', operation: `move the alias '${alias}'` },
      `The alias '${alias}' of '${request.modelName}' moved from ${describe(request.guard.expectedVersion)} to ` +
        `${describe(previous)} while this gate ran: another job promoted a model. Nothing was moved; ` +
        "re-run to gate against the new champion, and use a workflow 'concurrency:' group per model.",
    );
  }
  await registry.setAlias(request.modelName, alias, version);
  const now = (await registry.aliasHolder(request.modelName, alias))?.version;
  if (now !== version) {
    throw new MlflowError(
      { kind: 'conflict', operation: `move the alias '${alias}'` },
      `The alias '${alias}' of '${request.modelName}' points at ${describe(now)} right after it was set to version ${version}: ` +
        "another job moved it at the same time. Check the registry, and use a workflow 'concurrency:' group per model.",
    );
  }
  return { alias, version, previous };
}

function describe(version: string | undefined): string {
  return version === undefined ? 'no version' : `version ${version}`;
}
