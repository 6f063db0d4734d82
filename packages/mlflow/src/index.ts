export { MlflowError, isKind, isMissingAlias, parseMlflowBody, toMlflowError, type MlflowErrorKind } from './errors.js';
export { MlflowRest, collectPages, type MlflowRestOptions, type Page } from './rest.js';
export { metricNumber, runMetrics, tagValue } from './wire.js';
export type { WireDouble, WireLoggedModel, WireMetric, WireModelVersion, WireRun, WireTag } from './wire.js';
export { DEFAULT_ORDER_BY, getRun, resolveCandidateRun, type CandidateSelector } from './runs.js';
export { resolveModelSource, type ModelSource } from './logged-model.js';
export { ThresholdConfigError, parseThresholds, type MetricRule } from './thresholds.js';
export { evaluateGate, fmt } from './gate.js';
export type { Baseline, Check, GateInput, GateResult, OnNoChampion, RuleKind, Verdict } from './gate.js';
export { ALIAS_FORM, aliasProblem } from './alias-name.js';
export { Registry } from './registry.js';
export { SOURCE_RUN_TAG, registerCandidate } from './register.js';
export type { AliasMove, RegisterRequest, Registration } from './register.js';
export { gateAndRegister } from './gate-and-register.js';
export type { CandidateRun, Champion, GateAndRegisterOptions, GateAndRegisterResult } from './gate-and-register.js';
export { promote, type PromoteOptions, type PromoteResult } from './promote.js';
export { gateReport, metricsOutput, modelUri, promoteReport } from './report.js';
export {
  MODES,
  mlflowGateAndRegister,
  type MlflowActionOptions,
  type MlflowActionReport,
  type MlflowConnection,
  type MlflowGateOptions,
  type Mode,
} from './flow.js';
export { readMlflowOptions } from './inputs.js';
