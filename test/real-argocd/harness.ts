import { CreateBucketCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { motoS3Client, startMoto } from '../helpers/moto.js';
import { venvBin } from '../helpers/paths.js';
import { spawnOwned, startService, type Service } from '../helpers/service.js';
import { createGitOpsRepo, git, inferenceServiceManifest, type GitOpsRepo } from '../pipeline/gitops-repo.js';
import { KServeStandIn } from './kserve-controller.js';
import { tcpAnswers } from './cluster.js';
import { ARGOCD_NAMESPACE, startRealArgoCd, type RealArgoCd, type RealArgoCdOptions } from './stack.js';

export const MODEL_NAMESPACE = 'models';
export const PROJECT = 'models';
const BUCKET = 'models';
const TINY_MODEL = join(dirname(new URL(import.meta.url).pathname), 'tiny_model.py');

export interface ArgoApp {
  metadata: { name: string; resourceVersion: string };
  status?: {
    sync?: { status?: string; revision?: string };
    health?: { status?: string; message?: string };
    operationState?: { phase?: string; message?: string; syncResult?: { revision?: string } };
    conditions?: { type: string; message: string }[];
  };
}

/**
 * The real Argo CD with everything a scenario needs around it: moto S3 holding the models, the
 * KServe stand-in, and a GitOps repository served by `git daemon` on loopback. One folder per
 * application (apps/<name>) with an InferenceService and a ConfigMap.
 */
export interface RealGitOps {
  argo: RealArgoCd;
  s3: S3Client;
  kserve: KServeStandIn;
  repo: GitOpsRepo;
  /** git://127.0.0.1:<port>/gitops.git, what the applications name. */
  repoURL: string;
  /** Uploads a fitted model answering `label`, returns its s3:// URI. */
  uploadModel(key: string, label?: number): Promise<string>;
  /** Raw bytes at a key (a model file, or a corrupt one); returns its s3:// URI. */
  uploadBytes(key: string, bytes: Buffer | string): Promise<string>;
  /** Commits files (path → text) on main and pushes; returns the new HEAD. */
  commit(files: Record<string, string>, message: string): string;
  /** Whether `revision` is `commit` or a later commit that contains it. */
  contains(revision: string, commit: string): boolean;
  /** The files of an application folder for a model. */
  appFiles(name: string, storageUri: string, extra?: string): Record<string, string>;
  /** Creates the Application for apps/<name>, or `options.path` (AppOptions). */
  createApp(name: string, options?: AppOptions): Promise<void>;
  /** GET /api/v1/applications/<name> with the ci token. */
  getApp(name: string): Promise<ArgoApp>;
  /** Polls until `done` holds for the app or `timeoutMs` passes (then throws with the last state). */
  waitApp(name: string, done: (app: ArgoApp) => boolean, timeoutMs: number): Promise<ArgoApp>;
  stop(): Promise<void>;
}

/** Where an Application deploys from and to, and its sync policy, as a user writes them. */
export interface AppOptions {
  /** Folder of the GitOps repository; default apps/<name>. */
  path?: string;
  /** Destination namespace (created if missing); default MODEL_NAMESPACE. */
  namespace?: string;
  /** Auto-sync (with prune); default true. */
  automated?: boolean;
  /**
   * `syncPolicy.retry` of a failed sync. Without one, Argo CD 3.x retries an automated sync 5
   * times (5 s … 80 s backoff) before it ends Failed.
   */
  retry?: { limit: number; backoff: { duration: string; factor: number; maxDuration: string } };
}

export interface RealGitOpsOptions extends RealArgoCdOptions {
  /** The GitOps repository's first commit (path → text); default a README. */
  files?: Record<string, string>;
}

export async function startRealGitOps(options: RealGitOpsOptions = {}): Promise<RealGitOps> {
  const stops: (() => Promise<void>)[] = [];
  const stop = async () => {
    for (const fn of stops.reverse()) await fn().catch(() => undefined);
  };
  try {
    const moto = await startMoto();
    stops.push(() => moto.stop());
    const s3 = motoS3Client(moto);
    await s3.send(new CreateBucketCommand({ Bucket: BUCKET }));
    const argo = await startRealArgoCd(options);
    stops.push(() => argo.stop());
    const namespaces = new Set<string>();
    const kserve = new KServeStandIn(argo.kube, s3, (error) =>
      process.stderr.write(`[kserve stand-in] ${error.message}\n`),
    );
    await kserve.start();
    stops.push(() => kserve.stop());
    const repo = createGitOpsRepo(options.files ?? { 'README.md': 'GitOps state of the models\n' });
    stops.push(async () => repo.remove());
    const daemon = await serveGit(dirname(repo.bare));
    stops.push(() => daemon.stop());
    const repoURL = `git://127.0.0.1:${daemon.port}/gitops.git`;
    const checkout = repo.clone();
    const scratch = mkdtempSync(join(tmpdir(), 'models-'));
    stops.push(async () => rmSync(scratch, { recursive: true, force: true }));

    const api = async (path: string): Promise<ArgoApp> => {
      const response = await fetch(`${argo.url}${path}`, {
        headers: { authorization: `Bearer ${argo.ciToken}` },
        signal: AbortSignal.timeout(30_000),
      });
      const text = await response.text();
      if (!response.ok) throw new Error(`GET ${path}: HTTP ${response.status}: ${text.slice(0, 200)}`);
      return JSON.parse(text) as ArgoApp;
    };
    const put = async (key: string, body: Buffer | string) => {
      await s3.send(new PutObjectCommand({ Bucket: BUCKET, Key: key, Body: body }));
      return `s3://${BUCKET}/${key}`;
    };

    const gitops: RealGitOps = {
      argo,
      s3,
      kserve,
      repo,
      repoURL,
      async uploadModel(key, label = 1) {
        const path = join(scratch, 'model.joblib');
        writeTinyModel(path, label);
        return put(key, readFileSync(path));
      },
      uploadBytes: (key, bytes) => put(key, bytes),
      commit(files, message) {
        git(checkout, 'pull', '-q', '--ff-only');
        for (const [path, text] of Object.entries(files)) {
          mkdirSync(dirname(join(checkout, path)), { recursive: true });
          writeFileSync(join(checkout, path), text);
        }
        git(checkout, 'add', '-A');
        git(checkout, 'commit', '-q', '--allow-empty', '-m', message);
        git(checkout, 'push', '-q', 'origin', repo.branch);
        return git(checkout, 'rev-parse', 'HEAD');
      },
      contains(revision, commit) {
        if (revision === commit) return true;
        try {
          git(repo.bare, 'merge-base', '--is-ancestor', commit, revision);
          return true;
        } catch {
          return false;
        }
      },
      appFiles(name, storageUri, extra = '') {
        return {
          [`apps/${name}/inferenceservice.yaml`]: inferenceServiceManifest(name, MODEL_NAMESPACE, storageUri),
          [`apps/${name}/configmap.yaml`]: [
            'apiVersion: v1',
            'kind: ConfigMap',
            'metadata:',
            `  name: ${name}-config`,
            `  namespace: ${MODEL_NAMESPACE}`,
            'data:',
            `  storageUri: ${storageUri}`,
            extra,
          ].join('\n'),
        };
      },
      async createApp(name, { path = `apps/${name}`, namespace = MODEL_NAMESPACE, automated = true, retry } = {}) {
        if (!namespaces.has(namespace)) argo.kubectl('create', 'namespace', namespace);
        namespaces.add(namespace);
        await argo.kube.must('POST', `/apis/argoproj.io/v1alpha1/namespaces/${ARGOCD_NAMESPACE}/applications`, {
          apiVersion: 'argoproj.io/v1alpha1',
          kind: 'Application',
          metadata: { name, namespace: ARGOCD_NAMESPACE },
          spec: {
            project: PROJECT,
            source: { repoURL, path, targetRevision: repo.branch },
            destination: { server: argo.server, namespace },
            syncPolicy: { ...(automated ? { automated: { prune: true } } : {}), ...(retry ? { retry } : {}) },
          },
        });
      },
      getApp: (name) => api(`/api/v1/applications/${name}`),
      async waitApp(name, done, timeoutMs) {
        const deadline = Date.now() + timeoutMs;
        let last: ArgoApp | undefined;
        while (Date.now() < deadline) {
          last = await api(`/api/v1/applications/${name}`).catch(() => last);
          if (last && done(last)) return last;
          await new Promise((resolve) => setTimeout(resolve, 250));
        }
        throw new Error(
          `application ${name} did not reach the state within ${timeoutMs} ms: ${JSON.stringify(last?.status)}`,
        );
      },
      stop,
    };
    return gitops;
  } catch (error) {
    await stop();
    throw error;
  }
}

/** A fitted scikit-learn model that always answers `label`, written to `path` (tiny_model.py). */
export function writeTinyModel(path: string, label: number): void {
  execFileSync(venvBin('kserve', 'python'), [TINY_MODEL, path, String(label)]);
}

/** `git daemon` serving the repositories under `base` read-only on an ephemeral loopback port. */
function serveGit(base: string): Promise<Service> {
  return startService({
    name: 'git-daemon',
    command: 'git',
    args: (port) => [
      'daemon',
      '--reuseaddr',
      '--export-all',
      `--base-path=${base}`,
      '--listen=127.0.0.1',
      `--port=${port}`,
      base,
    ],
    readyPath: '',
    probe: tcpAnswers,
  });
}

/** Runs the real `argocd app wait` CLI against the server; exit code, output, duration. */
export function argocdAppWait(
  argo: RealArgoCd,
  application: string,
  args: { timeoutSeconds: number; token?: string },
): Promise<{ exitCode: number | null; output: string; durationMs: number }> {
  const config = mkdtempSync(join(tmpdir(), 'argocd-cli-'));
  const started = Date.now();
  const child = spawnOwned(
    argo.argocdCli,
    ['app', 'wait', application, '--sync', '--health', '--timeout', String(args.timeoutSeconds)]
      .concat([
        '--server',
        argo.url.replace(/^http:\/\//, ''),
        '--plaintext',
        '--auth-token',
        args.token ?? argo.ciToken,
      ])
      .concat(['--config', join(config, 'config')]),
    { env: { ...process.env, HOME: config } },
  );
  let output = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  return new Promise((resolve) =>
    child.on('close', (exitCode) => {
      rmSync(config, { recursive: true, force: true });
      resolve({ exitCode, output, durationMs: Date.now() - started });
    }),
  );
}
