import { BumpError } from './errors.js';
import { formatImageRef, type ImageRef } from './image-ref.js';
import { editInferenceService, findInferenceServices, type Component } from './inference-service.js';
import { editHelmImage, editKustomizeImage } from './kustomize.js';
import { matchGlobs, readAll, type RepoSnapshot } from './files.js';
import type { FieldChange, TargetEdits } from './target.js';
import { unifiedDiff } from './diff.js';
import { applyEdits, YamlSource } from './yaml-text.js';

export type BumpTarget =
  | {
      kind: 'inference-service';
      name: string;
      namespace?: string;
      component: Component;
      container: string;
      canaryTrafficPercent?: number;
      /** Globs of the files that may hold it. */
      files: string[];
    }
  | { kind: 'kustomization'; path: string; imageName: string }
  | { kind: 'helm-values'; path: string; key: string };

export interface BumpRequest {
  target: BumpTarget;
  image?: ImageRef;
  storageUri?: string;
}

export interface FileChange {
  path: string;
  before: string;
  after: string;
}

export interface BumpPlan {
  /** The short name for messages: the InferenceService, kustomize image or Helm key. */
  name: string;
  /** What was edited, e.g. `InferenceService prod/iris (predictor)`. */
  target: string;
  /** The file that holds the target. */
  file: string;
  /** Only files whose text changes; empty when everything is already at the target. */
  changes: FileChange[];
  fields: FieldChange[];
  previousImage?: string;
  image?: string;
  previousStorageUri?: string;
  storageUri?: string;
  warnings: string[];
  diff: string;
  /** Files read to find the target. */
  scanned: number;
}

