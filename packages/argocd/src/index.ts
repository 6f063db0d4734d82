export {
  ArgoCdClient,
  type ArgoCdClientOptions,
  type LiveResourceRef,
  type StreamItem,
  type SyncRequest,
  type WatchOptions,
} from './client.js';
export {
  GitHubCommitComparer,
  type CommitComparer,
  type CommitRelation,
  type GitHubCompareOptions,
} from './compare.js';
export { ArgoCdError, GrpcCode, parseGatewayError } from './errors.js';
export {
  evaluate,
  type Expectation,
  type Facts,
  type HealthRequirement,
  type ResourceCheck,
  type ResourceSelector,
  type Stage,
  type SupersededPolicy,
  type Verdict,
} from './evaluator.js';
export { StreamDecoder, type StreamChunk } from './event-stream.js';
export { PreflightError, explainAppError, preflight, type PreflightResult } from './preflight.js';
export { applicationUrl, degradedResources, stateReport, summaryMarkdown, type SummaryContext } from './report.js';
export { checkResources, formatSelector, inferenceServiceReadiness, parseResourceSelector } from './resources.js';
export {
  gitRevisions,
  isAutoSync,
  operationInFlight,
  shortSha,
  summarize,
  type AppSummary,
  type UnhealthyResource,
} from './snapshot.js';
export type * from './types.js';
export {
  Waiter,
  waitForSync,
  type RefreshMode,
  type SyncMode,
  type Timings,
  type WaitOptions,
  type WaitResult,
} from './wait.js';
export { waitArgoCdSync, type WaitSyncOptions, type WaitSyncReport } from './flow.js';
export { readWaitSyncOptions } from './inputs.js';
