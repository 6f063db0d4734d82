import type { InstallCache } from '@mlops-actions/dvc';

/**
 * GitHub's cache service needs the runner's token and cache URL; outside a real runner (or in a
 * container job without them) only the tool cache is used.
 */
export function actionsCacheAvailable(env: NodeJS.ProcessEnv): boolean {
  return Boolean(env.ACTIONS_RUNTIME_TOKEN && (env.ACTIONS_CACHE_URL || env.ACTIONS_RESULTS_URL));
}

/** The DVC virtualenv saved and restored across jobs, at its own absolute path (venvs do not move). */
export function actionsInstallCache(): InstallCache {
  // Loaded only when used: the cache client is large and most steps never need it.
  const load = () => import('@actions/cache');
  return {
    async restore(dir, key) {
      const cache = await load();
      return (await cache.restoreCache([dir], key)) !== undefined;
    },
    async save(dir, key) {
      const cache = await load();
      try {
        await cache.saveCache([dir], key);
      } catch (error) {
        // Another job saved the same key first: that is the outcome we wanted.
        if (error instanceof cache.ReserveCacheError) return;
        throw error;
      }
    },
  };
}
