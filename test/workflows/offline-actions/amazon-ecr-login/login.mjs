// ECR GetAuthorizationToken on moto (AWS_ENDPOINT_URL) with the job's credentials -> registry output.
// moto routes a request by the service in its Authorization header and does not check signatures,
// so the header names the caller's access key and the ecr service without signing.
import { appendFileSync } from 'node:fs';

const {
  AWS_ENDPOINT_URL: endpoint,
  AWS_ACCESS_KEY_ID: accessKey,
  AWS_REGION: region,
  GITHUB_OUTPUT: outFile,
} = process.env;
const fail = (message) => {
  console.log(`::error::${message}`);
  process.exit(1);
};
if (!accessKey) fail('Credentials could not be loaded: run aws-actions/configure-aws-credentials first');
if (!endpoint || !region) fail('AWS_ENDPOINT_URL (the local moto) and AWS_REGION must be set');
const date = new Date().toISOString().slice(0, 10).replaceAll('-', '');
const answer = await fetch(endpoint, {
  method: 'POST',
  headers: {
    'content-type': 'application/x-amz-json-1.1',
    'x-amz-target': 'AmazonEC2ContainerRegistry_V20150921.GetAuthorizationToken',
    authorization: `AWS4-HMAC-SHA256 Credential=${accessKey}/${date}/${region}/ecr/aws4_request, SignedHeaders=host, Signature=0`,
    ...(process.env.AWS_SESSION_TOKEN ? { 'x-amz-security-token': process.env.AWS_SESSION_TOKEN } : {}),
  },
  body: '{}',
  signal: AbortSignal.timeout(30_000),
});
if (!answer.ok) fail(`ECR GetAuthorizationToken answered ${answer.status}`);
const [data] = (await answer.json()).authorizationData ?? [];
if (!data?.proxyEndpoint) fail('ECR GetAuthorizationToken answered without proxyEndpoint');
console.log(`::add-mask::${data.authorizationToken}`);
const registry = new URL(data.proxyEndpoint).host;
appendFileSync(outFile, `registry=${registry}\n`);
console.log(`logged in to ${registry}`);
