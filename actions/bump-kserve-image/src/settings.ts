import { InputError, formatDuration, parseEnum, type Inputs } from '@mlops-actions/action-kit';
import { Deadline } from '@mlops-actions/action-kit/http';
import {
  COMPONENTS,
  DEFAULT_CONTAINER,
  DEFAULT_GLOBS,
  imageName,
  parseImageRef,
  parseStorageUri,
  type BumpTarget,
  type ImageRef,
} from '@mlops-actions/gitops';
import { SEVERITIES, type Severity } from '@mlops-actions/ecr/severity';
import { parsedInput } from './parsed-input.js';

export const COMMIT_METHODS = ['api', 'git', 'pull-request'] as const;
export type CommitMethod = (typeof COMMIT_METHODS)[number];

export interface Settings {
  image?: ImageRef;
  storageUri?: string;
  target: BumpTarget;
  /** Set when the kustomize entry name was not given: it follows the image (after digest pinning). */
  kustomizeNameFromImage: boolean;
  repository: string;
  branch?: string;
  token?: string;
  apiUrl: string;
  method: CommitMethod;
  path: string;
  commitMessage?: string;
  verifyImage: 'none' | 'ecr';
  pinDigest: boolean;
  maxSeverity?: Severity;
  scanTimeoutMs: number;
  /** `timeout`, counted from when the inputs were read. */
  deadline: Deadline;
  dryRun: boolean;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_FORM = 'a Kubernetes name: lowercase letters, digits and -, at most 63 characters';

/** Reads and validates every input up front; each problem is one line naming the input. */
export function readSettings(inputs: Inputs, env: NodeJS.ProcessEnv): Settings {
  const token = inputs.secret('token');
  const image = parsedInput(inputs, 'image', parseImageRef);
  const storageUri = parsedInput(inputs, 'storage-uri', parseStorageUri);
  if (!image && !storageUri)
    throw new InputError(
      "Input 'image' or 'storage-uri' is required: give the new image, the new model location, or both",
    );

  inputs.exclusive('inference-service', 'kustomization', 'helm-values');
  const kustomization = inputs.string('kustomization');
  const helmValues = inputs.string('helm-values');
  const canary = inputs.integer('canary-traffic-percent', { min: 0, max: 100 });
  let target: BumpTarget;
  let kustomizeNameFromImage = false;
  if (kustomization || helmValues) {
    if (!image)
      throw new InputError(`Input 'image' is required with ${kustomization ? 'kustomization' : 'helm-values'}`);
    if (canary !== undefined) throw new InputError("Input 'canary-traffic-percent' needs inference-service");
    const path = relativePath(kustomization ? 'kustomization' : 'helm-values', (kustomization ?? helmValues)!);
    if (kustomization) {
      const name = inputs.matching('kustomize-image-name', /^[^\s:@]+$/, 'an image name without tag or digest');
      kustomizeNameFromImage = name === undefined;
      target = { kind: 'kustomization', path, imageName: name ?? imageName(image) };
    } else {
      const key =
        inputs.matching(
          'helm-image-key',
          /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/,
          'a dotted key like image or model.image',
        ) ?? 'image';
      target = { kind: 'helm-values', path, key };
    }
  } else {
    const name = inputs.matching('inference-service', DNS_LABEL, DNS_FORM);
    if (!name)
      throw new InputError("Input 'inference-service' is required unless kustomization or helm-values is given");
    target = {
      kind: 'inference-service',
      name,
      namespace: inputs.matching('namespace', DNS_LABEL, DNS_FORM),
      component: inputs.enum('component', COMPONENTS, 'predictor'),
      container: inputs.matching('container', DNS_LABEL, DNS_FORM) ?? DEFAULT_CONTAINER,
      canaryTrafficPercent: canary,
      files: inputs.list('files').length ? inputs.list('files') : DEFAULT_GLOBS,
    };
  }

  const verifyImage = inputs.enum('verify-image', ['none', 'ecr'] as const, 'none');
  const pinDigest = inputs.boolean('pin-digest', false);
  const maxSeverity = parsedInput(inputs, 'max-severity', (raw) => parseEnum(raw.toUpperCase(), SEVERITIES));
  if (verifyImage !== 'ecr') {
    if (pinDigest) throw new InputError("Input 'pin-digest' needs verify-image: ecr (the digest is read from ECR)");
    if (maxSeverity) throw new InputError("Input 'max-severity' needs verify-image: ecr (the scan is read from ECR)");
  }
  if (verifyImage === 'ecr' && !image) throw new InputError("Input 'verify-image' is ecr but no 'image' was given");

  const method = inputs.enum('commit-method', COMMIT_METHODS, 'api');
  const repository =
    inputs.matching('repository', /^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/, 'owner/name') ?? env.GITHUB_REPOSITORY ?? '';
  if (!repository && method !== 'git') throw new InputError("Input 'repository' is required outside GitHub Actions");
  if (!token && method !== 'git') throw new InputError(`Input 'token' is required with commit-method: ${method}`);
  const dryRun = inputs.boolean('dry-run', false);

  return {
    image,
    storageUri,
    target,
    kustomizeNameFromImage,
    repository,
    branch: inputs.matching('branch', /^(?!.*\.\.)(?!\/)[^\s~^:?*[\\]+$/, 'a branch name'),
    token,
    apiUrl: (inputs.url('github-api-url') ?? new URL(env.GITHUB_API_URL ?? 'https://api.github.com')).toString(),
    method,
    path: method === 'git' ? inputs.directory('path', '.', { allowOutside: 'allow-outside-workspace' }) : '.',
    commitMessage: inputs.string('commit-message'),
    verifyImage,
    pinDigest,
    maxSeverity,
    scanTimeoutMs: inputs.duration('scan-timeout', '10m', { min: 0, max: 3_600_000 }),
    deadline: stepDeadline(inputs.duration('timeout', '20m', { min: 1000, max: 6 * 3_600_000 })),
    dryRun,
  };
}

function stepDeadline(ms: number): Deadline {
  return Deadline.after(ms, `the step's timeout (${formatDuration(ms)})`);
}

/** Repository-relative, inside the repository. */
function relativePath(name: string, raw: string): string {
  const path = raw.replace(/\\/g, '/').replace(/^\.\//, '');
  if (path.startsWith('/') || path.split('/').includes('..')) {
    throw new InputError(
      `Input '${name}' has invalid value ${JSON.stringify(raw)}: expected a path relative to the repository root`,
    );
  }
  return path;
}
