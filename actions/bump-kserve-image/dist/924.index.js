export const id = 924;
export const ids = [924];
export const modules = {

/***/ 1924:
/***/ ((__unused_webpack_module, __webpack_exports__, __webpack_require__) => {


// EXPORTS
__webpack_require__.d(__webpack_exports__, {
  ECRClient: () => (/* reexport */ dist_cjs/* ECRClient */.S70),
  ecrLocation: () => (/* reexport */ ecrLocation),
  formatCounts: () => (/* reexport */ formatCounts),
  resolveImage: () => (/* reexport */ resolveImage),
  scanGate: () => (/* reexport */ scanGate)
});

// UNUSED EXPORTS: EcrError, INDEX_MEDIA_TYPES, SEVERITIES, ScanGateError, describeLocation, explainEcrError

;// CONCATENATED MODULE: ../../packages/ecr/src/location.ts
const ECR_HOST = /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;
class EcrError extends Error {
    name = 'EcrError';
}
/** `<account>.dkr.ecr.<region>.amazonaws.com/<repo>[:tag][@digest]` → its parts; anything else is refused. */
function ecrLocation(image) {
    const match = ECR_HOST.exec(image.registry ?? '');
    if (!match) {
        throw new EcrError(`verify-image: ecr needs an Amazon ECR image (<account>.dkr.ecr.<region>.amazonaws.com/<repository>), not ${image.registry ?? 'an image without a registry'}`);
    }
    if (!image.tag && !image.digest)
        throw new EcrError(`the ECR image ${image.path} needs a tag or a digest to be verified`);
    return { registryId: match[1], region: match[2], repositoryName: image.path, tag: image.tag, digest: image.digest };
}
function describeLocation(location) {
    return `${location.registryId}.dkr.ecr.${location.region}.amazonaws.com/${location.repositoryName}${location.tag ? `:${location.tag}` : ''}${location.digest ? `@${location.digest}` : ''}`;
}

;// CONCATENATED MODULE: ../../packages/ecr/src/errors.ts

const IAM_ACTIONS = {
    DescribeImages: 'ecr:DescribeImages',
    BatchGetImage: 'ecr:BatchGetImage',
    DescribeImageScanFindings: 'ecr:DescribeImageScanFindings',
};
/** An SDK error turned into what happened, what it means and what to do. */
function explainEcrError(error, operation, location) {
    const name = error.name ?? 'Error';
    const message = error.message ?? String(error);
    const where = describeLocation(location);
    switch (name) {
        case 'ImageNotFoundException':
            return new EcrError(`${where} is not in Amazon ECR (ImageNotFoundException): push the image first, or check the tag`);
        case 'RepositoryNotFoundException':
            return new EcrError(`repository ${location.repositoryName} does not exist in registry ${location.registryId} (${location.region}): check the image name and the account`);
        case 'AccessDeniedException':
        case 'UnrecognizedClientException':
        case 'ExpiredTokenException':
        case 'CredentialsProviderError':
            return new EcrError(`${operation} on ${where} was refused (${name}: ${message}): the AWS credentials need ${IAM_ACTIONS[operation] ?? `ecr:${operation}`} on this repository (configure them before this step, e.g. with OIDC)`);
        default:
            return new EcrError(`${operation} on ${where} failed (${name}: ${message})`);
    }
}

// EXTERNAL MODULE: ../../node_modules/.pnpm/@aws-sdk+client-ecr@3.1169.0/node_modules/@aws-sdk/client-ecr/dist-cjs/index.js
var dist_cjs = __webpack_require__(8613);
;// CONCATENATED MODULE: ../../packages/ecr/src/resolve.ts



const INDEX_MEDIA_TYPES = [
    'application/vnd.oci.image.index.v1+json',
    'application/vnd.docker.distribution.manifest.list.v2+json',
];
const MANIFEST_MEDIA_TYPES = [
    'application/vnd.oci.image.manifest.v1+json',
    'application/vnd.docker.distribution.manifest.v2+json',
];
/**
 * Proves the image exists and resolves its digest. For an image index (multi-arch, or buildx
 * attestations), reads the index with every manifest media type accepted (so ECR converts
 * nothing) and lists its child manifests.
 */
async function resolveImage(client, location) {
    const imageId = location.digest ? { imageDigest: location.digest } : { imageTag: location.tag };
    let detail;
    try {
        const described = await client.send(new dist_cjs/* DescribeImagesCommand */.ji5({
            registryId: location.registryId,
            repositoryName: location.repositoryName,
            imageIds: [imageId],
        }));
        detail = described.imageDetails?.[0];
    }
    catch (error) {
        throw explainEcrError(error, 'DescribeImages', location);
    }
    if (!detail?.imageDigest)
        throw new EcrError(`${describeLocation(location)} is not in Amazon ECR: push the image first`);
    const tags = detail.imageTags ?? [];
    if (location.digest && location.tag && !tags.includes(location.tag)) {
        throw new EcrError(`${describeLocation(location)}: tag ${location.tag} does not point at ${location.digest} (its tags: ${tags.join(', ') || 'none'})`);
    }
    const mediaType = detail.imageManifestMediaType;
    const isIndex = mediaType !== undefined && INDEX_MEDIA_TYPES.includes(mediaType);
    const resolved = { location, digest: detail.imageDigest, mediaType, isIndex, children: [], tags };
    if (isIndex)
        resolved.children = await readIndex(client, location, detail.imageDigest);
    return resolved;
}
async function readIndex(client, location, digest) {
    let result;
    try {
        result = await client.send(new dist_cjs/* BatchGetImageCommand */.P8n({
            registryId: location.registryId,
            repositoryName: location.repositoryName,
            imageIds: [{ imageDigest: digest }],
            acceptedMediaTypes: [...INDEX_MEDIA_TYPES, ...MANIFEST_MEDIA_TYPES],
        }));
    }
    catch (error) {
        throw explainEcrError(error, 'BatchGetImage', location);
    }
    const failure = result.failures?.[0];
    if (failure)
        throw new EcrError(`reading the index ${digest} failed: ${failure.failureCode}: ${failure.failureReason}`);
    const manifest = result.images?.[0]?.imageManifest;
    if (!manifest)
        throw new EcrError(`ECR returned no manifest for the index ${digest}`);
    const parsed = JSON.parse(manifest);
    return (parsed.manifests ?? []).map((child) => {
        const platform = child.platform?.os
            ? [child.platform.os, child.platform.architecture, child.platform.variant].filter(Boolean).join('/')
            : undefined;
        return {
            digest: child.digest,
            mediaType: child.mediaType,
            platform,
            attestation: child.annotations?.['vnd.docker.reference.type'] === 'attestation-manifest' || platform === 'unknown/unknown',
        };
    });
}

// EXTERNAL MODULE: ../../packages/action-kit/src/parse.ts
var parse = __webpack_require__(1541);
// EXTERNAL MODULE: ../../packages/action-kit/src/http/index.ts + 5 modules
var http = __webpack_require__(4485);
// EXTERNAL MODULE: ../../packages/action-kit/src/logger.ts
var src_logger = __webpack_require__(372);
// EXTERNAL MODULE: ../../packages/ecr/src/severity.ts
var severity = __webpack_require__(5596);
;// CONCATENATED MODULE: ../../packages/ecr/src/scan.ts







class ScanGateError extends EcrError {
    reports;
    name = 'ScanGateError';
    constructor(message, reports = []) {
        super(message);
        this.reports = reports;
    }
}
const WAITING = new Set(['IN_PROGRESS', 'PENDING']);
const DONE = new Set(['COMPLETE', 'ACTIVE']);
/**
 * Fails when a scan of the image has findings at or above `maxSeverity`. An index is judged by
 * its runnable child manifests (basic scanning cannot scan an index). A scan in progress is waited
 * for in a bounded loop (not the SDK waiter, which retries on every error and never accepts
 * ACTIVE); a missing scan is an error that says how to get one.
 */
async function scanGate(client, image, options) {
    const clock = options.clock ?? http/* realClock */.dQ;
    const timeoutMs = options.timeoutMs ?? 600_000;
    const deadline = clock.now() + timeoutMs;
    const targets = image.isIndex
        ? image.children
            .filter((child) => !child.attestation)
            .map((child) => ({ digest: child.digest, platform: child.platform }))
        : [{ digest: image.digest, platform: undefined }];
    if (targets.length === 0)
        throw new ScanGateError(`the index ${image.digest} has no runnable manifest to scan`);
    const reports = [];
    for (const target of targets) {
        reports.push(await waitForScan(client, image, target, deadline, timeoutMs, clock, options));
    }
    const limit = severity/* SEVERITIES */.o.indexOf(options.maxSeverity);
    const blocking = reports.filter((report) => severity/* SEVERITIES */.o.slice(0, limit + 1).some((severity) => (report.counts[severity] ?? 0) > 0));
    if (blocking.length > 0) {
        const where = blocking
            .map((r) => `${r.platform ? `${r.platform} ` : ''}${r.digest.slice(0, 19)}: ${formatCounts(r.counts)}`)
            .join('; ');
        throw new ScanGateError(`the ECR scan of ${describeLocation(image.location)} has findings at or above ${options.maxSeverity} (${where}): fix them and push a new image, or raise max-severity`, reports);
    }
    return reports;
}
async function waitForScan(client, image, target, deadline, timeoutMs, clock, options) {
    const logger = options.logger ?? src_logger/* silentLogger */.qq;
    const intervalMs = options.intervalMs ?? 10_000;
    const { location } = image;
    const label = `${location.repositoryName}@${target.digest}${target.platform ? ` (${target.platform})` : ''}`;
    for (;;) {
        let result;
        try {
            result = await client.send(new dist_cjs/* DescribeImageScanFindingsCommand */.TQ0({
                registryId: location.registryId,
                repositoryName: location.repositoryName,
                imageId: { imageDigest: target.digest },
            }));
        }
        catch (error) {
            if (error.name === 'ScanNotFoundException') {
                throw new ScanGateError(`no ECR scan exists for ${label}: turn on scan on push for the repository (or enhanced scanning for the registry), or run "aws ecr start-image-scan --repository-name ${location.repositoryName} --image-id imageDigest=${target.digest}", then re-run`);
            }
            throw explainEcrError(error, 'DescribeImageScanFindings', { ...location, digest: target.digest, tag: undefined });
        }
        const status = result.imageScanStatus?.status ?? 'UNKNOWN';
        if (DONE.has(status)) {
            return {
                digest: target.digest,
                platform: target.platform,
                status,
                counts: await countFindings(client, image, target.digest, result),
            };
        }
        if (!WAITING.has(status)) {
            throw new ScanGateError(`the ECR scan of ${label} is ${status}${result.imageScanStatus?.description ? ` (${result.imageScanStatus.description})` : ''}: the gate cannot judge this image`);
        }
        if (clock.now() + intervalMs > deadline) {
            throw new ScanGateError(`the ECR scan of ${label} is still ${status} after ${(0,parse/* formatDuration */.a3)(timeoutMs)}: re-run once it completes`);
        }
        logger.info(`ECR scan of ${label} is ${status}; checking again in ${(0,parse/* formatDuration */.a3)(intervalMs)}`);
        await clock.sleep(intervalMs);
    }
}
/** The summary counts; enhanced scans without them are counted from their findings (a few pages at most). */
async function countFindings(client, image, digest, first) {
    const summary = first.imageScanFindings?.findingSeverityCounts;
    if (summary && Object.keys(summary).length > 0)
        return { ...summary };
    const counts = {};
    let page = first;
    for (let pages = 0; page && pages < 20; pages++) {
        for (const finding of [
            ...(page.imageScanFindings?.enhancedFindings ?? []),
            ...(page.imageScanFindings?.findings ?? []),
        ]) {
            if ('status' in finding && finding.status && finding.status !== 'ACTIVE')
                continue;
            const severity = finding.severity ?? 'UNDEFINED';
            counts[severity] = (counts[severity] ?? 0) + 1;
        }
        if (!page.nextToken)
            break;
        page = await client.send(new dist_cjs/* DescribeImageScanFindingsCommand */.TQ0({
            registryId: image.location.registryId,
            repositoryName: image.location.repositoryName,
            imageId: { imageDigest: digest },
            nextToken: page.nextToken,
        }));
    }
    return counts;
}
function formatCounts(counts) {
    const entries = Object.entries(counts).filter(([, n]) => n > 0);
    return entries.length ? entries.map(([severity, n]) => `${severity} ${n}`).join(', ') : 'no findings';
}

;// CONCATENATED MODULE: ../../packages/ecr/src/index.ts








/***/ })

};
