import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../helpers/service.js';
import { ProcessGroup, realArgoCdBuild, startLoopbackCluster, tcpAnswers, type LoopbackCluster } from './cluster.js';
import { argoCdConfig } from './config.js';
import { installInferenceServiceCrd } from './kserve-controller.js';

export const ARGOCD_NAMESPACE = 'argocd';

export interface RealArgoCdOptions {
  /** Argo CD's Git polling period in seconds (--app-resync). Default 180: only refreshes move things. */
  appResyncSeconds?: number;
}

export interface RealArgoCd extends LoopbackCluster {
  /** argocd-server, plain HTTP on loopback (--insecure). */
  url: string;
  /** API token of the `ci` account (get and sync applications, get projects). */
  ciToken: string;
  /** A session token of `admin`. */
  adminToken: string;
  /** Path of the argocd CLI (the same multi-call binary). */
  argocdCli: string;
  /** Milliseconds from spawn to ready per component, and `total`. */
  startup: Record<string, number>;
  /** Resident memory in MiB of every process started, now. */
  rss(): Record<string, number>;
  stop(): Promise<void>;
}

/**
 * Starts, on 127.0.0.1 ephemeral ports: etcd → kube-apiserver (cluster.ts) → Argo CD's CRDs and
 * config (config.ts) and an InferenceService CRD → redis → argocd-repo-server →
 * argocd-application-controller → argocd-server (--insecure), then mints the `ci` API token.
 * Everything is stopped (and its folder removed) by stop(), or when a start fails.
 */
export async function startRealArgoCd(options: RealArgoCdOptions = {}): Promise<RealArgoCd> {
  const build = realArgoCdBuild();
  const bin = (name: string) => join(build, 'bin', name);
  const group = new ProcessGroup();
  const { home } = group;
  const began = Date.now();
  try {
    const cluster = await startLoopbackCluster(group, build, ARGOCD_NAMESPACE);
    const adminPassword = randomBytes(12).toString('hex');
    await group.step('config', () => applyArgoCdConfig(cluster, build, home, adminPassword));

    const env = {
      KUBECONFIG: cluster.kubeconfig,
      ARGOCD_GPG_ENABLED: 'false',
      // git-verify-wrapper.sh must be on PATH (see build.sh).
      PATH: `${join(build, 'bin')}:${process.env.PATH ?? ''}`,
      HOME: join(home, 'home'),
      TMPDIR: join(home, 'tmp'),
      ARGOCD_SSH_DATA_PATH: join(home, 'ssh'),
      ARGOCD_TLS_DATA_PATH: join(home, 'tls'),
      ARGOCD_GNUPGHOME: join(home, 'gnupg'),
    };
    for (const dir of ['home', 'tmp', 'ssh', 'tls', 'gnupg', 'static']) mkdirSync(join(home, dir), { recursive: true });

    const redis = await group.start({
      name: 'redis',
      command: 'redis-server',
      args: (port) => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      readyPath: '',
      probe: tcpAnswers,
    });
    const redisAddress = `127.0.0.1:${redis.port}`;
    const repoServerMetrics = await freePort();
    const repoServer = await group.start({
      name: 'argocd-repo-server',
      command: bin('argocd-repo-server'),
      args: (port) =>
        ['--port', String(port), '--address', '127.0.0.1', '--metrics-address', '127.0.0.1']
          .concat(['--metrics-port', String(repoServerMetrics), '--redis', redisAddress, '--loglevel', 'warn'])
          // --client-ca-path defaults to a file only a pod has, and conflicts with --disable-tls.
          .concat(['--disable-tls', '--client-ca-path', '']),
      env,
      readyPath: '',
      probe: tcpAnswers,
    });
    const argoArgs = [
      '--redis',
      redisAddress,
      '--repo-server',
      `127.0.0.1:${repoServer.port}`,
      '--repo-server-plaintext',
    ];
    await group.start({
      name: 'argocd-application-controller',
      command: bin('argocd-application-controller'),
      // Its metrics server listens on 0.0.0.0 (not configurable in v3.6); the port is ephemeral.
      args: (port) =>
        ['--metrics-port', String(port), ...argoArgs, '--loglevel', 'warn']
          .concat(['--app-resync', String(options.appResyncSeconds ?? 180), '--app-resync-jitter', '0'])
          .concat(['--status-processors', '2', '--operation-processors', '2']),
      env,
      readyPath: '/healthz',
      isReady: (status) => status === 200,
    });
    const serverMetrics = await freePort();
    const server = await group.start({
      name: 'argocd-server',
      command: bin('argocd-server'),
      args: (port) =>
        [
          '--insecure',
          '--address',
          '127.0.0.1',
          '--port',
          String(port),
          '--metrics-port',
          String(serverMetrics),
        ].concat([...argoArgs, '--loglevel', 'warn', '--staticassets', join(home, 'static')]),
      env,
      readyPath: '/healthz',
      isReady: (status) => status === 200,
    });

    const { adminToken, ciToken } = await group.step('token', async () => {
      const session = await argoPost(server.url, '/api/v1/session', { username: 'admin', password: adminPassword });
      const ci = await argoPost(server.url, '/api/v1/account/ci/token', { name: 'ci' }, session.token);
      return { adminToken: session.token, ciToken: ci.token };
    });
    group.startup.total = Date.now() - began;

    return {
      ...cluster,
      url: server.url,
      ciToken,
      adminToken,
      argocdCli: bin('argocd'),
      startup: group.startup,
      rss: () => group.rss(),
      stop: () => group.stop(),
    };
  } catch (error) {
    await group.stop();
    throw error;
  }
}

/** Argo CD's CRDs, its base config maps, ours (config.ts), and the InferenceService CRD. */
async function applyArgoCdConfig(
  cluster: LoopbackCluster,
  build: string,
  home: string,
  adminPassword: string,
): Promise<void> {
  const bcrypt = execFileSync(join(build, 'bin', 'argocd'), ['account', 'bcrypt', '--password', adminPassword], {
    encoding: 'utf8',
  }).trim();
  const manifests = join(build, 'manifests');
  const config = join(home, 'argocd-config.yaml');
  writeFileSync(
    config,
    argoCdConfig({
      namespace: ARGOCD_NAMESPACE,
      adminPasswordBcrypt: bcrypt,
      serverSecretKey: randomBytes(24).toString('base64'),
      destination: { server: cluster.server, token: cluster.token, ca: cluster.ca },
    }),
  );
  cluster.kubectl('create', 'namespace', ARGOCD_NAMESPACE);
  cluster.kubectl('apply', '--server-side', '-f', join(manifests, 'crds'));
  await installInferenceServiceCrd(cluster, home);
  // Known hosts, TLS certs, GPG keys, cmd params as shipped; cm, rbac and secret are config.ts's.
  const ours = new Set(['argocd-cm.yaml', 'argocd-rbac-cm.yaml', 'argocd-secret.yaml', 'kustomization.yaml']);
  const base = readdirSync(join(manifests, 'config')).filter((file) => !ours.has(file));
  cluster.kubectl('apply', '-n', ARGOCD_NAMESPACE, ...base.flatMap((file) => ['-f', join(manifests, 'config', file)]));
  cluster.kubectl('apply', '-f', config);
}

async function argoPost(url: string, path: string, body: unknown, token?: string): Promise<{ token: string }> {
  const response = await fetch(`${url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(30_000),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`POST ${path}: HTTP ${response.status}: ${text.slice(0, 300)}`);
  return JSON.parse(text) as { token: string };
}
