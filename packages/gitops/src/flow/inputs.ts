import { InputError, parseEnum, type Inputs } from '@mlops-actions/action-kit/inputs';
import { SEVERITIES } from '@mlops-actions/ecr/severity';
import { imageName, parseImageRef, parseStorageUri, type ImageRef } from '../image-ref.js';
import { COMPONENTS } from '../inference-service.js';
import type { BumpTarget } from '../plan.js';
import { COMMIT_METHODS, type BumpOptions } from './options.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_FORM = 'a Kubernetes name: lowercase letters, digits and -, at most 63 characters';

/** bump-kserve-image's inputs, each validated up front; each problem is one line naming the input. */
export function readBumpOptions(inputs: Inputs): BumpOptions {
  const token = inputs.secret('token');
  const image = inputs.parsed('image', parseImageRef);
  const storageUri = inputs.parsed('storage-uri', parseStorageUri);
  if (!image && !storageUri)
    throw new InputError(
      "Input 'image' or 'storage-uri' is required: give the new image, the new model location, or both",
    );
  const { target, kustomizeNameFromImage } = readTarget(inputs, image);

  const verifyImage = inputs.enum('verify-image', ['none', 'ecr'] as const);
  const pinDigest = inputs.boolean('pin-digest');
  const maxSeverity = inputs.parsed('max-severity', (raw) => parseEnum(raw.toUpperCase(), SEVERITIES));
  if (verifyImage !== 'ecr') {
    if (pinDigest) throw new InputError("Input 'pin-digest' needs verify-image: ecr (the digest is read from ECR)");
    if (maxSeverity) throw new InputError("Input 'max-severity' needs verify-image: ecr (the scan is read from ECR)");
  }
  if (verifyImage === 'ecr' && !image) throw new InputError("Input 'verify-image' is ecr but no 'image' was given");

  const method = inputs.enum('commit-method', COMMIT_METHODS);
  const repository = inputs.matching('repository', /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'owner/name') ?? '';
  if (!repository && method !== 'git') throw new InputError("Input 'repository' is required outside GitHub Actions");
  if (!token && method !== 'git') throw new InputError(`Input 'token' is required with commit-method: ${method}`);

  return {
    image,
    storageUri,
    target,
    kustomizeNameFromImage,
    repository,
    branch: inputs.matching('branch', /^(?!.*\.\.)(?!\/)[^\s~^:?*[\\]+$/, 'a branch name'),
    token,
    apiUrl: inputs.url('github-api-url', { defaulted: true }).toString(),
    method,
    path: method === 'git' ? inputs.directory('path', { allowOutside: 'allow-outside-workspace' }) : '.',
    commitMessage: inputs.string('commit-message'),
    verifyImage,
    pinDigest,
    maxSeverity,
    scanTimeoutMs: inputs.duration('scan-timeout', { min: 0, max: 3_600_000 }),
    // Counted from when the inputs were read.
    deadline: inputs.deadline('timeout', { min: 1000, max: 6 * 3_600_000 }),
    dryRun: inputs.boolean('dry-run'),
  };
}

/** What to edit: an InferenceService (the default), a kustomization's images entry or a Helm values key. */
function readTarget(
  inputs: Inputs,
  image: ImageRef | undefined,
): { target: BumpTarget; kustomizeNameFromImage: boolean } {
  inputs.exclusive('inference-service', 'kustomization', 'helm-values');
  const canary = inputs.integer('canary-traffic-percent', { min: 0, max: 100 });
  const kustomization = inputs.relativePath('kustomization');
  const helmValues = inputs.relativePath('helm-values');
  if (kustomization || helmValues) {
    if (!image)
      throw new InputError(`Input 'image' is required with ${kustomization ? 'kustomization' : 'helm-values'}`);
    if (canary !== undefined) throw new InputError("Input 'canary-traffic-percent' needs inference-service");
  }
  if (kustomization) {
    const name = inputs.matching('kustomize-image-name', /^[^\s:@]+$/, 'an image name without tag or digest');
    const target: BumpTarget = { kind: 'kustomization', path: kustomization, imageName: name ?? imageName(image!) };
    return { target, kustomizeNameFromImage: name === undefined };
  }
  if (helmValues) {
    const key = inputs.matching(
      'helm-image-key',
      /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/,
      'a dotted key like image or model.image',
      {
        defaulted: true,
      },
    );
    return { target: { kind: 'helm-values', path: helmValues, key }, kustomizeNameFromImage: false };
  }
  const name = inputs.matching('inference-service', DNS_LABEL, DNS_FORM);
  if (!name) throw new InputError("Input 'inference-service' is required unless kustomization or helm-values is given");
  const target: BumpTarget = {
    kind: 'inference-service',
    name,
    namespace: inputs.matching('namespace', DNS_LABEL, DNS_FORM),
    component: inputs.enum('component', COMPONENTS),
    container: inputs.matching('container', DNS_LABEL, DNS_FORM, { defaulted: true }),
    canaryTrafficPercent: canary,
    files: inputs.list('files'),
  };
  return { target, kustomizeNameFromImage: false };
}
