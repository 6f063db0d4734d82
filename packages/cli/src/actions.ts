import type { ActionMain, ActionSpec } from '@mlops-actions/action-kit/inputs';
import { main as bumpKserveImage } from '@mlops-actions/bump-kserve-image-action/main';
import { spec as bumpKserveImageSpec } from '@mlops-actions/bump-kserve-image-action/spec';
import { main as dvcPush } from '@mlops-actions/dvc-push-action/main';
import { spec as dvcPushSpec } from '@mlops-actions/dvc-push-action/spec';
import { main as kserveHealthCheck } from '@mlops-actions/kserve-health-check-action/main';
import { spec as kserveHealthCheckSpec } from '@mlops-actions/kserve-health-check-action/spec';
import { main as mlflowGateAndRegister } from '@mlops-actions/mlflow-gate-and-register-action/main';
import { spec as mlflowGateAndRegisterSpec } from '@mlops-actions/mlflow-gate-and-register-action/spec';
import { main as waitArgocdSync } from '@mlops-actions/wait-argocd-sync-action/main';
import { spec as waitArgocdSyncSpec } from '@mlops-actions/wait-argocd-sync-action/spec';

export interface CliAction {
  main: ActionMain;
  spec: ActionSpec;
}

/** Every action, by the folder name it has under actions/: the same main the GitHub bundle runs. */
export const ACTIONS: Record<string, CliAction> = {
  'bump-kserve-image': { main: bumpKserveImage, spec: bumpKserveImageSpec },
  'dvc-push': { main: (host) => dvcPush(host), spec: dvcPushSpec },
  'kserve-health-check': { main: kserveHealthCheck, spec: kserveHealthCheckSpec },
  'mlflow-gate-and-register': { main: mlflowGateAndRegister, spec: mlflowGateAndRegisterSpec },
  'wait-argocd-sync': { main: waitArgocdSync, spec: waitArgocdSyncSpec },
};
