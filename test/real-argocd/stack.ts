import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { freePort, startService, type Service } from '../helpers/service.js';
import { KubeClient } from './kube.js';
import { createClusterPki } from './pki.js';
import { argoCdConfig, INFERENCE_SERVICE_CRD, kubeconfig } from './config.js';

export const ARGOCD_NAMESPACE = 'argocd';

export interface RealArgoCdOptions {
  /** Argo CD's Git polling period in seconds (--app-resync). Default 180: only refreshes move things. */
  appResyncSeconds?: number;
}

export interface RealArgoCd {
  /** argocd-server, plain HTTP on loopback (--insecure). */
  url: string;
  /** API token of the `ci` account (get and sync applications, get projects). */
  token: string;
  /** A session token of `admin`. */
  adminToken: string;
  /** The kube-apiserver (https://127.0.0.1:<port>), also the applications' destination server. */
  apiserver: string;
  kube: KubeClient;
  /** Path of a kubeconfig for the admin token, namespace argocd. */
  kubeconfig: string;
  /** Path of the argocd CLI (the same multi-call binary). */
  argocdCli: string;
  /** Milliseconds from spawn to ready, per component, and in total. */
  startup: Record<string, number>;
  /** Resident memory in MiB of every process started, now. */
  rss(): Record<string, number>;
  /** kubectl with this cluster's kubeconfig; returns stdout. */
  kubectl(...args: string[]): string;
  stop(): Promise<void>;
}

/** The folder of the built binaries and manifests (test/stack/real-argocd/build.sh), or an error saying how to build. */
export function realArgoCdBuild(): string {
  try {
    return execFileSync(join(repoRoot, 'test', 'stack', 'real-argocd', 'build.sh'), ['--where'], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    }).trim();
  } catch {
    throw new Error('the real Argo CD tier is not built: run test/stack/real-argocd/build.sh (or test/stack/setup.sh)');
  }
}

/** A TCP connect succeeds: for peers that speak no HTTP (redis, git daemon). */
export function tcpAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 1000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/**
 * Starts, on 127.0.0.1 ephemeral ports: etcd → kube-apiserver (self-signed CA, static admin
 * token) → Argo CD's CRDs and config (see config.ts) → redis → argocd-repo-server →
 * argocd-application-controller → argocd-server (--insecure), then mints the `ci` API token.
 * Everything is stopped (and its folder removed) by stop(), or when a start fails.
 */
