export {
  checkHealth,
  describeLoad,
  type HealthCheckOptions,
  type HealthReport,
  type LoadReport,
} from './health-check.js';
export {
  waitUntilReady,
  pollDelay,
  type ReadinessOptions,
  type ReadinessResult,
  type StageRecord,
} from './readiness.js';
export { judgeHealth, judgeAuth, type Verdict } from './judge.js';
export { probe, describeOutcome, type ProbeOutcome } from './probe.js';
export { endpoints, inferencePath, payloadProtocol, type Protocol, type ProtocolChoice } from './protocol.js';
export { compareAnswer, compareValues, describeDifference, type Difference } from './compare.js';
export { smokeInference, type SmokeResult } from './smoke.js';
export { runTimedLoad, summarizeLatencies, type LatencySummary, type LoadResult, type SendResult } from './load.js';
export { sendTimedRequests } from './timed-requests.js';
export { evaluateSlo, type SloVerdict } from './slo.js';
export { listServedModels, readModelList, describeServedModels, type ServedModel } from './served-models.js';
export { renderSummary, type SummaryContext } from './summary.js';
export { readHealthCheckInputs, type HealthCheckInputs } from './inputs.js';
