/** ECR finding severities a gate can be set at, most severe first (no AWS SDK import, so cheap to load). */
export const SEVERITIES = ['CRITICAL', 'HIGH', 'MEDIUM', 'LOW'] as const;
export type Severity = (typeof SEVERITIES)[number];
