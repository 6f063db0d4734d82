// GitHub OIDC token -> STS AssumeRoleWithWebIdentity (moto at AWS_ENDPOINT_URL) -> GITHUB_ENV.
import { appendFileSync } from 'node:fs';

const { ACTIONS_ID_TOKEN_REQUEST_URL: tokenUrl, ACTIONS_ID_TOKEN_REQUEST_TOKEN: requestToken } = process.env;
const { AWS_ENDPOINT_URL: sts, ROLE: role, REGION: region, GITHUB_ENV: envFile, GITHUB_OUTPUT: outFile } = process.env;
const fail = (message) => {
  console.log(`::error::${message}`);
  process.exit(1);
};
if (!tokenUrl || !requestToken) fail('no OIDC token endpoint: the job needs permissions id-token: write');
if (!sts) fail('AWS_ENDPOINT_URL (the local STS) is not set');
const deadline = AbortSignal.timeout(30_000);
const tokenResponse = await fetch(`${tokenUrl}&audience=sts.amazonaws.com`, {
  headers: { authorization: `bearer ${requestToken}` },
  signal: deadline,
});
if (!tokenResponse.ok) fail(`the OIDC token endpoint answered ${tokenResponse.status}`);
const { value: token } = await tokenResponse.json();
console.log(`::add-mask::${token}`);
const form = new URLSearchParams({
  Action: 'AssumeRoleWithWebIdentity',
  Version: '2011-06-15',
  RoleArn: role,
  RoleSessionName: 'GitHubActions',
  WebIdentityToken: token,
  DurationSeconds: '3600',
});
const answer = await fetch(sts, { method: 'POST', body: form, signal: deadline });
const xml = await answer.text();
if (!answer.ok) fail(`STS AssumeRoleWithWebIdentity answered ${answer.status}`);
const field = (name) => new RegExp(`<${name}>([^<]+)</${name}>`).exec(xml)?.[1] ?? fail(`STS answered without ${name}`);
const credentials = {
  AWS_ACCESS_KEY_ID: field('AccessKeyId'),
  AWS_SECRET_ACCESS_KEY: field('SecretAccessKey'),
  AWS_SESSION_TOKEN: field('SessionToken'),
};
for (const secret of [credentials.AWS_SECRET_ACCESS_KEY, credentials.AWS_SESSION_TOKEN])
  console.log(`::add-mask::${secret}`);
const account = /^arn:aws:iam::(\d{12}):/.exec(role)?.[1] ?? '';
appendFileSync(
  envFile,
  Object.entries({ ...credentials, AWS_REGION: region, AWS_DEFAULT_REGION: region })
    .map(([key, value]) => `${key}=${value}\n`)
    .join(''),
);
appendFileSync(outFile, `aws-account-id=${account}\n`);
console.log(`assumed ${role.replace(/\d{12}/, '***')} through OIDC`);