export async function startRealArgoCd(options: RealArgoCdOptions = {}): Promise<RealArgoCd> {
  const build = realArgoCdBuild();
  const bin = (name: string) => join(build, 'bin', name);
  const home = mkdtempSync(join(tmpdir(), 'real-argocd-'));
  const services: Service[] = [];
  const startup: Record<string, number> = {};
  const began = Date.now();
  const start = async (spec: Parameters<typeof startService>[0]): Promise<Service> => {
    const at = Date.now();
    const service = await startService({ startTimeoutMs: 120_000, ...spec });
    services.push(service);
    startup[spec.name] = Date.now() - at;
    return service;
  };
  const stop = async () => {
    for (const service of services.reverse()) await service.stop();
    rmSync(home, { recursive: true, force: true });
  };

  try {
    const pkiAt = Date.now();
    mkdirSync(join(home, 'pki'));
    const pki = createClusterPki(join(home, 'pki'));
    startup.pki = Date.now() - pkiAt;
    const ca = readFileSync(pki.caCert, 'utf8');
    const kubeToken = randomBytes(24).toString('hex');
    writeFileSync(join(home, 'tokens.csv'), `${kubeToken},admin,admin,system:masters\n`);

    const etcdPeer = await freePort();
    const etcd = await start({
      name: 'etcd',
      command: 'etcd',
      args: (port) =>
        [`--name=default`, `--data-dir=${join(home, 'etcd')}`, '--log-level=warn', '--logger=zap']
          .concat([`--listen-client-urls=http://127.0.0.1:${port}`, `--advertise-client-urls=http://127.0.0.1:${port}`])
          .concat([`--listen-peer-urls=http://127.0.0.1:${etcdPeer}`])
          .concat([`--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeer}`])
          .concat([`--initial-cluster=default=http://127.0.0.1:${etcdPeer}`]),
      readyPath: '/health',
      isReady: (status) => status === 200,
    });

    let kube: KubeClient | undefined;
    const apiserver = await start({
      name: 'kube-apiserver',
      command: bin('kube-apiserver'),
      args: (port) => {
        kube = new KubeClient(`https://127.0.0.1:${port}`, kubeToken, ca);
        return [
          `--etcd-servers=${etcd.url}`,
          '--bind-address=127.0.0.1',
          '--advertise-address=127.0.0.1',
          `--secure-port=${port}`,
          `--cert-dir=${join(home, 'apiserver')}`,
          `--tls-cert-file=${pki.serverCert}`,
          `--tls-private-key-file=${pki.serverKey}`,
          `--client-ca-file=${pki.caCert}`,
          `--token-auth-file=${join(home, 'tokens.csv')}`,
          '--authorization-mode=RBAC',
          `--service-account-key-file=${pki.serviceAccountPub}`,
          `--service-account-signing-key-file=${pki.serviceAccountKey}`,
          '--service-account-issuer=https://kubernetes.default.svc',
          '--service-cluster-ip-range=10.96.0.0/24',
          // A loopback address cannot be an Endpoints address.
          '--endpoint-reconciler-type=none',
          '--enable-priority-and-fairness=false',
          '--profiling=false',
          '-v=0',
        ];
      },
      readyPath: '/readyz',
      probe: async () => (await kube!.request('GET', '/readyz').catch(() => ({ status: 0 }))).status === 200,
    });
    const client = kube!;

    const kubeconfigPath = join(home, 'kubeconfig');
    writeFileSync(kubeconfigPath, kubeconfig(`https://127.0.0.1:${apiserver.port}`, ca, kubeToken, ARGOCD_NAMESPACE));
    const kubectl = (...args: string[]) =>
      execFileSync('kubectl', ['--kubeconfig', kubeconfigPath, ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      });

    const configAt = Date.now();
    const adminPassword = randomBytes(12).toString('hex');
    const bcrypt = execFileSync(bin('argocd'), ['account', 'bcrypt', '--password', adminPassword], {
      encoding: 'utf8',
    }).trim();
    const manifests = join(build, 'manifests');
    const manifest = join(home, 'argocd-config.yaml');
    writeFileSync(
      manifest,
      argoCdConfig({
        namespace: ARGOCD_NAMESPACE,
        adminPasswordBcrypt: bcrypt,
        serverSecretKey: randomBytes(24).toString('base64'),
        destination: { server: `https://127.0.0.1:${apiserver.port}`, token: kubeToken, ca },
      }),
    );
    writeFileSync(join(home, 'inferenceservice-crd.yaml'), INFERENCE_SERVICE_CRD);
    kubectl('create', 'namespace', ARGOCD_NAMESPACE);
    kubectl('apply', '--server-side', '-f', join(manifests, 'crds'), '-f', join(home, 'inferenceservice-crd.yaml'));
    kubectl('wait', '--for=condition=Established', 'crd', '--all', '--timeout=60s');
    // The base config maps Argo CD reads (known hosts, TLS certs, GPG keys, cmd params); cm, rbac
    // and secret come from argoCdConfig.
    const replaced = new Set(['argocd-cm.yaml', 'argocd-rbac-cm.yaml', 'argocd-secret.yaml', 'kustomization.yaml']);
    const base = readdirSync(join(manifests, 'config')).filter((file) => !replaced.has(file));
    kubectl('apply', '-n', ARGOCD_NAMESPACE, ...base.flatMap((file) => ['-f', join(manifests, 'config', file)]));
    kubectl('apply', '-f', manifest);
    startup.config = Date.now() - configAt;

    const env = {
      KUBECONFIG: kubeconfigPath,
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

    const redis = await start({
      name: 'redis',
      command: 'redis-server',
      args: (port) => ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      readyPath: '',
      probe: tcpAnswers,
    });
    const redisAddress = `127.0.0.1:${redis.port}`;
    const repoServerMetrics = await freePort();
    const repoServer = await start({
      name: 'argocd-repo-server',
      command: bin('argocd-repo-server'),
      args: (port) =>
        ['--port', String(port), '--address', '127.0.0.1', '--metrics-address', '127.0.0.1']
          .concat(['--metrics-port', String(repoServerMetrics), '--redis', redisAddress, '--loglevel', 'warn'])
          // --client-ca-path defaults to a file only a pod has; it conflicts with --disable-tls.
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
    await start({
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
    const server = await start({
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

    const tokenAt = Date.now();
    const adminToken = (await argoPost(server.url, '/api/v1/session', { username: 'admin', password: adminPassword }))
      .token;
    const token = (await argoPost(server.url, '/api/v1/account/ci/token', { name: 'ci' }, adminToken)).token;
    startup.token = Date.now() - tokenAt;
    startup.total = Date.now() - began;

    return {
      url: server.url,
      token,
      adminToken,
      apiserver: `https://127.0.0.1:${apiserver.port}`,
      kube: client,
      kubeconfig: kubeconfigPath,
      argocdCli: bin('argocd'),
      startup,
      rss: () => Object.fromEntries(services.map((service) => [service.name, rssMiB(service.pid)])),
      kubectl,
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
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

function rssMiB(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Math.round(Number(match[1]) / 1024) : 0;
  } catch {
    return 0;
  }
}
