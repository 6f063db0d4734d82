import { existsSync, readFileSync, statSync } from 'node:fs';
import { isAbsolute, join, posix, resolve } from 'node:path';
import type { ConfigSections } from './config.js';
import type { Output } from './metafiles.js';

/** One object a push has to put in the remote: a file, or a directory's `.dir` manifest. */
export interface TrackedObject {
  /** Repository-relative path of the file; a directory manifest's ends with `/`. */
  path: string;
  md5: string;
  size: number | null;
  legacy: boolean;
  manifest: boolean;
  /** For a file inside a directory output: the md5 of that directory's `.dir` manifest. */
  inManifest?: string;
  /** Remote name: the output's own `remote:` field, else the push's remote. */
  remote: string;
  /** Path in the local cache, and whether it is there. */
  cachePath: string;
  inLocalCache: boolean;
}

export interface ExpandResult {
  objects: TrackedObject[];
  /** Directory outputs whose `.dir` manifest is not in the local cache, so cannot be listed. */
  unlistable: Output[];
}

/** The local cache: `cache.dir` (relative to .dvc/ when set in a config), else .dvc/cache. */
export function localCacheDir(config: ConfigSections, dvcDir: string): string {
  const configured = config.cache?.dir;
  if (!configured) return join(dvcDir, 'cache');
  return isAbsolute(configured) ? configured : resolve(dvcDir, configured);
}

/** DVC 3 caches md5 objects under files/md5/, DVC 2 (md5-dos2unix) at the cache root. */
export function cacheObjectPath(cacheDir: string, md5: string, legacy: boolean): string {
  return legacy
    ? join(cacheDir, md5.slice(0, 2), md5.slice(2))
    : join(cacheDir, 'files', 'md5', md5.slice(0, 2), md5.slice(2));
}

interface ManifestEntry {
  md5?: unknown;
  relpath?: unknown;
}

/**
 * Each output as the objects it stores: a file output is one object; a directory output is its
 * `.dir` manifest plus one object per file listed in it (sizes from the cached files, as
 * manifests carry none). `within`, for granular targets, keeps only files under those paths.
 */
export function expandOutputs(
  outputs: readonly Output[],
  cacheDir: string,
  defaultRemote: string,
  within: ReadonlyMap<Output, readonly string[]> = new Map(),
): ExpandResult {
  const objects: TrackedObject[] = [];
  const unlistable: Output[] = [];
  for (const output of outputs) {
    const remote = output.remote ?? defaultRemote;
    const object = (
      path: string,
      md5: string,
      size: number | null,
      manifest: boolean,
      inManifest?: string,
    ): TrackedObject => {
      const cachePath = cacheObjectPath(cacheDir, md5, output.legacy);
      const inLocalCache = existsSync(cachePath);
      const known = size ?? (inLocalCache && !manifest ? statSync(cachePath).size : null);
      return {
        path,
        md5,
        size: known,
        legacy: output.legacy,
        manifest,
        ...(inManifest ? { inManifest } : {}),
        remote,
        cachePath,
        inLocalCache,
      };
    };
    if (!output.isDir) {
      objects.push(object(output.path, output.md5, output.size, false));
      continue;
    }
    const manifest = object(`${output.path}/`, output.md5, null, true);
    objects.push(manifest);
    if (!manifest.inLocalCache) {
      unlistable.push(output);
      continue;
    }
    const prefixes = within.get(output);
    for (const entry of readManifest(manifest.cachePath)) {
      const path = posix.join(output.path, entry.relpath);
      if (prefixes && !prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) continue;
      objects.push(object(path, entry.md5, null, false, output.md5));
    }
  }
  return { objects, unlistable };
}

function readManifest(path: string): { md5: string; relpath: string }[] {
  let entries: unknown;
  try {
    entries = JSON.parse(readFileSync(path, 'utf8'));
  } catch (error) {
    throw new Error(`The directory manifest ${path} in the local cache is not valid JSON (${String(error)})`, {
      cause: error,
    });
  }
  if (!Array.isArray(entries)) throw new Error(`The directory manifest ${path} is not a JSON list`);
  return (entries as ManifestEntry[])
    .filter((entry) => typeof entry?.md5 === 'string' && typeof entry.relpath === 'string')
    .map((entry) => ({ md5: entry.md5 as string, relpath: entry.relpath as string }));
}
