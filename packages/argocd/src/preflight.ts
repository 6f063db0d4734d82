import type { Logger } from '@mlops-actions/action-kit/logger';
import type { ArgoCdClient } from './client.js';
import { ArgoCdError } from './errors.js';
import type { AppRef, Application } from './types.js';

export interface PreflightResult {
  version?: string;
  username?: string;
  app: Application;
}

/** A failure the user can act on; its message is the whole story. */
export class PreflightError extends Error {
  override name = 'PreflightError';
}

const TOKEN_REJECTED =
  'Argo CD rejected the token: it is invalid, expired or revoked. Create a new API token (an account with the apiKey ' +
  'capability, or a project role token) and store it in the secret passed as `token`.';

/**
 * Server version, the token, then the application itself: each problem is named before the
 * wait starts. A 403 on the application without `project` is ambiguous by design in Argo CD.
 */
export async function preflight(client: ArgoCdClient, app: AppRef, logger: Logger): Promise<PreflightResult> {
  let version: string | undefined;
  try {
    version = (await client.version()).Version;
  } catch (error) {
    throw unreachable(client, error);
  }
  logger.info(`Argo CD ${version ?? '(version not reported)'} at ${client.server.origin}`);

  let user: { loggedIn?: boolean; username?: string };
  try {
    user = await client.userInfo();
  } catch (error) {
    if (error instanceof ArgoCdError && error.unauthenticated) throw new PreflightError(TOKEN_REJECTED);
    throw unreachable(client, error);
  }
  // The session service answers without authentication: a bad token is loggedIn=false, not a 401.
  if (!user.loggedIn) throw new PreflightError(TOKEN_REJECTED);
  logger.info(`Authenticated as ${user.username ?? '(unnamed)'}`);

  try {
    return { version, username: user.username, app: await client.getApplication(app) };
  } catch (error) {
    throw explainAppError(error, app);
  }
}

export function explainAppError(error: unknown, app: AppRef): Error {
  if (!(error instanceof ArgoCdError)) return error instanceof Error ? error : new Error(String(error));
  const where = app.appNamespace ? ` in namespace ${app.appNamespace}` : '';
  if (error.unauthenticated) return new PreflightError(TOKEN_REJECTED);
  if (error.permissionDenied) {
    if (!app.project) {
      return new PreflightError(
        `Argo CD answered "permission denied" for application ${app.name}${where}: either it does not exist or the token may not read it ` +
          '(Argo CD hides which). Check the name and app-namespace, and the token\'s "applications, get" permission; pass `project` to get a clear "not found" for a missing application.',
      );
    }
    return new PreflightError(
      `The token may not read application ${app.name}${where} in project ${app.project}: grant "applications, get, ${app.project}/${app.name}" to its account or project role.`,
    );
  }
  if (error.notFound) {
    return new PreflightError(
      `Application ${app.name} was not found${where}${app.project ? ` in project ${app.project}` : ''}. Check the application, app-namespace and project inputs.`,
    );
  }
  return error;
}

function unreachable(client: ArgoCdClient, error: unknown): Error {
  if (error instanceof ArgoCdError && error.unauthenticated) return new PreflightError(TOKEN_REJECTED);
  const reason = error instanceof Error ? error.message : String(error);
  return new PreflightError(
    `Cannot talk to the Argo CD API at ${client.server.origin}: ${reason}. Check the server URL (the API server, not a proxy in front of it that rewrites paths), the network path and the CA (ca-cert).`,
  );
}
