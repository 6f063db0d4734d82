import { Markdown, actionInputs, coreLogger, setOutputs, writeSummary, type Logger } from '@mlops-actions/action-kit';
import {
  MlflowError,
  MlflowRest,
  Registry,
  gateAndRegister,
  gateReport,
  metricsOutput,
  modelUri,
  promote,
  promoteReport,
  type GateAndRegisterResult,
} from '@mlops-actions/mlflow';
import { readConfig, type Config } from './config.js';

export async function main(): Promise<void> {
  const logger = coreLogger;
  const config = readConfig(actionInputs(), logger);
  const rest = new MlflowRest({
    deadline: config.deadline,
    trackingUri: config.trackingUri,
    auth: config.auth,
    workspace: config.workspace,
    tls: config.tls,
    logger,
  });
  const deps = { rest, registry: new Registry(rest), logger };
  try {
    if (config.mode === 'promote') await runPromote(deps, config);
    else await runGate(deps, config, logger);
  } catch (error) {
    if (error instanceof MlflowError) {
      await writeSummary(
        new Markdown()
          .heading(`MLflow ${config.mode}: error for ${config.modelName}`)
          .paragraph(error.message)
          .toString(),
        logger,
      );
    }
    throw error;
  } finally {
    logger.info(`${rest.calls} MLflow REST calls`);
    await rest.close();
  }
}

type Deps = { rest: MlflowRest; registry: Registry; logger: Logger };

async function runGate(deps: Deps, config: Extract<Config, { mode: 'gate' | 'gate-and-register' }>, logger: Logger) {
  const register = config.mode === 'gate-and-register';
  const result = await gateAndRegister(deps, {
    modelName: config.modelName,
    candidate: config.candidate,
    loggedModelName: config.loggedModelName,
    rules: config.rules,
    championAlias: config.championAlias,
    onNoChampion: config.onNoChampion,
    register,
    aliases: config.aliases,
    tags: config.tags,
    provenance: provenance(),
    waitTimeoutMs: config.waitTimeoutMs,
  });
  const report = gateReport(config.modelName, result, { register });
  const registration = result.registration;
  setOutputs({
    passed: result.passed,
    version: registration?.version,
    'model-uri': registration && modelUri(config.modelName, registration.version),
    'run-id': result.run.id,
    'model-id': result.model?.modelId,
    'champion-version': result.champion?.version,
    'previous-version': registration?.aliases[0]?.previous,
    metrics: metricsOutput(result.gate),
    report,
  });
  logger.info(report);
  await writeSummary(report, logger);
  if (!result.passed) {
    const message = gateFailure(result);
    if (config.failOnGateFailure) throw new Error(message);
    logger.warning(`${message} (fail-on-gate-failure is false: the step succeeds with passed=false)`);
  }
}

async function runPromote(deps: Deps, config: Extract<Config, { mode: 'promote' }>) {
  const result = await promote(deps, { modelName: config.modelName, to: config.to, from: config.from });
  const report = promoteReport(config.modelName, config.to, result);
  setOutputs({
    passed: true,
    version: result.version,
    'model-uri': modelUri(config.modelName, result.version),
    'run-id': result.runId,
    'model-id': result.modelId,
    'champion-version': result.version,
    'previous-version': result.previousVersion,
    metrics: {},
    report,
  });
  await writeSummary(report, deps.logger);
}

/** One line per failing rule, so the step's error says why without opening the summary. */
function gateFailure(result: GateAndRegisterResult): string {
  const failures = result.gate.checks
    .filter((check) => check.verdict === 'fail')
    .map((check) => `${check.metric} ${check.rule}: ${check.reason}`);
  return `The MLflow gate failed for run ${result.run.id}: ${failures.join('; ')}. Nothing was registered; the job summary has the full table.`;
}

function provenance(env: NodeJS.ProcessEnv = process.env): { gitCommit?: string; workflowRunUrl?: string } {
  const { GITHUB_SHA, GITHUB_SERVER_URL, GITHUB_REPOSITORY, GITHUB_RUN_ID, GITHUB_RUN_ATTEMPT } = env;
  const workflowRunUrl =
    GITHUB_SERVER_URL && GITHUB_REPOSITORY && GITHUB_RUN_ID
      ? `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}${GITHUB_RUN_ATTEMPT ? `/attempts/${GITHUB_RUN_ATTEMPT}` : ''}`
      : undefined;
  return { gitCommit: GITHUB_SHA || undefined, workflowRunUrl };
}
