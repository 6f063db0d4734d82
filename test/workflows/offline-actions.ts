import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';

/**
 * act fetches every remote action of a job before its first step, even those whose `if:` is
 * false (stepActionRemote.pre -> prepareActionExecutor, pkg/runner/step_action_remote.go), and
 * nothing may be fetched here. Each pinned third-party action therefore resolves, through
 * --local-repository, to an offline stand-in in test/workflows/offline-actions/<repo>/. A
 * stand-in first checks that the run expected it (MLOPS_OFFLINE_ACTIONS_EXPECTED) and fails
 * loudly otherwise, so a step that should have been skipped cannot pass unnoticed; then it
 * records what it was asked in MLOPS_OFFLINE_ACTIONS_RECORD.
 *
 * actions/checkout of the repository itself is never fetched: act copies the working directory
 * for it (isLocalCheckout, pkg/runner/step_action_remote.go). A checkout of another repository or
 * ref (the GHES variants' self-checkout) is fetched, and resolves to the `checkout` stand-in.
 */
export const OFFLINE_ACTIONS_DIR = join(repoRoot, 'test', 'workflows', 'offline-actions');

export type OfflineAction =
  | 'setup-python'
  | 'configure-aws-credentials'
  | 'trivy-action'
  | 'amazon-ecr-login'
  | 'setup-buildx-action'
  | 'build-push-action'
  | 'checkout';

/** Every `owner/repo@<sha>` the exported workflows pin, mapped to its stand-in. */
export function offlineActionMappings(exportDir: string): string[] {
  const workflows = join(exportDir, '.github', 'workflows');
  const pins = new Set<string>();
  for (const file of readdirSync(workflows)) {
    for (const match of readFileSync(join(workflows, file), 'utf8').matchAll(
      /^\s*(?:-\s+)?uses:\s+([\w.-]+\/[\w.-]+)(?:\/[^@\s]*)?@([0-9a-f]{40})\b/gm,
    )) {
      pins.add(`${match[1]}@${match[2]}`);
    }
  }
  return [...pins].sort().map((pin) => {
    const repo = pin.slice(pin.indexOf('/') + 1, pin.indexOf('@'));
    const dir = join(OFFLINE_ACTIONS_DIR, repo);
    if (!existsSync(join(dir, 'action.yml')))
      throw new Error(`${pin} has no offline stand-in: add one in ${dir} (act would fetch it from GitHub)`);
    return `${pin}=${dir}`;
  });
}

export interface OfflineActionCall {
  action: OfflineAction;
  inputs: Record<string, string>;
}

/** What the stand-ins of one run were asked, in order. */
export function readOfflineActionCalls(record: string): OfflineActionCall[] {
  if (!existsSync(record)) return [];
  return readFileSync(record, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as OfflineActionCall);
}
