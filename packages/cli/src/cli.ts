import { InputError, errorMessage } from '@mlops-actions/action-kit/inputs';
import { ACTIONS } from './actions.js';
import { UsageError, parseInvocation } from './args.js';
import { EXIT } from './exit-codes.js';
import { actionHelp, usage } from './help.js';
import { cliHost, emitSummary, formatOutputs, type CliStreams } from './host.js';

export interface CliOptions extends CliStreams {
  env: NodeJS.ProcessEnv;
  cwd: string;
}

/** `mlops-actions <action> …`: runs the action's main on the CLI host; returns the exit code. */
export async function runCli(argv: string[], options: CliOptions): Promise<number> {
  const { stdout, stderr } = options;
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === 'help') {
    (name ? stdout : stderr).write(usage(Object.keys(ACTIONS)));
    return name ? EXIT.ok : EXIT.usage;
  }
  const action = ACTIONS[name];
  if (!action) {
    stderr.write(`error: unknown action ${JSON.stringify(name)}\n\n${usage(Object.keys(ACTIONS))}`);
    return EXIT.usage;
  }
  let invocation;
  try {
    invocation = parseInvocation(action.spec, rest, options.env);
  } catch (error) {
    stderr.write(`error: ${errorMessage(error)}\n`);
    return EXIT.usage;
  }
  if (invocation.help) {
    stdout.write(actionHelp(action.spec));
    return EXIT.ok;
  }

  const host = cliHost(action.spec, invocation.values, { ...options, debug: invocation.debug, streams: options });
  let code: number = EXIT.ok;
  try {
    await action.main(host);
  } catch (error) {
    stderr.write(`error: ${host.redact(errorMessage(error))}\n`);
    code = error instanceof InputError || error instanceof UsageError ? EXIT.usage : EXIT.failed;
    if (invocation.debug && error instanceof Error && error.stack) stderr.write(`${host.redact(error.stack)}\n`);
  }
  emitSummary(host, invocation.summary, stdout);
  stdout.write(host.redact(formatOutputs(host.outputs, invocation.json)));
  return code;
}
