import { Markdown, code, link } from '@mlops-actions/action-kit/markdown';
import type { Outcome } from './commit.js';

export function bumpSummary(outcome: Outcome, extra: { digest?: string; scan?: string; method: string }): string {
  const { plan } = outcome;
  const md = new Markdown().heading(`bump-kserve-image: ${plan.name}`, 3);
  const state = outcome.dryRun
    ? outcome.changed
      ? 'Dry run: this change would be committed.'
      : 'Dry run: already at the target.'
    : outcome.pullRequest
      ? `${outcome.reused ? 'Reused the open pull request' : 'Opened'} ${link(`#${outcome.pullRequest.number}`, outcome.pullRequest.url)} against ${code(outcome.branch)}.`
      : outcome.changed
        ? `Committed ${outcome.commit?.url ? link(outcome.commit.sha.slice(0, 7), outcome.commit.url) : code(outcome.commit!.sha.slice(0, 7))} on ${code(outcome.branch)} (${extra.method}, attempt ${outcome.attempts}).`
        : `Already at the target on ${code(outcome.branch)}: nothing committed.`;
  md.paragraph(`${plan.target} in ${code(plan.file)}. ${state}`);
  if (plan.fields.length)
    md.table(
      ['field', 'from', 'to'],
      plan.fields.map((f) => [code(f.field), f.before ?? '', f.after]),
    );
  if (extra.digest)
    md.paragraph(`Image digest (ECR): ${code(extra.digest)}${extra.scan ? `; scan: ${extra.scan}` : ''}`);
  if (plan.warnings.length) md.list(plan.warnings.map((w) => `⚠️ ${w}`));
  if (plan.diff) md.details('diff', new Markdown().code(plan.diff.trimEnd(), 'diff'));
  return md.toString();
}
