import { runAction } from '@mlops-actions/action-kit';
import { actionsCacheAvailable, actionsInstallCache } from './install-cache.js';
import { main } from './main.js';
import { spec } from './spec.generated.js';

// Only the action can reach GitHub's cache service: main, which the CLI also runs, is given it here.
const actionsCache = actionsCacheAvailable(process.env) ? actionsInstallCache : undefined;
await runAction((host) => main(host, process.env, actionsCache), spec);
