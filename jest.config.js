/** One jest for the whole monorepo, in native ESM mode (the @actions toolkit is ESM-only). */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json', diagnostics: { ignoreCodes: ['TS151001'] } }],
  },
  testMatch: [
    '<rootDir>/{actions,packages}/*/__tests__/**/*.test.ts',
    '<rootDir>/test/**/*.test.ts',
    '<rootDir>/scripts/__tests__/**/*.test.ts',
  ],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  setupFiles: ['<rootDir>/test/helpers/setup-env.ts'],
  collectCoverageFrom: ['{actions,packages}/*/src/**/*.ts', '!actions/*/src/index.ts'],
  coverageReporters: ['text-summary', 'json-summary', 'lcov'],
  testTimeout: 60_000,
  clearMocks: true,
};
