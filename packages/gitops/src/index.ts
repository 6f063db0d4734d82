export { BumpError } from './errors.js';
export {
  IMAGE_FORM,
  STORAGE_SCHEMES,
  STORAGE_URI_FORM,
  formatImageRef,
  imageName,
  parseImageRef,
  parseStorageUri,
  tryParseImageRef,
  withDigest,
  type ImageRef,
} from './image-ref.js';
export { YamlSource, YamlSyntaxError, UneditableError, applyEdits, renderPlain, type TextEdit } from './yaml-text.js';
export {
  COMPONENTS,
  DEFAULT_CONTAINER,
  FRAMEWORKS,
  editInferenceService,
  findInferenceServices,
  type Component,
  type InferenceServiceEdit,
} from './inference-service.js';
export { editHelmImage, editKustomizeImage } from './kustomize.js';
export { DEFAULT_GLOBS, DirectorySnapshot, globToRegExp, matchGlobs, readAll, type RepoSnapshot } from './files.js';
export { planBump, type BumpPlan, type BumpRequest, type BumpTarget, type FileChange } from './plan.js';
export type { FieldChange } from './target.js';
export { unifiedDiff } from './diff.js';
export {
  BUMP_ID_TRAILER,
  DEFAULT_MESSAGE,
  commitMessage,
  fullMessage,
  hasBumpId,
  type CommitMessage,
} from './message.js';
export {
  DEFAULT_COMMIT_RETRY,
  commitRaceSafe,
  type BranchWriter,
  type BumpResult,
  type CommitOutcome,
  type Landed,
  type RaceSafeOptions,
} from './race.js';
export {
  GitBranchWriter,
  GitCommitSnapshot,
  gitAuthEnv,
  gitBasicCredential,
  gitRunner,
  remoteDefaultBranch,
  remoteUrl,
  remoteWebUrl,
  type GitRun,
} from './git.js';
export { GitHubBranchWriter, GitHubCommitSnapshot, githubFailure } from './api.js';
export { bumpWithPullRequest, pullRequestBranch, type PullRequestResult } from './pull-request.js';
export { COMMIT_METHODS, type BumpOptions, type CommitMethod } from './flow/options.js';
export { bumpImage, type BumpDeps, type BumpImageResult } from './flow/bump.js';
export type { Outcome as BumpOutcome } from './flow/commit.js';
export type { Verified } from './flow/verify.js';
export { readBumpOptions } from './flow/inputs.js';
