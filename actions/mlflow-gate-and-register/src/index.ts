import { runAction } from '@mlops-actions/action-kit';
import { main } from './main.js';
import { spec } from './spec.generated.js';

await runAction(main, spec);
