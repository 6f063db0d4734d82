import type { Auth } from '@mlops-actions/action-kit/http';
import { InputError, type Inputs, type Logger } from '@mlops-actions/action-kit/inputs';
import type { MlflowConnection } from './flow.js';

/** The tracking server, its credentials (a token or basic auth, not both), TLS and the step's deadline. */
export function readMlflowConnection(inputs: Inputs, logger: Logger): MlflowConnection {
  const deadline = inputs.deadline('timeout', { min: 1000, max: 6 * 3_600_000 });
  const trackingUri = inputs.url('tracking-uri', { required: true });
  const token = inputs.secret('token');
  const password = inputs.secret('password');
  const username = inputs.string('username');
  if (token && (username || password)) {
    throw new InputError(
      "Inputs 'token' and 'username'/'password' cannot be used together: give a token or basic auth",
    );
  }
  if (Boolean(username) !== Boolean(password)) {
    throw new InputError("Inputs 'username' and 'password' go together: give both for basic auth, or neither");
  }
  const auth: Auth | undefined = token
    ? { type: 'bearer', token }
    : username && password
      ? { type: 'basic', username, password }
      : undefined;
  if (auth && trackingUri.protocol === 'http:' && !isLoopback(trackingUri.hostname)) {
    // Not an error (private networks do this), but the credential crosses the network in clear text.
    logger.warning(
      `tracking-uri is plain http: the MLflow credentials travel unencrypted to ${trackingUri.host}. Use https.`,
    );
  }
  return { deadline, trackingUri, auth, workspace: inputs.string('workspace'), tls: inputs.tls() };
}

function isLoopback(host: string): boolean {
  return host === 'localhost' || host === '[::1]' || host.startsWith('127.');
}
