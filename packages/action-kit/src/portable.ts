/**
 * `@mlops-actions/action-kit/inputs`: everything an action's main and the CLI share, without
 * @actions/core: the input readers, the action.yml spec, the run context and the host interface.
 */
export {
  Inputs,
  envInputSource,
  inputEnvName,
  maskEachLine,
  recordInputSource,
  type InputSource,
  type InputsOptions,
} from './inputs.js';
export { parseActionSpec, resolveDefault, type ActionSpec, type InputSpec } from './spec.js';
export { contextExpression, githubRunContext, localRunContext, runContext, type RunContext } from './context.js';
export { formatOutput, type ActionHost, type ActionMain, type OutputValue } from './host.js';
export { InputError, errorMessage } from './errors.js';
export { consoleLogger, memoryLogger, silentLogger, type Logger } from './logger.js';
export { Markdown, code, link } from './markdown.js';
export * from './parse.js';
