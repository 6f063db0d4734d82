export { releaseNotes } from './changelog.js';
export { planMajorTag } from './major-tag.js';
export type { MajorTagFacts, MajorTagPlan } from './major-tag.js';
export { publishRelease } from './publish.js';
export type { PublishOptions, PublishResult } from './publish.js';
export { ReleaseRepo } from './refs.js';
export type { CompareStatus, Release } from './refs.js';
export { compareVersions, highestVersion, parseVersion, requireVersion } from './version.js';
export type { Version } from './version.js';
