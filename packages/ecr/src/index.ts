export { EcrError, describeLocation, ecrLocation, type EcrLocation } from './location.js';
export { explainEcrError } from './errors.js';
export { INDEX_MEDIA_TYPES, resolveImage, type ChildManifest, type EcrSend, type ResolvedImage } from './resolve.js';
export { SEVERITIES, ScanGateError, formatCounts, scanGate, type ScanGateOptions, type ScanReport, type Severity } from './scan.js';
export { ECRClient } from '@aws-sdk/client-ecr';
