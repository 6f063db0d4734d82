import type { ChildProcess } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';
import type { Deadline } from '@mlops-actions/action-kit/http';
import type { Logger } from '@mlops-actions/action-kit/logger';
import { DeadlineExceededError, spawnUnderDeadline } from '@mlops-actions/action-kit/subprocess';
import { HELPER_SCRIPT } from './helper-script.js';
import { redactUrls } from './remote.js';

const SEPARATOR = '\x1e';

export interface CommandResult {
  exitCode: number;
  /** What DVC printed on stdout and stderr, credentials stripped from URLs. */
  output: string;
}

export interface ObjectGroup {
  remote: string;
  legacy: boolean;
  oids: string[];
}

export interface PresentObject {
  remote: string;
  legacy: boolean;
  oid: string;
}

export class DvcSessionError extends Error {
  override name = 'DvcSessionError';
  constructor(
    message: string,
    readonly output: string,
  ) {
    super(message);
  }
}

interface Reply {
  version?: string;
  rc?: number;
  present?: PresentObject[];
  error?: string;
}

/**
 * One long-lived Python process with DVC imported (see helper-script.ts). Requests run one at
 * a time; every line DVC prints is forwarded to the logger with URL credentials stripped. The
 * process (and anything it starts) runs under the step's deadline: when it passes, the process
 * group is killed and the request in flight fails with a DeadlineExceededError.
 */
export class DvcSession {
  readonly version: string;
  private constructor(
    private readonly child: ChildProcess,
    private readonly channel: Channel,
    private readonly stoppedBy: () => string | undefined,
    version: string,
  ) {
    this.version = version;
  }

  /** Starts `python` (the installation's interpreter) in the repository. */
  static async start(options: {
    python: string;
    cwd: string;
    env: NodeJS.ProcessEnv;
    logger: Logger;
    deadline: Deadline;
  }): Promise<DvcSession> {
    const started = spawnUnderDeadline(options.python, ['-c', HELPER_SCRIPT], {
      cwd: options.cwd,
      env: options.env,
      stdio: ['pipe', 'pipe', 'pipe', 'pipe'],
      deadline: options.deadline,
    });
    if (!started) throw startStopped(options.deadline.what);
    const { child, stoppedBy } = started;
    const channel = new Channel(child, options.logger);
    const hello = await underDeadline(startStopped, stoppedBy, () => channel.next());
    if (hello.reply.version === undefined) {
      child.kill('SIGKILL');
      throw new DvcSessionError(
        `DVC does not start with ${options.python}: ${hello.reply.error ?? 'no answer'}`,
        hello.output,
      );
    }
    return new DvcSession(child, channel, stoppedBy, hello.reply.version);
  }

  /** Runs `dvc <argv>` in-process and returns its exit code and output. */
  async dvc(argv: string[]): Promise<CommandResult> {
    const { reply, output } = await underDeadline(remoteStopped(`dvc ${argv[0]}`), this.stoppedBy, () =>
      this.channel.request({ op: 'dvc', argv }),
    );
    if (reply.rc === undefined)
      throw new DvcSessionError(`dvc ${argv[0]} crashed: ${reply.error ?? 'no answer'}`, output);
    return { exitCode: reply.rc, output };
  }

  /** Which of these objects each remote holds. */
  async exists(groups: ObjectGroup[], jobs?: number): Promise<PresentObject[]> {
    if (groups.every((group) => group.oids.length === 0)) return [];
    const { reply, output } = await underDeadline(
      remoteStopped('asking the remote which objects it holds'),
      this.stoppedBy,
      () => this.channel.request({ op: 'exists', groups, ...(jobs ? { jobs } : {}) }),
    );
    if (!reply.present) throw new DvcSessionError(redactUrls(reply.error ?? 'no answer'), output);
    return reply.present;
  }

  async close(): Promise<void> {
    this.channel.close();
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(timer);
  }
}

type Stopped = (deadline: string) => DeadlineExceededError;

