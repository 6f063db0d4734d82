import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { freePort, startService, type Service, type ServiceSpec } from '../helpers/service.js';
import { kubeconfig } from './config.js';
import { KubeClient } from './kube.js';
import { createClusterPki } from './pki.js';

/**
 * The real Argo CD tier runs unless MLOPS_REAL_ARGOCD=0 (test/stack/setup.sh then skips its
 * ~35 CPU-minute first build too, e.g. on a laptop).
 */
export const REAL_ARGOCD_ENABLED = process.env.MLOPS_REAL_ARGOCD !== '0';

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

/** A TCP connect succeeds: for peers that speak no HTTP (redis, git daemon, gRPC). */
export function tcpAnswers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port, timeout: 1000 });
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
    socket.once('timeout', () => (socket.destroy(), resolve(false)));
  });
}

/**
 * Processes started together and stopped together (in reverse order), with their folder: the
 * time each took from spawn to ready, and their resident memory.
 */
export class ProcessGroup {
  readonly home = mkdtempSync(join(tmpdir(), 'real-argocd-'));
  readonly startup: Record<string, number> = {};
  private readonly services: Service[] = [];

  async start(spec: ServiceSpec): Promise<Service> {
    const at = Date.now();
    const service = await startService({ startTimeoutMs: 120_000, ...spec });
    this.services.push(service);
    this.startup[spec.name] = Date.now() - at;
    return service;
  }

  /** Times a step that is not a process (certificates, config). */
  async step<T>(name: string, fn: () => T | Promise<T>): Promise<T> {
    const at = Date.now();
    const value = await fn();
    this.startup[name] = Date.now() - at;
    return value;
  }

  /** Resident memory in MiB per process, now. */
  rss(): Record<string, number> {
    return Object.fromEntries(this.services.map((service) => [service.name, rssMiB(service.pid)]));
  }

  async stop(): Promise<void> {
    for (const service of this.services.splice(0).reverse()) await service.stop();
    rmSync(this.home, { recursive: true, force: true });
  }
}

export interface LoopbackCluster {
  /** https://127.0.0.1:<port> */
  server: string;
  /** The static admin token (system:masters) and the CA, for clients and Argo CD's cluster secret. */
  token: string;
  ca: string;
  kube: KubeClient;
  kubeconfig: string;
  /** kubectl with this cluster's kubeconfig; returns stdout. */
  kubectl(...args: string[]): string;
}

/**
 * etcd and kube-apiserver on 127.0.0.1 ephemeral ports: a throw-away CA and serving certificate,
 * a static admin token, RBAC. The kubeconfig's namespace is `namespace`.
 */
export async function startLoopbackCluster(
  group: ProcessGroup,
  build: string,
  namespace: string,
): Promise<LoopbackCluster> {
  const { home } = group;
  const pki = await group.step('pki', () => {
    mkdirSync(join(home, 'pki'));
    return createClusterPki(join(home, 'pki'));
  });
  const ca = readFileSync(pki.caCert, 'utf8');
  const token = randomBytes(24).toString('hex');
  writeFileSync(join(home, 'tokens.csv'), `${token},admin,admin,system:masters\n`);

  const etcdPeer = await freePort();
  const etcd = await group.start({
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
  const apiserver = await group.start({
    name: 'kube-apiserver',
    command: join(build, 'bin', 'kube-apiserver'),
    args: (port) => {
      kube = new KubeClient(`https://127.0.0.1:${port}`, token, ca);
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
      ];
    },
    readyPath: '/readyz',
    probe: async () => (await kube!.request('GET', '/readyz').catch(() => ({ status: 0 }))).status === 200,
  });

  const server = `https://127.0.0.1:${apiserver.port}`;
  const kubeconfigPath = join(home, 'kubeconfig');
  writeFileSync(kubeconfigPath, kubeconfig(server, ca, token, namespace));
  return {
    server,
    token,
    ca,
    kube: kube!,
    kubeconfig: kubeconfigPath,
    kubectl: (...args) =>
      execFileSync('kubectl', ['--kubeconfig', kubeconfigPath, ...args], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
  };
}

/**
 * Waits until every CustomResourceDefinition is Established (kubectl 1.32's `wait` fails instead of
 * waiting when a fresh CRD has no conditions yet).
 */
export async function crdsEstablished(cluster: LoopbackCluster, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let pending: string[] = [];
  while (Date.now() < deadline) {
    const list = await cluster.kube.must<{
      items: { metadata: { name: string }; status?: { conditions?: { type: string; status: string }[] } }[];
    }>('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions');
    pending = list.items
      .filter((crd) => !crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True'))
      .map((crd) => crd.metadata.name);
    if (pending.length === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`CRDs not Established within ${timeoutMs} ms: ${pending.join(', ')}`);
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
