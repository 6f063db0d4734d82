import { backoffDelay, realClock, type Clock, type RetryPolicy } from '@mlops-actions/action-kit/http';
import type { Logger } from '@mlops-actions/action-kit/logger';
import { BumpError } from './errors.js';
import { commitMessage, type CommitMessage } from './message.js';
import { planBump, type BumpPlan, type BumpRequest } from './plan.js';
import type { RepoSnapshot } from './files.js';

export const DEFAULT_COMMIT_RETRY: RetryPolicy = { maxAttempts: 10, baseDelayMs: 250, maxDelayMs: 4000 };

export interface Landed {
  sha: string;
  url?: string;
}

/** What a write did: landed, lost the race (the branch moved), or may or may not have landed. */
export type CommitOutcome =
  ({ kind: 'landed' } & Landed) | { kind: 'stale'; reason: string } | { kind: 'unknown'; reason: string };

/** One way of writing to a branch (git push, GraphQL createCommitOnBranch). */
export interface BranchWriter {
  /** The branch tip now, and the files at it. */
  head(): Promise<{ oid: string; snapshot: RepoSnapshot }>;
  /** One commit on top of `base`, applied only if the branch still points there. */
  commit(base: string, plan: BumpPlan, message: CommitMessage): Promise<CommitOutcome>;
  /** Our commit (by its bump id) if it reached the branch. */
  findLanded(bumpId: string): Promise<Landed | undefined>;
}

export interface RaceSafeOptions {
  request: BumpRequest;
  dryRun?: boolean;
  template?: string;
  runUrl?: string;
  bumpId: string;
  logger: Logger;
  retry?: Partial<RetryPolicy>;
  clock?: Clock;
  random?: () => number;
}

export interface BumpResult {
  plan: BumpPlan;
  /** The branch tip the plan was computed on. */
  base: string;
  changed: boolean;
  dryRun: boolean;
  commit?: Landed;
  attempts: number;
}

/**
 * Read the tip, plan, write with compare-and-swap; when the branch moved, re-read, re-apply and try
 * again with jittered backoff; when the outcome is unknown, look for our commit before retrying.
 * Already at the target → no commit.
 */
export async function commitRaceSafe(writer: BranchWriter, options: RaceSafeOptions): Promise<BumpResult> {
  const policy = { ...DEFAULT_COMMIT_RETRY, ...options.retry };
  const clock = options.clock ?? realClock;
  const random = options.random ?? Math.random;
  let lastReason = '';
  for (let attempt = 1; attempt <= policy.maxAttempts; attempt++) {
    const head = await writer.head();
    const plan = await planBump(head.snapshot, options.request);
    if (plan.changes.length === 0) {
      return { plan, base: head.oid, changed: false, dryRun: Boolean(options.dryRun), attempts: attempt };
    }
    if (options.dryRun) return { plan, base: head.oid, changed: true, dryRun: true, attempts: attempt };
    const message = commitMessage(plan, options);
    const outcome = await writer.commit(head.oid, plan, message);
    if (outcome.kind === 'landed') {
      return { plan, base: head.oid, changed: true, dryRun: false, commit: outcome, attempts: attempt };
    }
    if (outcome.kind === 'unknown') {
      const landed = await writer.findLanded(options.bumpId);
      if (landed) {
        options.logger.info(`The commit landed although its write reported: ${outcome.reason}`);
        return { plan, base: head.oid, changed: true, dryRun: false, commit: landed, attempts: attempt };
      }
    }
    lastReason = outcome.reason;
    if (attempt === policy.maxAttempts) break;
    const delay = backoffDelay(attempt, policy, random);
    options.logger.info(
      `Attempt ${attempt} of ${policy.maxAttempts} did not land (${outcome.reason}); retrying in ${delay} ms`,
    );
    await clock.sleep(delay);
  }
  throw new BumpError(
    `gave up after ${policy.maxAttempts} attempts: ${lastReason}. Nothing was committed by this run; re-run the job`,
  );
}
