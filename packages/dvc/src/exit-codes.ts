/** What a failed DVC command means, from its exit code and what it printed. */
export type FailureCategory =
  | 'transfer'
  | 'configuration'
  | 'credentials'
  | 'missing-plugin'
  | 'remote-not-found'
  | 'not-a-repository'
  | 'interrupted'
  | 'usage'
  | 'unexpected';

export interface DvcFailure {
  exitCode: number;
  category: FailureCategory;
  /** The most telling line DVC printed, credentials stripped. */
  detail: string;
  hint: string;
  /** Worth running the whole command again: pushing is idempotent. */
  retryable: boolean;
}

const CREDENTIALS =
  /unable to locate credentials|access ?denied|invalidaccesskeyid|signaturedoesnotmatch|expiredtoken|forbidden|403|not authorized|credentials? (?:were|are|is) (?:not|invalid)|profile .* could not be found|no credentials/i;
const MISSING_PLUGIN = /requires these missing dependencies|missing dependencies|pip install .*dvc\[/i;
const NOT_FOUND =
  /bucket does not exist|nosuchbucket|container ?not ?found|no such file or directory: '?\/|storage account .* not found/i;
const NETWORK =
  /timed? ?out|timeout|connection (?:reset|refused|aborted)|could not connect|temporarily unavailable|slowdown|5\d\d/i;

/**
 * DVC's exit codes: 1 = the command failed (uploads, an unknown remote…), 251 = configuration,
 * 252 = interrupted, 253 = not a DVC repository, 254 = bad arguments, 255 = anything else,
 * which is where credential problems and a missing remote plugin land.
 */
export function categorize(exitCode: number, output: string): DvcFailure {
  const detail = telltaleLine(output);
  const make = (category: FailureCategory, hint: string, retryable = false): DvcFailure => ({
    exitCode,
    category,
    detail,
    hint,
    retryable,
  });
  if (MISSING_PLUGIN.test(output)) {
    return make(
      'missing-plugin',
      "DVC lacks the plugin for this remote's scheme: install dvc with its extra, e.g. dvc[s3]",
    );
  }
  if (CREDENTIALS.test(output)) {
    return make(
      'credentials',
      'The remote refused or found no credentials: check the credentials step (e.g. configure-aws-credentials with OIDC) and any static keys or profile in .dvc/config*',
    );
  }
  if (NOT_FOUND.test(output)) {
    return make('remote-not-found', "The remote's bucket or folder does not exist: create it, or fix the remote URL");
  }
  switch (exitCode) {
    case 1:
      return make(
        'transfer',
        /failed to upload|failed to transfer|failed to push/i.test(output) || NETWORK.test(output)
          ? 'Some objects did not reach the remote: check the bucket exists, the network and the permissions; a rerun resumes where it stopped'
          : 'dvc push failed: read the error above',
        true,
      );
    case 251:
      return make(
        'configuration',
        'DVC rejected its configuration: check .dvc/config and .dvc/config.local (dvc remote modify)',
      );
    case 252:
      return make('interrupted', 'DVC was interrupted');
    case 253:
      return make(
        'not-a-repository',
        "The working directory is not a DVC repository: run 'dvc init' or set working-directory",
      );
    case 254:
      return make('usage', 'DVC rejected its arguments: check targets and jobs');
    default:
      return make(
        'unexpected',
        NETWORK.test(output)
          ? 'The remote could not be reached: check the endpoint URL and the network'
          : 'DVC failed unexpectedly: rerun with step debug logging for the traceback',
        NETWORK.test(output),
      );
  }
}

/** The last line that names the error, else the last non-empty line. */
function telltaleLine(output: string): string {
  const lines = output
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter(Boolean);
  const error = [...lines].reverse().find((line) => /^error|error:|error -|failed|unexpected/i.test(line));
  return (error ?? lines.at(-1) ?? '').slice(0, 500);
}
