export { runAction } from './run.js';
export { coreLogger, githubHost, isDebug, maskSecret, setOutputs, writeSummary } from './core-adapter.js';
export * from './portable.js';
