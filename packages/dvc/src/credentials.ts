import { remoteSection, type RepoConfig } from './config.js';

/** Config keys that hold a secret, per DVC's remote schemas. */
const SECRET_KEYS = new Set([
  'access_key_id',
  'secret_access_key',
  'session_token',
  'sse_customer_key',
  'password',
  'key',
  'connection_string',
  'account_key',
  'sas_token',
  'client_secret',
  'gdrive_client_secret',
  'token',
  'passphrase',
]);
/** Keys that pin a credential source in place of the environment's chain. */
const STATIC_KEYS: Record<string, string[]> = {
  s3: ['access_key_id', 'secret_access_key', 'session_token', 'profile', 'credentialpath'],
  gs: ['credentialpath'],
  azure: ['connection_string', 'account_key', 'sas_token', 'client_secret'],
};
/** Environment variables through which CI hands over (often short-lived, OIDC) credentials. */
const ENV_CREDENTIALS: Record<string, string[]> = {
  s3: ['AWS_ACCESS_KEY_ID', 'AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_PROFILE'],
  gs: ['GOOGLE_APPLICATION_CREDENTIALS', 'CLOUDSDK_AUTH_ACCESS_TOKEN_FILE'],
  azure: ['AZURE_STORAGE_CONNECTION_STRING', 'AZURE_CLIENT_ID', 'AZURE_FEDERATED_TOKEN_FILE'],
};
const SCHEME_FAMILY: Record<string, string> = { s3: 's3', gs: 'gs', gcs: 'gs', azure: 'azure', az: 'azure' };

/** Every secret value in the DVC config, so they can be masked before anything prints. */
export function configSecrets(config: RepoConfig): string[] {
  const secrets = new Set<string>();
  for (const layer of [config.project, config.local]) {
    for (const values of Object.values(layer)) {
      for (const [key, value] of Object.entries(values)) if (SECRET_KEYS.has(key) && value) secrets.add(value);
    }
  }
  return [...secrets];
}

/**
 * Warnings about static credentials in .dvc/config*: they silently win over the environment's
 * credentials (e.g. OIDC from configure-aws-credentials), and in the committed config they are
 * a leaked secret.
 */
export function staticCredentialWarnings(
  config: RepoConfig,
  remote: { name: string; scheme: string },
  env: NodeJS.ProcessEnv,
): string[] {
  const family = SCHEME_FAMILY[remote.scheme];
  if (!family) return [];
  const section = remoteSection(remote.name);
  const warnings: string[] = [];
  const envNames = ENV_CREDENTIALS[family]!.filter((name) => env[name]);
  for (const [file, layer] of [
    ['.dvc/config', config.project],
    ['.dvc/config.local', config.local],
  ] as const) {
    const keys = STATIC_KEYS[family]!.filter((key) => layer[section]?.[key]);
    if (keys.length === 0) continue;
    const where = `${file} sets ${keys.map((key) => `remote.${remote.name}.${key}`).join(', ')}`;
    if (envNames.length) {
      warnings.push(
        `${where}, which DVC uses instead of the credentials in the environment (${envNames.join(', ')}): remove ${keys.length > 1 ? 'them' : 'it'} to use the environment's credentials`,
      );
    }
    if (file === '.dvc/config' && keys.some((key) => SECRET_KEYS.has(key))) {
      warnings.push(`${where}: a secret is committed to the repository; rotate it and move it to CI secrets`);
    }
  }
  return warnings;
}
