/** A bare repository with release history, served by the GitHub API fake. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LocalRemote, git } from '../../gitops/__tests__/git-helpers.js';

export class ReleaseHistory {
  readonly remote = new LocalRemote({ 'README.md': 'v1.0.0\n' });
  readonly work = this.remote.clone();

  /** A new commit on `from` (a branch, tag or SHA); returns its SHA. Nothing is pushed. */
  commit(from: string, label: string): string {
    git(this.work, 'checkout', '--quiet', '--detach', from);
    writeFileSync(join(this.work, 'README.md'), `${label}\n`);
    git(this.work, 'commit', '--quiet', '-am', label);
    const sha = git(this.work, 'rev-parse', 'HEAD');
    git(this.work, 'push', '--quiet', 'origin', `${sha}:refs/heads/${label}`);
    return sha;
  }

  tag(name: string, sha: string, annotated = false): void {
    if (annotated) git(this.work, 'tag', '-a', '-m', name, name, sha);
    else git(this.work, 'tag', name, sha);
    git(this.work, 'push', '--quiet', 'origin', `refs/tags/${name}`);
  }

  tagged(name: string): string | undefined {
    try {
      return git(this.remote.bare, 'rev-parse', '--verify', '--quiet', `refs/tags/${name}^{commit}`);
    } catch {
      return undefined;
    }
  }

  get main(): string {
    return this.remote.head();
  }

  remove(): void {
    this.remote.remove();
  }
}
