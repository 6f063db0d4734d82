import { stringify } from 'yaml';

/** The `ci` account's rights: what wait-argocd-sync needs, nothing more. */
export const CI_POLICY = [
  'p, role:ci, applications, get, */*, allow',
  'p, role:ci, applications, sync, */*, allow',
  'p, role:ci, projects, get, *, allow',
  'g, ci, role:ci',
].join('\n');

/**
 * Health of a KServe InferenceService as Argo CD reports it: Degraded when KServe says the model
 * failed to load (modelStatus.transitionStatus), Healthy when the Ready condition is True,
 * Progressing otherwise (with the Ready condition's message).
 */
export const INFERENCE_SERVICE_HEALTH = `
local hs = { status = "Progressing", message = "Waiting for the InferenceService to report status" }
if obj.status == nil then return hs end
local model = obj.status.modelStatus
if model ~= nil and (model.transitionStatus == "BlockedByFailedLoad" or model.transitionStatus == "InvalidSpec") then
  hs.status = "Degraded"
  hs.message = model.transitionStatus
  if model.lastFailureInfo ~= nil and model.lastFailureInfo.message ~= nil then hs.message = model.lastFailureInfo.message end
  return hs
end
if obj.status.conditions ~= nil then
  for _, condition in ipairs(obj.status.conditions) do
    if condition.type == "Ready" then
      if condition.status == "True" then
        hs.status = "Healthy"
        hs.message = "InferenceService is Ready"
      elseif condition.message ~= nil then
        hs.message = condition.message
      end
    end
  end
end
return hs
`.trimStart();

/** A minimal InferenceService CRD: any spec, and the status subresource a controller writes. */
export const INFERENCE_SERVICE_CRD = stringify({
  apiVersion: 'apiextensions.k8s.io/v1',
  kind: 'CustomResourceDefinition',
  metadata: { name: 'inferenceservices.serving.kserve.io' },
  spec: {
    group: 'serving.kserve.io',
    scope: 'Namespaced',
    names: {
      plural: 'inferenceservices',
      singular: 'inferenceservice',
      kind: 'InferenceService',
      shortNames: ['isvc'],
    },
    versions: [
      {
        name: 'v1beta1',
        served: true,
        storage: true,
        subresources: { status: {} },
        schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } },
      },
    ],
  },
});

export function kubeconfig(server: string, ca: string, token: string, namespace: string): string {
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'loopback', cluster: { server, 'certificate-authority-data': base64(ca) } }],
    users: [{ name: 'admin', user: { token } }],
    contexts: [{ name: 'loopback', context: { cluster: 'loopback', user: 'admin', namespace } }],
    'current-context': 'loopback',
  });
}

export interface ArgoCdConfigOptions {
  namespace: string;
  adminPasswordBcrypt: string;
  serverSecretKey: string;
  /** The cluster applications deploy to: the local apiserver (kubernetes.default.svc does not resolve here). */
  destination: { server: string; token: string; ca: string };
}

/** argocd-cm, argocd-rbac-cm, argocd-secret, the destination cluster secret and the `models` project. */
export function argoCdConfig(options: ArgoCdConfigOptions): string {
  const { namespace } = options;
  const documents = [
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'argocd-cm', namespace, labels: { 'app.kubernetes.io/part-of': 'argocd' } },
      data: {
        'accounts.ci': 'apiKey',
        'admin.enabled': 'true',
        'cluster.inClusterEnabled': 'false',
        'resource.customizations.health.serving.kserve.io_InferenceService': INFERENCE_SERVICE_HEALTH,
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'argocd-rbac-cm', namespace, labels: { 'app.kubernetes.io/part-of': 'argocd' } },
      data: { 'policy.csv': CI_POLICY, 'policy.default': '' },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'argocd-secret', namespace, labels: { 'app.kubernetes.io/part-of': 'argocd' } },
      stringData: {
        'admin.password': options.adminPasswordBcrypt,
        'admin.passwordMtime': new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
        'server.secretkey': options.serverSecretKey,
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'cluster-loopback', namespace, labels: { 'argocd.argoproj.io/secret-type': 'cluster' } },
      stringData: {
        name: 'loopback',
        server: options.destination.server,
        config: JSON.stringify({
          bearerToken: options.destination.token,
          tlsClientConfig: { caData: base64(options.destination.ca) },
        }),
      },
    },
    {
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'AppProject',
      metadata: { name: 'models', namespace },
      spec: {
        sourceRepos: ['*'],
        destinations: [{ server: options.destination.server, namespace: '*' }],
        clusterResourceWhitelist: [{ group: '*', kind: '*' }],
      },
    },
  ];
  return documents.map((document) => stringify(document)).join('---\n');
}

function base64(text: string): string {
  return Buffer.from(text).toString('base64');
}