/** Locates the target in a snapshot and computes the byte-exact edit. Pure: writes nothing. */
export async function planBump(snapshot: RepoSnapshot, request: BumpRequest): Promise<BumpPlan> {
  const { target } = request;
  const image = request.image ? formatImageRef(request.image) : undefined;
  if (target.kind === 'inference-service') return planInferenceService(snapshot, request, target, image);

  const all = await snapshot.paths();
  const path = target.path.replace(/^\.\//, '');
  if (!all.includes(path)) throw new BumpError(`${path} does not exist in the repository`);
  if (!request.image) throw new BumpError(`an image is needed to edit ${path}`);
  if (request.storageUri)
    throw new BumpError(`storage-uri can only be written into an InferenceService, not into ${path}`);
  const source = decode(path, (await snapshot.read(path)) as Buffer);
  const wantedImage = request.image;
  const edit = (text: YamlSource) =>
    target.kind === 'kustomization'
      ? editKustomizeImage(text, target.imageName, wantedImage)
      : editHelmImage(text, target.key, wantedImage);
  const edits = edit(source);
  const label = target.kind === 'kustomization' ? `kustomize image ${target.imageName}` : `Helm values ${target.key}`;
  const name = target.kind === 'kustomization' ? target.imageName : target.key;
  return finish(source, edits, edit, name, `${label} in ${path}`, { image }, 1);
}

async function planInferenceService(
  snapshot: RepoSnapshot,
  request: BumpRequest,
  target: Extract<BumpTarget, { kind: 'inference-service' }>,
  image: string | undefined,
): Promise<BumpPlan> {
  const candidates = matchGlobs(await snapshot.paths(), target.files);
  if (candidates.length === 0) throw new BumpError(`the files globs (${target.files.join(', ')}) matched no files`);
  const contents = await readAll(snapshot, candidates);
  const found: { path: string; source: YamlSource; name: string; namespace?: string }[] = [];
  const matches: typeof found = [];
  for (const path of candidates) {
    const text = contents.get(path)!.toString('utf8');
    // Cheap pre-filter: most files of a GitOps repository are not InferenceServices.
    if (!text.includes('InferenceService')) continue;
    const source = decode(path, contents.get(path)!);
    for (const isvc of findInferenceServices(source)) {
      const entry = { path, source, name: isvc.name, namespace: isvc.namespace };
      found.push(entry);
      if (isvc.name === target.name && (!target.namespace || isvc.namespace === target.namespace)) matches.push(entry);
    }
  }
  const wantedName = `${target.namespace ? `${target.namespace}/` : ''}${target.name}`;
  if (matches.length === 0) {
    const list = found.map((f) => `${f.namespace ? `${f.namespace}/` : ''}${f.name} (${f.path})`);
    throw new BumpError(
      `no InferenceService ${wantedName} in ${candidates.length} file(s); found: ${list.length ? list.slice(0, 20).join(', ') : 'no InferenceService at all'}`,
    );
  }
  if (matches.length > 1) {
    const list = matches.map((m) => `${m.path}${m.namespace ? ` (namespace ${m.namespace})` : ''}`);
    throw new BumpError(
      `InferenceService ${wantedName} is defined ${matches.length} times: ${list.join(', ')}; narrow it with the namespace or files input`,
    );
  }
  const match = matches[0]!;
  const wanted = {
    component: target.component,
    container: target.container,
    image,
    storageUri: request.storageUri,
    canaryTrafficPercent: target.canaryTrafficPercent,
  };
  const edit = (text: YamlSource) => {
    const again = findInferenceServices(text).find((i) => i.name === match.name && i.namespace === match.namespace);
    if (!again) throw new Error(`internal error: ${text.path} no longer holds InferenceService ${match.name}`);
    return editInferenceService(text, again, wanted);
  };
  const edits = edit(match.source);
  const label = `InferenceService ${match.namespace ? `${match.namespace}/` : ''}${match.name} (${target.component})`;
  return finish(
    match.source,
    edits,
    edit,
    match.name,
    label,
    { image, storageUri: request.storageUri },
    candidates.length,
  );
}

function finish(
  source: YamlSource,
  edits: TargetEdits,
  edit: (source: YamlSource) => TargetEdits,
  name: string,
  target: string,
  wanted: { image?: string; storageUri?: string },
  scanned: number,
): BumpPlan {
  const after = applyEdits(source.text, edits.edits);
  if (after !== source.text) verifyEdit(source, after, edit);
  return {
    name,
    target,
    file: source.path,
    changes: after === source.text ? [] : [{ path: source.path, before: source.text, after }],
    fields: edits.changes,
    previousImage: edits.previousImage,
    image: wanted.image,
    previousStorageUri: edits.previousStorageUri,
    storageUri: wanted.storageUri,
    warnings: edits.warnings,
    diff: unifiedDiff(source.path, source.text, after),
    scanned,
  };
}

/**
 * A safety net before anything is written: the edited text parses into as many documents as
 * before, and editing it again changes nothing (so every intended value is in place).
 */
function verifyEdit(before: YamlSource, after: string, edit: (source: YamlSource) => TargetEdits): void {
  let parsed: YamlSource;
  try {
    parsed = new YamlSource(before.path, after);
  } catch (error) {
    throw new Error(
      `internal error: the edit of ${before.path} would not parse (${String(error)}); nothing was changed`,
      { cause: error },
    );
  }
  if (parsed.documents.length !== before.documents.length) {
    throw new Error(`internal error: the edit of ${before.path} changed its document count; nothing was changed`);
  }
  const again = edit(parsed).changes;
  if (again.length > 0) {
    throw new Error(
      `internal error: after the edit of ${before.path}, ${again.map((c) => c.field).join(', ')} still differ; nothing was changed`,
    );
  }
}

/** UTF-8 text that encodes back to the same bytes (else an edit could not be byte-exact). */
function decode(path: string, bytes: Buffer): YamlSource {
  const text = bytes.toString('utf8');
  if (!Buffer.from(text, 'utf8').equals(bytes)) throw new BumpError(`${path} is not valid UTF-8; it is left alone`);
  return new YamlSource(path, text);
}
