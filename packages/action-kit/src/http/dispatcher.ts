import { rootCertificates } from 'node:tls';
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';
import type { Logger } from '../logger.js';

export interface TlsOptions {
  /** Extra CA certificates (PEM), trusted in addition to the system roots. */
  caCert?: string;
  /** Skip certificate verification; allowed, but always warned about. */
  insecure?: boolean;
}

/**
 * One dispatcher for every request of a client: HTTPS_PROXY / HTTP_PROXY / NO_PROXY from the
 * environment, plus the TLS options applied to direct and tunnelled connections alike.
 */
export function createDispatcher(
  tls: TlsOptions,
  logger: Logger,
  what: string,
  options: { hostHeader?: string } = {},
): Dispatcher {
  const connect: Record<string, unknown> = {};
  if (tls.caCert) connect.ca = [...rootCertificates, tls.caCert];
  if (tls.insecure) {
    connect.rejectUnauthorized = false;
    logger.warning(
      `TLS certificate verification is off for ${what}: anyone on the network path can read and change this traffic. ` +
        'Pass the server CA as ca-cert instead.',
    );
  }
  const agent = new EnvHttpProxyAgent({ connect, requestTls: connect });
  return options.hostHeader ? agent.compose(hostHeaderInterceptor(options.hostHeader)) : agent;
}

/**
 * fetch() replaces any Host header with the URL's host; gateway routing (Istio, Knative) needs
 * another one, so it is set below fetch, on the request the dispatcher sends.
 */
function hostHeaderInterceptor(host: string): Dispatcher.DispatcherComposeInterceptor {
  return (dispatch) => (request, handler) => {
    const headers: string[] = [];
    const given = request.headers;
    if (Array.isArray(given)) {
      for (let i = 0; i + 1 < given.length; i += 2) {
        if (String(given[i]).toLowerCase() !== 'host') headers.push(String(given[i]), String(given[i + 1]));
      }
    } else if (given && typeof given === 'object') {
      for (const [name, value] of Object.entries(given as Record<string, unknown>)) {
        if (name.toLowerCase() !== 'host' && value !== undefined) headers.push(name, String(value));
      }
    }
    headers.push('host', host);
    return dispatch({ ...request, headers }, handler);
  };
}
