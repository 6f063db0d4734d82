const SENSITIVE_QUERY =
  /^(x-amz-.*|.*token.*|.*secret.*|.*password.*|.*passwd.*|.*key|sig|signature|code|auth.*|credential.*)$/i;
const REDACTED = '***';
/** Shorter values are too likely to be ordinary text, and too short to be worth stealing. */
const MIN_SECRET_LENGTH = 3;

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

/**
 * A function that removes userinfo from every URL in a text and every form in which a server or
 * proxy could echo one of `secrets` back: as sent, URL- or form-encoded, JSON- or HTML-escaped,
 * base64 (standard and URL-safe), in any letter case.
 */
export function redactor(secrets: readonly (string | undefined)[]): (text: string) => string {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (!secret || secret.length < MIN_SECRET_LENGTH) continue;
    for (const form of secretForms(secret)) if (form.length >= MIN_SECRET_LENGTH) forms.add(form);
  }
  // Longest first, so a secret is replaced whole before a shorter one inside it.
  const alternatives = [...forms].sort((a, b) => b.length - a.length).map(escapeRegExp);
  const pattern = alternatives.length ? new RegExp(alternatives.join('|'), 'gi') : undefined;
  return (text) => {
    const withoutUserinfo = redactUrlsInText(text);
    return pattern ? withoutUserinfo.replace(pattern, REDACTED) : withoutUserinfo;
  };
}

/** Removes userinfo from every URL in a text, and every known secret value in every form (see redactor). */
export function redactText(text: string, secrets: readonly (string | undefined)[] = []): string {
  return redactor(secrets)(text);
}

function secretForms(secret: string): string[] {
  const base64 = Buffer.from(secret, 'utf8').toString('base64');
  return [
    secret,
    encodeURIComponent(secret),
    encodeURI(secret),
    new URLSearchParams({ s: secret }).toString().slice(2),
    JSON.stringify(secret).slice(1, -1),
    secret.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;'),
    base64,
    base64.replace(/=+$/, ''),
    base64.replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, ''),
  ];
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
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
