export { HttpClient, joinUrl, realClock } from './client.js';
export type {
  Auth,
  Clock,
  FetchLike,
  HttpClientOptions,
  HttpResponse,
  RequestOptions,
  SendOnceOptions,
} from './client.js';
export { DEFAULT_RETRY, backoffDelay, parseRetryAfter } from './backoff.js';
export type { RetryPolicy } from './backoff.js';
export { HttpError, isRetryableStatus, clipBody, MAX_ERROR_BODY } from './errors.js';
export type { HttpErrorDetails } from './errors.js';
export { redactHeaders, redactText, redactUrl, redactor } from './redact.js';
export { Deadline } from './deadline.js';
export { createDispatcher } from './dispatcher.js';
export type { TlsOptions } from './dispatcher.js';
