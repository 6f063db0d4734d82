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
export function createDispatcher(tls: TlsOptions, logger: Logger, what: string): Dispatcher {
  const connect: Record<string, unknown> = {};
  if (tls.caCert) connect.ca = [...rootCertificates, tls.caCert];
  if (tls.insecure) {
    connect.rejectUnauthorized = false;
    logger.warning(
      `TLS certificate verification is off for ${what}: anyone on the network path can read and change this traffic. ` +
        'Pass the server CA as ca-cert instead.',
    );
  }
  return new EnvHttpProxyAgent({ connect, requestTls: connect });
}
