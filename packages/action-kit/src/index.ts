export { runAction } from './run.js';
export {
  actionInputs,
  coreLogger,
  formatOutput,
  isDebug,
  maskSecret,
  setOutputs,
  writeSummary,
  type OutputValue,
} from './core-adapter.js';
export { Inputs, envInputSource, inputEnvName, maskEachLine, type InputSource } from './inputs.js';
export { InputError, errorMessage } from './errors.js';
export { Markdown, code, link } from './markdown.js';
export { consoleLogger, memoryLogger, silentLogger, type Logger } from './logger.js';
export * from './parse.js';
