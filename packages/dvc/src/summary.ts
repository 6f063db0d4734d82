import { Markdown, code } from '@mlops-actions/action-kit/markdown';
import { formatDuration } from '@mlops-actions/action-kit/parse';
import type { Installation } from './install.js';
import type { PushResult } from './push.js';

const ROWS = 50;

export interface SummaryInput {
  result: PushResult;
  remote: string;
  remoteUrl: string;
  dvcVersion: string;
  installation: Pick<Installation, 'source' | 'ms'>;
  pushMs: number;
}

const SOURCES: Record<Installation['source'], string> = {
  'tool-cache': 'tool cache',
  'actions-cache': 'restored from the Actions cache',
  installed: 'installed with pip',
};

/** The job summary: the outcome first, then the files that reached the remote. */
export function renderSummary(input: SummaryInput): string {
  const { result } = input;
  const md = new Markdown().heading(result.failure ? 'dvc push failed' : 'dvc push');
  if (result.failure)
    md.paragraph(`**${result.failure.message}**${result.failure.hint ? `\n\n${result.failure.hint}` : ''}`);
  md.table(
    ['remote', 'pushed', 'already present', 'missing', 'DVC', 'time'],
    [
      [
        `${code(input.remote)} ${code(input.remoteUrl)}`,
        `${result.pushed.length} file(s)${result.manifestsPushed ? ` + ${result.manifestsPushed} dir manifest(s)` : ''}`,
        result.alreadyPresentCount,
        result.missing.length + result.stillMissing.length,
        `${input.dvcVersion} (${SOURCES[input.installation.source]}, ${formatDuration(input.installation.ms)})`,
        formatDuration(input.pushMs),
      ],
    ],
  );
  if (result.pushed.length) {
    const rows = result.pushed
      .slice(0, ROWS)
      .map((file) => [code(file.path), code(file.md5), file.size ?? undefined, code(file.object)]);
    const table = new Markdown().table(['path', 'md5', 'bytes', 'remote object'], rows);
    if (result.pushed.length > ROWS)
      table.paragraph(`… and ${result.pushed.length - ROWS} more (all in the \`pushed\` output)`);
    md.details(`${result.pushed.length} file(s) pushed`, table);
  }
  return md.toString();
}
