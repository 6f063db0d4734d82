import { isAbsolute, resolve } from 'node:path';
import { InvalidValue } from '@mlops-actions/action-kit/parse';
import { remoteNames, remoteSection, type RepoConfig } from './config.js';

/** The pip extra of `dvc` each remote scheme needs; schemes absent here are built in. */
const EXTRAS: Record<string, string> = {
  s3: 's3',
  gs: 'gs',
  gcs: 'gs',
  azure: 'azure',
  az: 'azure',
  gdrive: 'gdrive',
  ssh: 'ssh',
  oss: 'oss',
  hdfs: 'hdfs',
  webhdfs: 'webhdfs',
  webdav: 'webdav',
  webdavs: 'webdav',
};
const BUILT_IN = new Set(['local', 'http', 'https']);

export interface ResolvedRemote {
  name: string;
  /** As configured (may carry credentials: never log it, use `displayUrl`). */
  url: string;
  /** Userinfo and query stripped; relative local paths made absolute. */
  displayUrl: string;
  scheme: string;
  options: Record<string, string>;
  /** Where the remote came from. */
  source: 'config' | 'input';
}

export class RemoteError extends Error {
  override name = 'RemoteError';
}

/** `s3`, `gs`, `azure`, …, or `local` for a filesystem path. */
export function remoteScheme(url: string): string {
  const match = /^([a-zA-Z][a-zA-Z0-9+.-]*):\/\//.exec(url);
  return match ? match[1]!.toLowerCase() : 'local';
}

export function extrasFor(schemes: Iterable<string>): string[] {
  const extras = new Set<string>();
  for (const scheme of schemes) {
    const extra = EXTRAS[scheme];
    if (extra) extras.add(extra);
  }
  return [...extras].sort();
}

/**
 * Validates a `remote-url`: a URL of a scheme DVC knows, with a bucket or host, or an absolute
 * local path. Throws InvalidValue with the accepted form.
 */
export function parseRemoteUrl(raw: string): string {
  const form = `an absolute path or a URL like s3://bucket/path (schemes: ${[...Object.keys(EXTRAS), ...BUILT_IN].filter((s) => s !== 'local').join(', ')})`;
  if (/[\s]/.test(raw)) throw new InvalidValue(form);
  const scheme = remoteScheme(raw);
  if (scheme === 'local') {
    if (raw.includes('://') || !isAbsolute(raw)) throw new InvalidValue(form);
    return raw;
  }
  if (!(scheme in EXTRAS) && !BUILT_IN.has(scheme)) throw new InvalidValue(form);
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new InvalidValue(form);
  }
  if (!url.host) throw new InvalidValue(form);
  return raw;
}

/** Drops userinfo, query and fragment from a URL; a local path is returned unchanged. */
export function stripCredentials(url: string): string {
  if (remoteScheme(url) === 'local') return url;
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return url.replace(/\/\/[^/@]*@/, '//').replace(/[?#].*$/, '');
  }
}

/** Every `scheme://user:pass@` and `?query` in a line of text, stripped. */
export function redactUrls(text: string): string {
  return text
    .replace(/\b([a-zA-Z][a-zA-Z0-9+.-]*:\/\/)[^\s/@'"]*@/g, '$1')
    .replace(/\b([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^\s?'"]*)\?[^\s'"]*/g, '$1');
}

export interface RemoteRequest {
  /** A remote name; default: `core.remote`. */
  name?: string;
  /** Configures or overrides the remote's URL (in config.local). */
  url?: string;
}

/** The name used when `remote-url` is given and the repository has no remote at all. */
export const DEFAULT_REMOTE_NAME = 'storage';

/**
 * Which remote a push goes to, and its settings: the named one, else the default
 * (`core.remote`); a `remote-url` may create or override it. Fails with what to do when no
 * remote is configured or the name is unknown.
 */
export function resolveRemote(config: RepoConfig, dvcDir: string, request: RemoteRequest): ResolvedRemote {
  const known = remoteNames(config.merged);
  const name = request.name ?? config.merged.core?.remote ?? (request.url ? DEFAULT_REMOTE_NAME : undefined);
  if (!name) {
    throw new RemoteError(
      known.length
        ? `No default DVC remote is set (configured: ${known.join(', ')}): pass the 'remote' input or run 'dvc remote default <name>'`
        : "No DVC remote is configured: pass 'remote-url', or add one with 'dvc remote add -d <name> <url>' and commit .dvc/config",
    );
  }
  const options = { ...config.merged[remoteSection(name)] };
  if (request.url) {
    options.url = request.url;
  } else if (!known.includes(name)) {
    throw new RemoteError(
      `DVC remote '${name}' is not configured (configured: ${known.join(', ') || 'none'}): use one of those names or pass 'remote-url'`,
    );
  } else if (!options.url) {
    throw new RemoteError(`DVC remote '${name}' has no url: set it with 'dvc remote modify ${name} url <url>'`);
  }
  const url = options.url!;
  delete options.url;
  return {
    name,
    url,
    displayUrl: displayUrl(url, dvcDir),
    scheme: remoteScheme(url),
    options,
    source: request.url ? 'input' : 'config',
  };
}

/** DVC resolves a relative local remote against the config file's folder (.dvc/). */
function displayUrl(url: string, dvcDir: string): string {
  if (remoteScheme(url) === 'local') return isAbsolute(url) ? url : resolve(dvcDir, url);
  return stripCredentials(url);
}

/**
 * Where an object lives in the remote: DVC 3 keeps md5 objects under `files/md5/`, DVC 2's
 * `md5-dos2unix` objects sit at the root.
 */
export function remoteObjectPath(remoteUrl: string, md5: string, legacy: boolean): string {
  const base = remoteUrl.replace(/\/+$/, '');
  const prefix = legacy ? '' : 'files/md5/';
  return `${base}/${prefix}${md5.slice(0, 2)}/${md5.slice(2)}`;
}
