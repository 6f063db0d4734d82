import type { Logger } from '@mlops-actions/action-kit/logger';
import { MlflowError, isKind } from './errors.js';
import type { Registry } from './registry.js';
import type { MlflowRest } from './rest.js';
import type { WireModelVersion } from './wire.js';

export interface PromoteOptions {
  modelName: string;
  /** The alias to move, e.g. champion. */
  to: string;
  /** Exactly one: the alias whose version is promoted, or the version itself (also how a rollback is done). */
  from: { alias: string } | { version: string };
}

export interface PromoteResult {
  serverVersion: string;
  version: string;
  runId?: string;
  modelId?: string;
  /** Who held `to` before: move it back there to roll back. Undefined when nobody did. */
  previousVersion?: string;
  /** False when `to` already pointed at the version. */
  changed: boolean;
}

/** Points `to` at the promoted version, re-reading it afterwards, and reports who held it before. */
export async function promote(
  deps: { rest: MlflowRest; registry: Registry; logger: Logger },
  options: PromoteOptions,
): Promise<PromoteResult> {
  const { rest, registry, logger } = deps;
  const serverVersion = await rest.serverVersion();
  const target = await promotedVersion(registry, options);
  if (target.status && target.status !== 'READY') {
    throw new MlflowError(
      { kind: 'invalid', operation: `promote version ${target.version}` },
      `Version ${target.version} of '${options.modelName}' is ${target.status}, not READY: it cannot serve. ` +
        'Promote a READY version (wait for the registration to finish, or pick another version).',
    );
  }
  const base = {
    serverVersion,
    version: target.version,
    runId: target.run_id || undefined,
    modelId: modelIdOf(target),
  };

  const previousVersion = (await registry.aliasHolder(options.modelName, options.to))?.version;
  if (previousVersion === target.version) {
    logger.info(`'${options.to}' already points at version ${target.version}: nothing to move`);
    return { ...base, previousVersion, changed: false };
  }
  await registry.setAlias(options.modelName, options.to, target.version);
  const now = (await registry.aliasHolder(options.modelName, options.to))?.version;
  if (now !== target.version) {
    throw new MlflowError(
      { kind: 'conflict', operation: `move the alias '${options.to}'` },
      `The alias '${options.to}' of '${options.modelName}' points at ${now ?? 'no version'} right after it was set to ${target.version}: ` +
        "another job moved it at the same time. Check the registry, and use a workflow 'concurrency:' group per model.",
    );
  }
  logger.info(
    `Moved '${options.to}' of '${options.modelName}' to version ${target.version} (was ${previousVersion ?? 'unset'})`,
  );
  return { ...base, previousVersion, changed: true };
}

/**
 * The LoggedModel id of a version: the model_id field, or, when the server leaves it out (MLflow
 * 3.17's REST ModelVersion never sets it: ModelVersion.to_proto, mlflow/entities/model_registry),
 * the id in its source `models:/<model_id>`. Undefined for a version registered from a run
 * artifact or another location, which has no LoggedModel.
 */
function modelIdOf(version: WireModelVersion): string | undefined {
  if (version.model_id) return version.model_id;
  return /^models:\/(m-[A-Za-z0-9]+)$/.exec(version.source ?? '')?.[1];
}

async function promotedVersion(registry: Registry, options: PromoteOptions): Promise<WireModelVersion> {
  if ('alias' in options.from) {
    const holder = await registry.aliasHolder(options.modelName, options.from.alias);
    if (!holder) {
      throw new MlflowError(
        { kind: 'not-found', operation: `read the alias '${options.from.alias}'` },
        `The registered model '${options.modelName}' has no alias '${options.from.alias}' (promote-from), or does not exist: ` +
          'there is nothing to promote. Run the gate first, or give version.',
      );
    }
    return holder;
  }
  try {
    return await registry.getVersion(options.modelName, options.from.version);
  } catch (error) {
    if (!isKind(error, 'not-found')) throw error;
    throw new MlflowError(
      { ...error, kind: 'not-found' },
      `Version ${options.from.version} of the registered model '${options.modelName}' does not exist (version): ${error.serverMessage ?? ''}`.trimEnd(),
    );
  }
}
