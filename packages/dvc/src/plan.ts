import { join } from 'node:path';
import type { RepoConfig } from './config.js';
import { readOutputs } from './metafiles.js';
import { expandOutputs, localCacheDir, type TrackedObject } from './objects.js';
import { selectTargets } from './targets.js';
import type { Output } from './metafiles.js';

export interface PushPlan {
  objects: TrackedObject[];
  /** Directory outputs whose manifest is not in the local cache: their files cannot be listed. */
  unlistable: Output[];
  /** Every remote name the objects go to (per-output `remote:` fields included). */
  remotes: string[];
}

/** What a push of `targets` (all outputs when empty) involves, from the metafiles and the local cache. */
export function planPush(root: string, config: RepoConfig, remote: string, targets: readonly string[]): PushPlan {
  const selection = selectTargets(readOutputs(root), targets);
  const cacheDir = localCacheDir(config.merged, join(root, '.dvc'));
  const { objects, unlistable } = expandOutputs(selection.outputs, cacheDir, remote, selection.within);
  return { objects, unlistable, remotes: [...new Set(objects.map((object) => object.remote))].sort() };
}
