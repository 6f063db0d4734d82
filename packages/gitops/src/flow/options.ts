import type { Deadline } from '@mlops-actions/action-kit/http';
import type { Severity } from '@mlops-actions/ecr/severity';
import type { ImageRef } from '../image-ref.js';
import type { BumpTarget } from '../plan.js';

export const COMMIT_METHODS = ['api', 'git', 'pull-request'] as const;
export type CommitMethod = (typeof COMMIT_METHODS)[number];

/** What bump-kserve-image does, validated (the action reads it from its inputs). */
export interface BumpOptions {
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
  /** The checkout to commit in, for commit-method git. */
  path: string;
  commitMessage?: string;
  verifyImage: 'none' | 'ecr';
  pinDigest: boolean;
  maxSeverity?: Severity;
  scanTimeoutMs: number;
  /** `timeout`: every network call of the bump runs under it. */
  deadline: Deadline;
  dryRun: boolean;
}
