/**
 * One jest for the whole monorepo, in native ESM mode (the @actions toolkit is ESM-only), in two projects:
 * `unit` (everything else) and `e2e` (files named *.e2e.test.ts: a real runner, a real Argo CD, the
 * pipeline, anything starting several servers). Both run by default; pick one with `--selectProjects`.
 */
const testMatch = (suffix) => [
  `<rootDir>/{actions,packages}/*/__tests__/**/*${suffix}`,
  `<rootDir>/test/**/*${suffix}`,
  `<rootDir>/scripts/__tests__/**/*${suffix}`,
];
const shared = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: ['TS151001'] } }],
  },
  setupFiles: ['<rootDir>/test/helpers/setup-env.ts'],
  // the default deadline (60 s × MLOPS_TEST_TIMEOUT_FACTOR) and the teardown of abandoned start-ups
  setupFilesAfterEnv: ['<rootDir>/test/helpers/jest-setup.ts'],
  clearMocks: true,
};
const ignored = ['/node_modules/', '/dist/'];

export default {
  projects: [
    {
      ...shared,
      displayName: 'unit',
      testMatch: testMatch('.test.ts'),
      testPathIgnorePatterns: [...ignored, '\\.e2e\\.test\\.ts$'],
    },
    { ...shared, displayName: 'e2e', testMatch: testMatch('.e2e.test.ts'), testPathIgnorePatterns: ignored },
  ],
  globalSetup: '<rootDir>/test/helpers/jest-global-setup.mjs',
  globalTeardown: '<rootDir>/test/helpers/jest-global-teardown.mjs',
  collectCoverageFrom: ['{actions,packages}/*/src/**/*.ts', '!actions/*/src/index.ts'],
  coverageReporters: ['text-summary', 'json-summary', 'lcov'],
};
