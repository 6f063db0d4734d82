export { EcrError, describeLocation, ecrLocation, type EcrLocation } from './location.js';
export { explainEcrError } from './errors.js';
export { INDEX_MEDIA_TYPES, resolveImage, type ChildManifest, type EcrSend, type ResolvedImage } from './resolve.js';
export { ScanGateError, formatCounts, scanGate, type ScanGateOptions, type ScanReport } from './scan.js';
export { SEVERITIES, type Severity } from './severity.js';
export { ECRClient } from '@aws-sdk/client-ecr';
