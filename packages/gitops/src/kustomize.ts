import { isMap, isSeq, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { BumpError } from './errors.js';
import { formatImageRef, imageName, sameRepository, tryParseImageRef, type ImageRef } from './image-ref.js';
import { emptyEdits, setScalar, type TargetEdits } from './target.js';
import { getPair, getScalar, renderPlain, scalarString, type YamlSource } from './yaml-text.js';

function rootMap(source: YamlSource, what: string): YAMLMap {
  const root = source.documents.find((document) => isMap(document.contents))?.contents;
  if (!isMap(root)) throw new BumpError(`${source.path}: ${what} must be a YAML mapping`);
  return root;
}

/** The reference a kustomize images entry produces: digest wins over newTag. */
function effectiveImage(entry: YAMLMap): string {
  const name = scalarString(getScalar(entry, 'newName')) ?? scalarString(getScalar(entry, 'name')) ?? '';
  const tag = scalarString(getScalar(entry, 'newTag'));
  const digest = scalarString(getScalar(entry, 'digest'));
  return `${name}${tag ? `:${tag}` : ''}${digest ? `@${digest}` : ''}`;
}

/**
 * Points a kustomization's `images:` entry named `entryName` at `image`: newName when the
 * repository differs, newTag, digest; a stale digest (which would win over newTag) is removed and
 * a missing entry (or `images:` list) is created.
 */
export function editKustomizeImage(source: YamlSource, entryName: string, image: ImageRef): TargetEdits {
  const result = emptyEdits();
  const root = rootMap(source, 'a kustomization');
  const name = imageName(image);
  const newEntry = [
    `name: ${renderPlain(entryName)}`,
    ...(name !== entryName ? [`newName: ${renderPlain(name)}`] : []),
    ...(image.tag ? [`newTag: ${renderPlain(image.tag)}`] : []),
    ...(image.digest ? [`digest: ${image.digest}`] : []),
  ];
  const field = `images[${entryName}]`;
  const after = formatImageRef(image);

  const imagesPair = getPair(root, 'images');
  if (!imagesPair) {
    result.edits.push(
      source.insertPair(root, 'images', [`- ${newEntry[0]}`, ...newEntry.slice(1).map((l) => `  ${l}`)]),
    );
    result.changes.push({ field, after });
    return result;
  }
  const images = imagesPair.value;
  if (!isSeq(images)) throw new BumpError(`${source.path}: images is not a list`);
  const entry = images.items.filter(isMap).find((item) => scalarString(getScalar(item, 'name')) === entryName);
  if (!entry) {
    result.edits.push(source.appendMapItem(images, newEntry));
    result.changes.push({ field, after });
    result.warnings.push(`${source.path}: no images entry was named ${entryName}; one is added`);
    return result;
  }

  result.previousImage = effectiveImage(entry);
  if (!image.tag && !image.digest) refuseToDropPin(source, entry, field, after);
  const newName = getPair(entry, 'newName');
  if (newName) setScalar(source, result, newName, `${field}.newName`, name);
  else if (name !== entryName) add(source, result, entry, `${field}.newName`, 'newName', name);

  const newTag = getPair(entry, 'newTag');
  if (image.tag) {
    if (newTag) setScalar(source, result, newTag, `${field}.newTag`, image.tag);
    else add(source, result, entry, `${field}.newTag`, 'newTag', image.tag);
  }

  const digest = getPair(entry, 'digest');
  if (image.digest) {
    if (digest) setScalar(source, result, digest, `${field}.digest`, image.digest);
    else add(source, result, entry, `${field}.digest`, 'digest', image.digest);
  } else if (digest) {
    result.edits.push(source.removePair(entry, digest));
    result.changes.push({
      field: `${field}.digest`,
      before: scalarString(getScalar(entry, 'digest')),
      after: '(removed)',
    });
  }
  return result;
}

/**
 * An entry without newTag or digest keeps the manifests' own tag (`kustomize edit set image a=b`
 * writes that shape), so a reference without either matches it. Against an entry that pins a
 * tag or digest, such a reference cannot say whether to keep the pin or drop it.
 */
function refuseToDropPin(source: YamlSource, entry: YAMLMap, field: string, after: string): void {
  const pins = (['newTag', 'digest'] as const)
    .map((key) => [key, scalarString(getScalar(entry, key))] as const)
    .filter(([, value]) => value);
  if (pins.length === 0) return;
  const pinned = pins.map(([key, value]) => `${key} ${value}`).join(' and ');
  throw new BumpError(
    `${source.path}: ${field} sets ${pinned}, and ${after} names no tag or digest: give the tag (or digest) to deploy`,
  );
}

function add(source: YamlSource, result: TargetEdits, map: YAMLMap, field: string, key: string, value: string): void {
  result.edits.push(source.insertPair(map, key, [renderPlain(value)]));
  result.changes.push({ field, after: value });
}

/**
 * Sets the image held at a dotted key of a Helm values file, keeping its shape: a single
 * `repo:tag` string, or a mapping of repository (and registry) with tag and/or digest.
 */
export function editHelmImage(source: YamlSource, key: string, image: ImageRef): TargetEdits {
  const result = emptyEdits();
  let parent = rootMap(source, 'a Helm values file');
  const parts = key.split('.');
  for (const [depth, part] of parts.slice(0, -1).entries()) {
    const next = getPair(parent, part)?.value;
    if (!isMap(next)) throw new BumpError(`${source.path}: no mapping at ${parts.slice(0, depth + 1).join('.')}`);
    parent = next;
  }
  const last = parts[parts.length - 1]!;
  const pair = getPair(parent, last);
  if (!pair) throw new BumpError(`${source.path}: no key ${key}`);
  const after = formatImageRef(image);

  if (!isMap(pair.value)) {
    result.previousImage = setScalar(source, result, pair, key, after);
    return result;
  }
  const map = pair.value;
  const repository = getPair(map, 'repository') ?? getPair(map, 'name');
  const tag = getPair(map, 'tag');
  const digest = getPair(map, 'digest');
  if (!repository) throw new BumpError(`${source.path}: ${key} has no repository key (found: ${keysOf(map)})`);
  const currentName = [
    scalarString(getScalar(map, 'registry')),
    scalarString(getScalar(map, String(repository.key.value))),
  ]
    .filter(Boolean)
    .join('/');
  const oldTag = scalarString(getScalar(map, 'tag'));
  const oldDigest = scalarString(getScalar(map, 'digest'));
  result.previousImage = `${currentName}${oldTag ? `:${oldTag}` : ''}${oldDigest ? `@${oldDigest}` : ''}`;

  setRepository(source, result, key, { map, repository, currentName }, image);
  if (image.tag) {
    if (!tag) throw new BumpError(`${source.path}: ${key} has no tag key for tag ${image.tag} (found: ${keysOf(map)})`);
    setScalar(source, result, tag, `${key}.tag`, image.tag);
  }
  if (image.digest) {
    if (!digest) {
      throw new BumpError(
        `${source.path}: ${key} has no digest key to pin ${image.digest} (found: ${keysOf(map)}); add one, or bump by tag`,
      );
    }
    setScalar(source, result, digest, `${key}.digest`, image.digest);
  } else if (digest && oldDigest) {
    setScalar(source, result, digest, `${key}.digest`, '');
  }
  if (!image.tag && tag && oldTag && image.digest) {
    result.warnings.push(`${source.path}: ${key}.tag stays ${oldTag}; the chart decides whether the digest wins`);
  }
  return result;
}

/**
 * Writes the repository only when it names another image, in the chart's own split: with a
 * registry value, registry and path apart; with an empty or no registry (a chart that takes the
 * registry from a global setting when given), the whole name in repository.
 */
function setRepository(
  source: YamlSource,
  result: TargetEdits,
  key: string,
  found: { map: YAMLMap; repository: Pair<Scalar, Node | null>; currentName: string },
  image: ImageRef,
): void {
  const { map, repository } = found;
  const current = tryParseImageRef(found.currentName);
  if (current && sameRepository(current, image)) return;
  const repositoryKey = String(repository.key.value);
  const registry = getPair(map, 'registry');
  if (registry && scalarString(getScalar(map, 'registry'))) {
    setScalar(source, result, registry, `${key}.registry`, image.registry ?? 'docker.io');
    setScalar(source, result, repository, `${key}.${repositoryKey}`, image.path);
  } else {
    setScalar(source, result, repository, `${key}.${repositoryKey}`, imageName(image));
  }
}

function keysOf(map: YAMLMap): string {
  return map.items.map((pair) => String((pair.key as { value?: unknown }).value)).join(', ');
}
