import { isMap, isScalar, type Document, type Node, type Pair, type Scalar, type YAMLMap } from 'yaml';
import { BumpError } from './errors.js';
import { emptyEdits, setScalar, type TargetEdits } from './target.js';
import { getMap, getPair, getScalar, getSeq, scalarString, type YamlSource } from './yaml-text.js';

export const COMPONENTS = ['predictor', 'transformer', 'explainer'] as const;
export type Component = (typeof COMPONENTS)[number];

/** Legacy `spec.predictor.<framework>` keys (kept in their legacy shape when edited). */
export const FRAMEWORKS = [
  'sklearn',
  'xgboost',
  'tensorflow',
  'pytorch',
  'triton',
  'onnx',
  'huggingface',
  'pmml',
  'lightgbm',
  'paddle',
] as const;

export const DEFAULT_CONTAINER = 'kserve-container';
const RAW_MODES = new Set(['RawDeployment', 'Standard']);

export interface InferenceServiceRef {
  name: string;
  namespace?: string;
  /** The document's root mapping. */
  root: YAMLMap;
  document: Document.Parsed;
}

export interface InferenceServiceEdit {
  component: Component;
  container: string;
  image?: string;
  storageUri?: string;
  canaryTrafficPercent?: number;
}

/** Every InferenceService document of a file. */
export function findInferenceServices(source: YamlSource): InferenceServiceRef[] {
  const found: InferenceServiceRef[] = [];
  for (const document of source.documents) {
    const root = document.contents;
    if (!isMap(root)) continue;
    const apiVersion = scalarString(getScalar(root, 'apiVersion')) ?? '';
    if (scalarString(getScalar(root, 'kind')) !== 'InferenceService' || !apiVersion.startsWith('serving.kserve.io/')) {
      continue;
    }
    const metadata = getMap(root, 'metadata');
    const name = scalarString(getScalar(metadata, 'name'));
    if (!name) continue;
    found.push({ name, namespace: scalarString(getScalar(metadata, 'namespace')), root, document });
  }
  return found;
}

/** The edits that set an InferenceService component's image, model URI and canary percent. */
export function editInferenceService(
  source: YamlSource,
  isvc: InferenceServiceRef,
  request: InferenceServiceEdit,
): TargetEdits {
  const result = emptyEdits();
  const where = `InferenceService ${isvc.name}`;
  const spec = getMap(isvc.root, 'spec');
  const component = getMap(spec, request.component);
  if (!component) {
    const present = COMPONENTS.filter((name) => getMap(spec, name));
    throw new BumpError(
      `${source.path}: ${where} has no spec.${request.component} (it has: ${present.join(', ') || 'none'})`,
    );
  }
  const base = `spec.${request.component}`;

  if (request.image !== undefined || request.storageUri !== undefined) {
    const containers = getSeq(component, 'containers');
    if (containers) {
      editContainer(source, result, containers.items as Node[], base, request, where);
    } else {
      editImplementation(source, result, component, base, request, where);
    }
  }

  if (request.canaryTrafficPercent !== undefined) {
    const percent = String(request.canaryTrafficPercent);
    const pair = getPair(component, 'canaryTrafficPercent');
    if (pair) setScalar(source, result, pair, `${base}.canaryTrafficPercent`, percent, { raw: true });
    else {
      result.edits.push(source.insertPair(component, 'canaryTrafficPercent', [percent], 'first'));
      result.changes.push({ field: `${base}.canaryTrafficPercent`, after: percent });
    }
    const mode = scalarString(
      getScalar(getMap(getMap(isvc.root, 'metadata'), 'annotations'), 'serving.kserve.io/deploymentMode'),
    );
    if (mode && RAW_MODES.has(mode)) {
      result.warnings.push(
        `${where} is annotated serving.kserve.io/deploymentMode: ${mode}; KServe ignores canaryTrafficPercent in that mode, so all traffic goes to the new revision`,
      );
    }
  }
  return result;
}

