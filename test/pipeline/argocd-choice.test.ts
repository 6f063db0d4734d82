// Which Argo CD scripts/pipeline.sh deploys through, and what its first lines say about it.
import { describe, expect, it } from '@jest/globals';
import { chooseArgoCd, UsageError } from './argocd-choice.js';

const built = () => '/cache/real-argocd/k8s-v1.37.2-argocd-v3.6.2';
const notBuilt = () => {
  throw new Error('the real Argo CD tier is not built');
};

describe('chooseArgoCd', () => {
  it('takes the real Argo CD by default when its tier is built, and says how to get the simulator', () => {
    const choice = chooseArgoCd(undefined, built);
    expect(choice.tier).toBe('real');
    expect(choice.banner[0]).toMatch(/^Argo CD: real \(.*\/cache\/real-argocd\/k8s-v1\.37\.2-argocd-v3\.6\.2/);
    expect(choice.banner[1]).toBe('For the simulator instead: ./scripts/pipeline.sh --argocd simulator');
  });

  it('falls back to the simulator when the tier is not built, and says how to build and use the real one', () => {
    const choice = chooseArgoCd(undefined, notBuilt);
    expect(choice.tier).toBe('simulator');
    expect(choice.banner[0]).toMatch(
      /^Argo CD: simulator .*because the real Argo CD tier is not built on this machine\.$/,
    );
    expect(choice.banner[1]).toMatch(
      /build it with test\/stack\/real-argocd\/build\.sh .*then \.\/scripts\/pipeline\.sh --argocd real$/,
    );
  });

  it('uses the simulator when asked, even with the real one built', () => {
    const choice = chooseArgoCd('simulator', built);
    expect(choice.tier).toBe('simulator');
    expect(choice.banner).toEqual([
      'Argo CD: simulator (test/fakes/argocd, with the model served as KServe would).',
      'For the real Argo CD instead: ./scripts/pipeline.sh --argocd real',
    ]);
  });

  it('refuses --argocd real when the tier is not built, rather than start an hour-long build', () => {
    expect(() => chooseArgoCd('real', notBuilt)).toThrow(UsageError);
    expect(() => chooseArgoCd('real', notBuilt)).toThrow(
      /^--argocd real: the real Argo CD tier is not built on this machine; build it with test\/stack\/real-argocd\/build\.sh .*or run with --argocd simulator$/,
    );
  });

  it('names the accepted values of a bad --argocd', () => {
    expect(() => chooseArgoCd('kind', built)).toThrow('--argocd must be real or simulator, got kind');
  });
});
