import { runAction } from '@mlops-actions/action-kit';
import { main } from './main.js';

await runAction(() => main());