/** `request`, failing with `stopped` when the deadline is what ended the process. */
async function underDeadline<T>(
  stopped: Stopped,
  stoppedBy: () => string | undefined,
  request: () => Promise<T>,
): Promise<T> {
  const deadline = stoppedBy();
  if (deadline) throw stopped(deadline);
  try {
    return await request();
  } catch (error) {
    const deadline = stoppedBy();
    throw deadline ? stopped(deadline) : error;
  }
}

function startStopped(deadline: string): DeadlineExceededError {
  return new DeadlineExceededError(
    `starting DVC was stopped: ${deadline} has passed before it was ready, so nothing was pushed: raise the step's timeout`,
  );
}

/** A request that reaches the remote; what it means and what to do is the caller's (pushData's hint). */
function remoteStopped(what: string): Stopped {
  return (deadline) =>
    new DeadlineExceededError(`${what} was stopped: ${deadline} has passed before the remote answered`);
}

/** The request/reply plumbing: fd 3 carries replies, stdout and stderr the DVC output. */
class Channel {
  private readonly replies: string[] = [];
  private replyBuffer = '';
  private readonly streams = { stdout: new LineStream(), stderr: new LineStream() };
  private output: string[] = [];
  private waiter?: () => void;
  private exited = false;

  constructor(
    private readonly child: ChildProcess,
    private readonly logger: Logger,
  ) {
    // A request written after the process died (the deadline killed it) is answered by `next`.
    (child.stdin as Writable).on('error', () => {});
    const fd3 = child.stdio[3] as Readable;
    fd3.setEncoding('utf8').on('data', (chunk: string) => {
      this.replyBuffer += chunk;
      const lines = this.replyBuffer.split('\n');
      this.replyBuffer = lines.pop() ?? '';
      this.replies.push(...lines.filter(Boolean));
      this.wake();
    });
    for (const name of ['stdout', 'stderr'] as const) {
      child[name]!.setEncoding('utf8').on('data', (chunk: string) => {
        for (const line of this.streams[name].push(chunk)) this.line(name, line);
        this.wake();
      });
    }
    child.once('exit', () => {
      this.exited = true;
      this.wake();
    });
    child.once('error', (error) => {
      this.output.push(String(error.message));
      this.exited = true;
      this.wake();
    });
  }

  async request(message: object): Promise<{ reply: Reply; output: string }> {
    (this.child.stdin as Writable).write(`${JSON.stringify(message)}\n`);
    return this.next();
  }

  /** The next reply, once both output streams have reached the reply's separator. */
  async next(): Promise<{ reply: Reply; output: string }> {
    while (!(this.replies.length && this.streams.stdout.separators && this.streams.stderr.separators)) {
      if (this.exited) {
        const output = this.take();
        throw new DvcSessionError(`the DVC process ended unexpectedly${output ? `: ${lastLine(output)}` : ''}`, output);
      }
      await new Promise<void>((resolve) => (this.waiter = resolve));
    }
    this.streams.stdout.separators--;
    this.streams.stderr.separators--;
    return { reply: JSON.parse(this.replies.shift()!) as Reply, output: this.take() };
  }

  close(): void {
    (this.child.stdin as Writable).end();
  }

  private line(stream: 'stdout' | 'stderr', line: string): void {
    if (line === SEPARATOR) {
      this.streams[stream].separators++;
      return;
    }
    const clean = redactUrls(line);
    this.output.push(clean);
    if (clean.trim()) this.logger.info(clean);
  }

  private take(): string {
    const output = this.output.join('\n');
    this.output = [];
    return output;
  }

  private wake(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.();
  }
}

class LineStream {
  separators = 0;
  private pending = '';
  push(chunk: string): string[] {
    this.pending += chunk;
    const lines = this.pending.split(/\r?\n/);
    this.pending = lines.pop() ?? '';
    return lines;
  }
}

function lastLine(text: string): string {
  return text.trim().split('\n').at(-1) ?? '';
}
