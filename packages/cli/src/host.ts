import { appendFileSync } from 'node:fs';
import { Writable } from 'node:stream';
import {
  Inputs,
  formatOutput,
  maskEachLine,
  recordInputSource,
  runContext,
  type ActionHost,
  type ActionSpec,
  type Logger,
  consoleLogger,
} from '@mlops-actions/action-kit/inputs';
import { redactText } from '@mlops-actions/action-kit/http';
import { defuseCommands } from '@mlops-actions/action-kit/workflow-commands';

export interface CliStreams {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

/** The CLI's side of an action: what it collected, for printing once the main returns. */
export interface CliHost extends ActionHost {
  outputs: Record<string, string>;
  summaries: string[];
  redact(text: string): string;
}

/**
 * An ActionHost for a terminal or another CI: logs on stderr, every secret the inputs or the action
 * registered replaced by *** in logs, outputs and the summary (the runner's masking, done here).
 */
export function cliHost(
  spec: ActionSpec,
  values: Record<string, string>,
  options: { env: NodeJS.ProcessEnv; cwd: string; debug: boolean; streams: CliStreams },
): CliHost {
  const secrets: string[] = [];
  const mask = (secret: string) => maskEachLine(secret, (line) => secrets.push(line));
  const redact = (text: string) =>
    redactText(
      text,
      [...secrets].sort((a, b) => b.length - a.length),
    );
  const context = runContext(options.env);
  if (context.kind === 'local') context.workspace = options.cwd;
  const host: CliHost = {
    spec,
    context,
    inputs: new Inputs(recordInputSource(values, mask), { spec, context }),
    logger: redactingLogger(options.streams.stderr, redact, options.debug),
    mask: (secret) => {
      if (secret) mask(secret);
    },
    outputs: {},
    summaries: [],
    redact,
    setOutputs: (outputs) => {
      for (const [name, value] of Object.entries(outputs)) host.outputs[name] = formatOutput(value);
    },
    writeSummary: async (markdown) => {
      host.summaries.push(markdown);
    },
  };
  return host;
}

/** Writes the collected summary to a file (appended, like GITHUB_STEP_SUMMARY) or to stdout. */
export function emitSummary(host: CliHost, target: string | undefined, stdout: NodeJS.WritableStream): void {
  if (!target || !host.summaries.length) return;
  const text = host.redact(host.summaries.join('\n'));
  if (target === '-') stdout.write(`${text}\n`);
  else appendFileSync(target, `${text}\n`);
}

/** key=value lines (a value with a line break or edge spaces JSON-quoted), or one JSON object. */
export function formatOutputs(outputs: Record<string, string>, json: boolean): string {
  if (json) return `${JSON.stringify(outputs, null, 2)}\n`;
  return Object.entries(outputs)
    .map(([name, value]) => `${name}=${/[\r\n]|^\s|\s$/.test(value) ? JSON.stringify(value) : value}\n`)
    .join('');
}

/** consoleLogger on `out`, each line redacted and never a workflow command (run inside another GitHub job). */
function redactingLogger(out: NodeJS.WritableStream, redact: (text: string) => string, debug: boolean): Logger {
  const stream = new Writable({
    write(chunk, _encoding, done) {
      out.write(defuseCommands(redact(String(chunk))));
      done();
    },
  });
  return consoleLogger({ debug, stream });
}
