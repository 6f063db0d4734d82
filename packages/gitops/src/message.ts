import type { BumpPlan } from './plan.js';

export const DEFAULT_MESSAGE = 'Bump {name} to {new}';
export const BUMP_ID_TRAILER = 'Bump-Id';

export interface CommitMessage {
  headline: string;
  /** Everything after the headline's blank line, trailers last. */
  body: string;
}

/** The whole message as git stores it. */
export function fullMessage(message: CommitMessage): string {
  return `${message.headline}\n\n${message.body}\n`;
}

/**
 * Fills the template ({name}, {old}, {new}, {run_url}) and appends trailers with the old and new
 * values, the run URL and the bump id that lets a retry recognise a commit it already made.
 */
export function commitMessage(
  plan: BumpPlan,
  context: { template?: string; runUrl?: string; bumpId: string },
): CommitMessage {
  const olds = [plan.previousImage, plan.previousStorageUri].filter((v) => v !== undefined);
  const news = [plan.image, plan.storageUri].filter((v) => v !== undefined);
  const values: Record<string, string> = {
    name: plan.name,
    old: olds.join(', ') || '(none)',
    new: news.join(', ') || '(canary change)',
    run_url: context.runUrl ?? '',
  };
  const filled = (context.template ?? DEFAULT_MESSAGE).replace(
    /\{(name|old|new|run_url)\}/g,
    (_, key: string) => values[key]!,
  );
  const [headline, ...rest] = filled.replace(/\r\n/g, '\n').split('\n');
  const trailers = [
    ['Bump-Target', plan.target],
    ['Previous-Image', plan.image !== undefined ? plan.previousImage : undefined],
    ['Image', plan.image],
    ['Previous-Storage-Uri', plan.storageUri !== undefined ? plan.previousStorageUri : undefined],
    ['Storage-Uri', plan.storageUri],
    ['Run-Url', context.runUrl],
    [BUMP_ID_TRAILER, context.bumpId],
  ]
    .filter(([, value]) => value !== undefined && value !== '')
    .map(([key, value]) => `${key}: ${String(value).replace(/[\r\n]+/g, ' ')}`);
  const body = rest.join('\n').trim();
  return {
    headline: headline!.trim() || `Bump ${plan.name}`,
    body: `${body ? `${body}\n\n` : ''}${trailers.join('\n')}`,
  };
}

/** True when a commit message carries this bump id as a trailer. */
export function hasBumpId(message: string, bumpId: string): boolean {
  return message.split(/\r?\n/).some((line) => line.trim() === `${BUMP_ID_TRAILER}: ${bumpId}`);
}