function editContainer(
  source: YamlSource,
  result: TargetEdits,
  containers: Node[],
  base: string,
  request: InferenceServiceEdit,
  where: string,
): void {
  const maps = containers.filter(isMap);
  const names = maps.map((container) => scalarString(getScalar(container, 'name')) ?? '(unnamed)');
  let index = names.indexOf(request.container);
  if (index < 0) {
    if (maps.length !== 1) {
      throw new BumpError(
        `${source.path}: ${where} has no ${base} container named ${request.container} (containers: ${names.join(', ') || 'none'}); set the container input`,
      );
    }
    index = 0;
    result.warnings.push(
      `${where}: no container is named ${request.container}; editing the only container, ${names[0]}`,
    );
  }
  const container = maps[index]!;
  const field = `${base}.containers[${names[index]}]`;
  if (request.image !== undefined) {
    const pair = getPair(container, 'image');
    if (!pair) throw new BumpError(`${source.path}: ${where} ${field} has no image`);
    result.previousImage = setScalar(source, result, pair, `${field}.image`, request.image);
  }
  if (request.storageUri !== undefined) {
    const env = getSeq(container, 'env');
    const entry = env?.items.filter(isMap).find((item) => scalarString(getScalar(item, 'name')) === 'STORAGE_URI');
    const pair = entry && getPair(entry, 'value');
    if (!pair) {
      throw new BumpError(
        `${source.path}: ${where} ${field} has no STORAGE_URI env entry with a value; add one (env: [{name: STORAGE_URI, value: …}]) to bump its model`,
      );
    }
    result.previousStorageUri = setScalar(source, result, pair, `${field}.env[STORAGE_URI].value`, request.storageUri);
  }
}

function editImplementation(
  source: YamlSource,
  result: TargetEdits,
  component: YAMLMap,
  base: string,
  request: InferenceServiceEdit,
  where: string,
): void {
  const key = implementationKey(component, base);
  const implementation = key && getMap(component, key);
  if (!key || !implementation) {
    throw new BumpError(
      `${source.path}: ${where} ${base} has no containers, model or framework (${FRAMEWORKS.join(', ')}) section to edit`,
    );
  }
  const field = `${base}.${key}`;
  if (request.image !== undefined) {
    const pair = getPair(implementation, 'image');
    if (!pair) {
      throw new BumpError(
        `${source.path}: ${where} ${field} has no image: it runs its ServingRuntime's image. Bump the runtime (for example through the kustomization input) or add ${field}.image first`,
      );
    }
    result.previousImage = setScalar(source, result, pair, `${field}.image`, request.image);
    if (getScalar(implementation, 'runtimeVersion') && !request.image.includes('@sha256:')) {
      result.warnings.push(
        `${where}: ${field} also sets runtimeVersion, which replaces the image tag at deploy time (unless the image is pinned by digest)`,
      );
    }
  }
  if (request.storageUri !== undefined) {
    const pair = getPair(implementation, 'storageUri');
    if (!pair) {
      const storage = getMap(implementation, 'storage');
      throw new BumpError(
        `${source.path}: ${where} ${field} has no storageUri${storage ? ' (it uses storage.key/path, which takes a path, not a URI)' : ''}`,
      );
    }
    result.previousStorageUri = setScalar(source, result, pair, `${field}.storageUri`, request.storageUri);
  }
}

function implementationKey(component: YAMLMap, base: string): string | undefined {
  if (base === 'spec.predictor' && getMap(component, 'model')) return 'model';
  if (base === 'spec.explainer' && getMap(component, 'art')) return 'art';
  const keys = (component.items as Pair<Scalar>[])
    .filter((pair) => isScalar(pair.key))
    .map((pair) => String(pair.key.value));
  return keys.find((key) => (FRAMEWORKS as readonly string[]).includes(key) && getMap(component, key));
}
