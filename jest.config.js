/**
 * Jest runs TypeScript through SWC; tests talk to real Redis, PostgreSQL and devnet.
 * Two projects: everything on the embedded SQLite default, and the inbound and pipeline suites
 * again on PostgreSQL, the production database.
 */
const base = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2022' } }] },
  setupFiles: ['<rootDir>/test/setup-env.js'],
  modulePathIgnorePatterns: ['<rootDir>/gen/', '<rootDir>/chaincode/dist/'],
};

module.exports = {
  testTimeout: 60000,
  projects: [
    {
      ...base,
      displayName: 'sqlite',
      testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/mappings/**/*.test.ts'],
    },
    {
      ...base,
      displayName: 'postgres',
      testMatch: [
        '<rootDir>/test/inbound/idoc-xml.test.ts',
        '<rootDir>/test/inbound/idoc-formats.test.ts',
        '<rootDir>/test/pipeline/ledger-pipeline.test.ts',
        '<rootDir>/test/inbound/shpmnt-idoc.test.ts',
        '<rootDir>/test/inbound/customs-idoc.test.ts',
        '<rootDir>/test/pipeline/customs-pipeline.test.ts',
        '<rootDir>/test/finance/finance-service.test.ts',
        '<rootDir>/test/sap-outbound/ledger-to-sap.test.ts',
      ],
      setupFiles: [...base.setupFiles, '<rootDir>/test/setup-postgres.js'],
      setupFilesAfterEnv: ['<rootDir>/test/teardown-postgres.js'],
    },
  ],
};
