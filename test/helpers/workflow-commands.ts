/**
 * The workflow commands the GitHub runner would act on in a step's stdout, parsed as
 * actions/runner's ActionCommandManager does: one line at a time, leading whitespace trimmed,
 * `::name props::data` (and the legacy `##[name props]data` anywhere in a line) for registered
 * command names only, and nothing but the resume token while `::stop-commands::<token>` is on.
 */
export interface WorkflowCommand {
  command: string;
  properties: Record<string, string>;
  data: string;
  /** 1-based line of stdout. */
  line: number;
}

const REGISTERED = new Set([
  'add-mask',
  'add-matcher',
  'add-path',
  'debug',
  'echo',
  'endgroup',
  'error',
  'group',
  'notice',
  'remove-matcher',
  'save-state',
  'set-env',
  'set-output',
  'stop-commands',
  'warning',
]);

export function runnerCommands(stdout: string): WorkflowCommand[] {
  const commands: WorkflowCommand[] = [];
  let stopToken: string | undefined;
  stdout.split('\n').forEach((raw, index) => {
    const text = raw.replace(/\r$/, '');
    const known = (name: string) => REGISTERED.has(name) || (stopToken !== undefined && name === stopToken);
    const parsed = parseV2(text, known) ?? parseLegacy(text, known);
    if (!parsed) return;
    if (stopToken !== undefined) {
      if (parsed.command === stopToken) stopToken = undefined;
      return;
    }
    if (parsed.command === 'stop-commands') {
      stopToken = parsed.data;
      return;
    }
    commands.push({ ...parsed, line: index + 1 });
  });
  return commands;
}

type Parsed = Omit<WorkflowCommand, 'line'>;

function parseV2(line: string, known: (name: string) => boolean): Parsed | undefined {
  const message = line.trimStart();
  if (!message.startsWith('::')) return undefined;
  const end = message.indexOf('::', 2);
  if (end < 0) return undefined;
  const parsed = commandInfo(message.slice(2, end), ',', known);
  return parsed && { ...parsed, data: unescape(message.slice(end + 2), false) };
}

function parseLegacy(line: string, known: (name: string) => boolean): Parsed | undefined {
  const start = line.indexOf('##[');
  if (start < 0) return undefined;
  const close = line.indexOf(']', start);
  if (close < 0) return undefined;
  const parsed = commandInfo(line.slice(start + 3, close), ';', known);
  return parsed && { ...parsed, data: line.slice(close + 1) };
}

/** `name key=value<separator>key=value…`, for a registered name only. */
function commandInfo(
  info: string,
  separator: string,
  known: (name: string) => boolean,
): Omit<Parsed, 'data'> | undefined {
  const space = info.indexOf(' ');
  const command = space < 0 ? info : info.slice(0, space);
  if (!known(command)) return undefined;
  const properties: Record<string, string> = {};
  if (space >= 0) {
    for (const pair of info.slice(space + 1).split(separator)) {
      const at = pair.indexOf('=');
      // V2 escapes property values; the legacy form has no escaping.
      if (at > 0)
        properties[pair.slice(0, at)] = separator === ',' ? unescape(pair.slice(at + 1), true) : pair.slice(at + 1);
    }
  }
  return { command, properties };
}

function unescape(text: string, property: boolean): string {
  let result = text.replace(/%0D/g, '\r').replace(/%0A/g, '\n');
  if (property) result = result.replace(/%3A/g, ':').replace(/%2C/g, ',');
  return result.replace(/%25/g, '%');
}
