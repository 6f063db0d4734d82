import { realArgoCdBuild } from '../real-argocd/cluster.js';
import type { ArgoCdTier } from '../workflows/real-argocd.js';

export interface ArgoCdChoice {
  tier: ArgoCdTier;
  /** One line for the report: which Argo CD, and where it comes from. */
  description: string;
  /** The first lines of the output: which one is used, and how to get the other. */
  banner: string[];
}

const BUILD = 'test/stack/real-argocd/build.sh (once; it takes long, see docs/real-argocd.md)';

/**
 * The Argo CD the pipeline deploys through: `asked` when given, else the real one when its tier is
 * built on this machine and the simulator otherwise. Asking for the real one when it is not built
 * is an error: building it takes an hour, which a pipeline run must not start unannounced.
 */
export function chooseArgoCd(asked: string | undefined, build: () => string = realArgoCdBuild): ArgoCdChoice {
  if (asked !== undefined && asked !== 'real' && asked !== 'simulator')
    throw new UsageError(`--argocd must be real or simulator, got ${asked}`);
  let built: string | undefined;
  try {
    built = build();
  } catch {
    built = undefined;
  }
  const tier: ArgoCdTier = (asked as ArgoCdTier | undefined) ?? (built ? 'real' : 'simulator');
  if (tier === 'real') {
    if (!built)
      throw new UsageError(
        `--argocd real: the real Argo CD tier is not built on this machine; build it with ${BUILD}, or run with --argocd simulator`,
      );
    const description = `real (argocd-server, repo-server, application-controller, kube-apiserver from ${built}; KServe controller stand-in)`;
    return {
      tier,
      description,
      banner: [`Argo CD: ${description}.`, 'For the simulator instead: ./scripts/pipeline.sh --argocd simulator'],
    };
  }
  const description = 'simulator (test/fakes/argocd, with the model served as KServe would)';
  return {
    tier,
    description,
    banner: [
      `Argo CD: ${description}${asked ? '' : ', because the real Argo CD tier is not built on this machine'}.`,
      built
        ? 'For the real Argo CD instead: ./scripts/pipeline.sh --argocd real'
        : `For the real Argo CD instead: build it with ${BUILD}, then ./scripts/pipeline.sh --argocd real`,
    ],
  };
}

/** A bad command line: reported in one line, exit code 2, before anything starts. */
export class UsageError extends Error {}
