// bump-kserve-image: time to locate and edit one InferenceService in a synthetic GitOps
// repository of 2,000 YAML files (Deployments, Services, ConfigMaps, kustomizations and 60 other
// InferenceServices as decoys), median of 5. Baseline: reading every file, measured in the same run.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DEFAULT_GLOBS,
  DirectorySnapshot,
  GitCommitSnapshot,
  gitRunner,
  planBump,
  type BumpRequest,
  type RepoSnapshot,
} from '../packages/gitops/src/index.js';
import { GitHubClient, GitHubRepo } from '../packages/github/src/index.js';
import { GitHubCommitSnapshot } from '../packages/gitops/src/api.js';
import { FakeGitHub } from '../test/fakes/github/server.js';
import { median, round, timeAsync, type Figure } from './lib.js';
import { testDeadline } from '../test/helpers/deadline.js';

const FILES = 2000;
const RUNS = 5;

function deployment(i: number): string {
  return `# service ${i}\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web-${i}\n  labels: {app: web-${i}}\nspec:\n  replicas: 2\n  template:\n    spec:\n      containers:\n        - name: web\n          image: ghcr.io/acme/web-${i}:1.${i % 7}.0\n          ports: [{containerPort: 8080}]\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web-${i}\nspec:\n  ports: [{port: 80, targetPort: 8080}]\n`;
}
function configMap(i: number): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg-${i}\ndata:\n${Array.from({ length: 20 }, (_, k) => `  key${k}: "value ${i}-${k}"`).join('\n')}\n`;
}
function isvc(name: string): string {
  return `apiVersion: serving.kserve.io/v1beta1\nkind: InferenceService\nmetadata:\n  name: ${name}\n  namespace: models\nspec:\n  predictor:\n    model:\n      modelFormat: {name: sklearn}\n      storageUri: "s3://models/${name}/v1"\n`;
}

function writeRepo(root: string): void {
  for (let i = 0; i < FILES; i++) {
    const dir = join(root, 'apps', `team-${i % 40}`, `app-${i}`);
    mkdirSync(dir, { recursive: true });
    const kind = i % 33;
    const text =
      i === 1234
        ? isvc('fraud-detector')
        : kind === 0
          ? isvc(`decoy-${i}`)
          : kind % 3 === 0
            ? configMap(i)
            : kind % 3 === 1
              ? deployment(i)
              : `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n- app.yaml\nimages:\n- name: web\n  newTag: "${i}"\n`;
    writeFileSync(join(dir, i % 2 ? 'app.yaml' : 'kustomization.yml'), text);
  }
}

const request: BumpRequest = {
  target: {
    kind: 'inference-service',
    name: 'fraud-detector',
    component: 'predictor',
    container: 'kserve-container',
    files: DEFAULT_GLOBS,
  },
  image: undefined,
  storageUri: 's3://models/fraud-detector/v2',
};

async function timePlans(snapshotFor: () => RepoSnapshot): Promise<number> {
  const times: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const { ms, value } = await timeAsync(() => planBump(snapshotFor(), request));
    if (value.changes.length !== 1 || value.scanned !== FILES) throw new Error('the bench did not find its target');
    times.push(ms);
  }
  return median(times);
}

export default async function bench(): Promise<Figure[]> {
  const root = mkdtempSync(join(tmpdir(), 'bench-bump-'));
  try {
    writeRepo(root);
    const paths = await new DirectorySnapshot(root).paths();
    const readTimes: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const { ms } = await timeAsync(async () => {
        for (const path of paths) await readFile(join(root, path));
      });
      readTimes.push(ms);
    }
    const readAll = median(readTimes);
    const directory = await timePlans(() => new DirectorySnapshot(root));

    const env = {
      ...process.env,
      GIT_AUTHOR_NAME: 'b',
      GIT_AUTHOR_EMAIL: 'b@x',
      GIT_COMMITTER_NAME: 'b',
      GIT_COMMITTER_EMAIL: 'b@x',
    };
    execFileSync('git', ['init', '--quiet', '-b', 'main'], { cwd: root });
    execFileSync('git', ['add', '-A'], { cwd: root });
    execFileSync('git', ['commit', '--quiet', '-m', 'seed'], { cwd: root, env });
    const head = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
    const git = gitRunner(root, testDeadline());
    const fromGit = await timePlans(() => new GitCommitSnapshot(git, head));
    const bytes = paths.reduce((sum, path) => sum + readFileSync(join(root, path)).length, 0);

    // The api method's view: how many GitHub requests one plan costs (the fake counts them).
    const fake = await FakeGitHub.start('bench-token', { 'acme/gitops': { bare: root } });
    const client = new GitHubClient({ apiUrl: fake.apiUrl, token: 'bench-token', deadline: testDeadline() });
    let apiRequests: number;
    try {
      const plan = await planBump(
        new GitHubCommitSnapshot(new GitHubRepo(client, { owner: 'acme', name: 'gitops' }), head),
        request,
      );
      if (plan.changes.length !== 1) throw new Error('the bench did not find its target through the API');
      apiRequests = fake.requests.length;
    } finally {
      await client.close();
      await fake.stop();
    }

    return [
      {
        figure: `bump: locate + edit 1 InferenceService in ${FILES} files (working tree, median of ${RUNS})`,
        value: directory,
        unit: 'ms',
        baseline: readAll,
        baselineLabel: `read all ${FILES} files`,
        goal: '≤ 1000 ms',
      },
      {
        figure: 'bump: files scanned per second (working tree)',
        value: round(FILES / (directory / 1000), 0),
        unit: 'files/s',
        note: `${round(bytes / 1e6, 2)} MB`,
      },
      {
        figure: `bump: locate + edit from git objects (the git method's view, median of ${RUNS})`,
        value: fromGit,
        unit: 'ms',
        baseline: readAll,
        baselineLabel: `read all ${FILES} files`,
        goal: '≤ 1000 ms',
      },
      {
        figure: `bump: GitHub API requests to locate + edit in ${FILES} files (api method)`,
        value: apiRequests,
        unit: 'requests',
        baseline: FILES + 2,
        baselineLabel: 'one REST blob read per file',
      },
    ];
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}
