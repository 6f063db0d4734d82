const SENSITIVE_QUERY =
  /^(x-amz-.*|.*token.*|.*secret.*|.*password.*|.*passwd.*|.*key|sig|signature|code|auth.*|credential.*)$/i;
const REDACTED = '***';

/** The URL with user:password@ removed and sensitive query values replaced, safe for any log. */
export function redactUrl(input: string | URL): string {
  let url: URL;
  try {
    url = new URL(String(input));
  } catch {
    return redactUrlsInText(String(input));
  }
  url.username = '';
  url.password = '';
  for (const name of [...url.searchParams.keys()]) {
    if (SENSITIVE_QUERY.test(name)) url.searchParams.set(name, REDACTED);
  }
  return url.toString().replace(/%2A%2A%2A/g, REDACTED);
}

/** Removes userinfo from every URL in a text, and every known secret value. */
export function redactText(text: string, secrets: readonly (string | undefined)[] = []): string {
  let result = redactUrlsInText(text);
  for (const secret of secrets) {
    if (secret && secret.length >= 3) result = result.split(secret).join(REDACTED);
  }
  return result;
}

function redactUrlsInText(text: string): string {
  return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)[^/\s:@]*(?::[^/\s@]*)?@/gi, '$1');
}

const SENSITIVE_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie', 'x-api-key']);

export function redactHeaders(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      SENSITIVE_HEADERS.has(name.toLowerCase()) ? REDACTED : value,
    ]),
  );
}
