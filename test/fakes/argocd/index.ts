import { ScriptedCluster, type ResourceSpec } from './cluster.js';
import { SimClock } from './clock.js';
import { ArgoCdController, type ControllerOptions } from './controller.js';
import { ScriptedGit } from './git.js';
import { ArgoCdApiServer, type ServerOptions, type TokenGrant } from './server.js';
import { scaled } from '../../helpers/timeouts.js';

export { ScriptedCluster, type ClusterState, type LiveResource, type RolloutPlan } from './cluster.js';
export { SimClock } from './clock.js';
export { ArgoCdController, type AppRecord, type AppSpec } from './controller.js';
export { ScriptedGit, type GitSource } from './git.js';
export { ArgoCdApiServer, gatewayError, render, type Faults, type RecordedRequest } from './server.js';

export const GITOPS_REPO = 'https://github.com/acme/gitops.git';

/** JWT-shaped tokens (Argo CD reads a bearer header only when it parses as a JWT). */
export const TOKENS = {
  ci: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJjaSJ9.c2lnbmF0dXJlLWNp',
  readOnly: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJyZWFkZXIifQ.c2lnbmF0dXJlLXJv',
  otherProject: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvdGhlciJ9.c2lnbmF0dXJlLW90',
  revoked: 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJvbGQifQ.cmV2b2tlZA',
} as const;

export const GITHUB_TOKEN = 'ghs_simulatedGitHubToken000000000000';

const DEFAULT_GRANTS: Record<string, TokenGrant> = {
  [TOKENS.ci]: { username: 'ci', policies: ['*/get', '*/sync'] },
  [TOKENS.readOnly]: { username: 'reader', policies: ['*/get'] },
  [TOKENS.otherProject]: { username: 'other', policies: ['other/get', 'other/sync'] },
};

export const MODEL_RESOURCES: ResourceSpec[] = [
  { group: 'serving.kserve.io', version: 'v1beta1', kind: 'InferenceService', namespace: 'models', name: 'iris' },
  { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'models', name: 'iris-config' },
];

export interface SimulatorOptions extends ControllerOptions, Partial<Omit<ServerOptions, 'github'>> {
  /** Simulated ms per real ms. Default 1; 0 stops simulated time except for clock.advance(). */
  scale?: number;
  /** Real ms between controller passes. Default 5. */
  tickMs?: number;
  resources?: ResourceSpec[];
}

export interface ArgoCdSimulator {
  url: string;
  /** Base URL of the GitHub compare route (pass as GITHUB_API_URL). */
  githubUrl: string;
  clock: SimClock;
  git: ScriptedGit;
  cluster: ScriptedCluster;
  controller: ArgoCdController;
  server: ArgoCdApiServer;
  /**
   * An app named `name`, deployed, Synced and Healthy at a fresh commit of the GitOps repo:
   * the state just before a pipeline pushes.
   */
  deployedApp(name: string, spec?: Partial<import('./controller.js').AppSpec>): { sha: string };
  /** A commit on main of the GitOps repo; Argo CD sees it only after a refresh or a poll. */
  push(options?: { manifests?: string }): string;
  /**
   * Resolves once the controller has completed a whole pass that started after this call: a barrier
   * to prove that something did NOT happen (the pass saw every change made before it).
   */
  nextPass(): Promise<void>;
  /**
   * Resolves once `condition` holds, checked after each controller pass; fails naming `what` when it
   * does not within `timeoutMs` (default scaled(10 s), for work of a few simulated seconds at most).
   */
  until(what: string, condition: () => boolean, timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/** Starts the simulator on an ephemeral 127.0.0.1 port, its controller ticking in real time. */
export async function startArgoCdSimulator(options: SimulatorOptions = {}): Promise<ArgoCdSimulator> {
  const clock = new SimClock(options.scale ?? 1);
  const git = new ScriptedGit();
  const cluster = new ScriptedCluster(options.resources ?? MODEL_RESOURCES);
  const controller = new ArgoCdController(git, cluster, clock, options);
  const server = new ArgoCdApiServer(controller, {
    tokens: options.tokens ?? DEFAULT_GRANTS,
    appNamespaces: options.appNamespaces ?? ['team-a'],
    keepAliveMs: options.keepAliveMs,
    refreshDeadlineMs: options.refreshDeadlineMs,
    version: options.version,
    tls: options.tls,
    github: { git, token: GITHUB_TOKEN },
  });
  const url = await server.listen();
  let passDone: Array<() => void> = [];
  const ticker = setInterval(() => {
    const waiting = passDone;
    passDone = [];
    controller.tick();
    for (const resolve of waiting) resolve();
  }, options.tickMs ?? 5);
  const nextPass = () => new Promise<void>((resolve) => passDone.push(resolve));
  return {
    url,
    githubUrl: `${url}/api/v3`,
    clock,
    git,
    cluster,
    controller,
    server,
    deployedApp(name, spec = {}) {
      const sha = git.head(GITOPS_REPO) ?? git.push(GITOPS_REPO);
      const record = controller.addApp({
        name,
        project: 'models',
        source: { repoURL: GITOPS_REPO, path: `apps/${name}`, targetRevision: 'main' },
        automated: true,
        ...spec,
      });
      controller.seedDeployed(record);
      return { sha };
    },
    push: (pushOptions = {}) => git.push(GITOPS_REPO, pushOptions),
    nextPass,
    async until(what, condition, timeoutMs = scaled(10_000)) {
      const deadline = Date.now() + timeoutMs;
      while (!condition()) {
        if (Date.now() > deadline) throw new Error(`simulator: ${what} did not happen within ${timeoutMs} ms`);
        await nextPass();
      }
    },
    async stop() {
      clearInterval(ticker);
      await server.close();
    },
  };
}
