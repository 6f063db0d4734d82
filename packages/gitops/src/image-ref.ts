import { InvalidValue } from '@mlops-actions/action-kit/parse';

/** A container image reference split into its parts, as the distribution reference grammar has it. */
export interface ImageRef {
  /** `registry[:port]`, when the first path component names one. */
  registry?: string;
  /** The path below the registry, e.g. `acme/iris`. */
  path: string;
  tag?: string;
  /** `sha256:<64 hex>`. */
  digest?: string;
}

export const IMAGE_FORM = 'an image reference registry[:port]/path[:tag][@sha256:<64 hex>]';

/** The distribution spec's limits: a repository name (registry included) and a tag. */
export const MAX_NAME_LENGTH = 255;
export const MAX_TAG_LENGTH = 128;

const COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const DIGEST = /^sha256:[a-f0-9]{64}$/;
const REGISTRY =
  /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[0-9a-fA-F:]+\])(?::\d{1,5})?$/;

/** Parses a reference strictly; throws InvalidValue saying what is wrong and what is accepted. */
export function parseImageRef(text: string): ImageRef {
  const raw = text.trim();
  if (raw === '' || /\s/.test(raw)) throw new InvalidValue(IMAGE_FORM);
  let rest = raw;
  let digest: string | undefined;
  const at = rest.indexOf('@');
  if (at >= 0) {
    digest = rest.slice(at + 1);
    rest = rest.slice(0, at);
    if (!DIGEST.test(digest)) {
      throw new InvalidValue(`${IMAGE_FORM}; the digest must be sha256: followed by 64 lowercase hex characters`);
    }
  }
  let tag: string | undefined;
  const lastSlash = rest.lastIndexOf('/');
  const colon = rest.lastIndexOf(':');
  if (colon > lastSlash) {
    tag = rest.slice(colon + 1);
    rest = rest.slice(0, colon);
    checkLength('tag', tag, MAX_TAG_LENGTH);
    if (!TAG.test(tag)) throw new InvalidValue(`${IMAGE_FORM}; "${tag}" is not a valid tag`);
  }
  checkLength('repository name', rest, MAX_NAME_LENGTH);
  const parts = rest.split('/');
  let registry: string | undefined;
  if (parts.length > 1 && /[.:]|^localhost$/.test(parts[0]!)) {
    registry = parts.shift()!;
    if (!REGISTRY.test(registry)) throw new InvalidValue(`${IMAGE_FORM}; "${registry}" is not a registry host`);
  }
  if (parts.length === 0 || parts.some((part) => !COMPONENT.test(part))) {
    throw new InvalidValue(`${IMAGE_FORM}; the path must be lowercase letters, digits and . _ - separators`);
  }
  return { registry, path: parts.join('/'), tag, digest };
}

/** Checked before any pattern, so an oversized value is neither scanned nor quoted back. */
function checkLength(what: string, value: string, max: number): void {
  if (value.length > max) {
    throw new InvalidValue(
      `${IMAGE_FORM}; the ${what} is ${value.length} characters long; registries accept at most ${max}`,
    );
  }
}

/** Like parseImageRef, but never throws: values already in a manifest may be placeholders. */
export function tryParseImageRef(text: string): ImageRef | undefined {
  try {
    return parseImageRef(text);
  } catch {
    return undefined;
  }
}

/** The repository name without tag or digest: `registry/path`. */
export function imageName(ref: ImageRef): string {
  return ref.registry ? `${ref.registry}/${ref.path}` : ref.path;
}

const DOCKER_HUB = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io']);

/**
 * Whether two names pull the same repository, with Docker's normalisation: no registry means
 * Docker Hub, and a one-part Docker Hub path is `library/<path>`.
 */
export function sameRepository(a: ImageRef, b: ImageRef): boolean {
  return canonicalName(a) === canonicalName(b);
}

function canonicalName(ref: ImageRef): string {
  const hub = !ref.registry || DOCKER_HUB.has(ref.registry);
  const path = hub && !ref.path.includes('/') ? `library/${ref.path}` : ref.path;
  return `${hub ? 'docker.io' : ref.registry}/${path}`;
}

export function formatImageRef(ref: ImageRef): string {
  return `${imageName(ref)}${ref.tag ? `:${ref.tag}` : ''}${ref.digest ? `@${ref.digest}` : ''}`;
}

/** The same repository pinned to `digest`; with `keepTag`, `repo:tag@digest` stays readable. */
export function withDigest(ref: ImageRef, digest: string, keepTag = false): ImageRef {
  return { ...ref, tag: keepTag ? ref.tag : undefined, digest };
}

export const STORAGE_SCHEMES = [
  's3',
  'gs',
  'azure',
  'pvc',
  'oci',
  'oci+native',
  'oci+fetch',
  'hf',
  'https',
  'hdfs',
  'webhdfs',
] as const;

export const STORAGE_URI_FORM = `a model URI starting with ${STORAGE_SCHEMES.map((s) => `${s}://`).join(', ')}`;

export function parseStorageUri(text: string): string {
  const raw = text.trim();
  const match = /^([a-z0-9+]+):\/\/(\S+)$/.exec(raw);
  if (!match || !(STORAGE_SCHEMES as readonly string[]).includes(match[1]!)) throw new InvalidValue(STORAGE_URI_FORM);
  return raw;
}
