/** Jest runs TypeScript through SWC; tests talk to real Redis, PostgreSQL and devnet. */
module.exports = {
  testEnvironment: 'node',
  transform: { '^.+\\.ts$': ['@swc/jest', { jsc: { parser: { syntax: 'typescript', decorators: true }, target: 'es2022' } }] },
  testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/mappings/**/*.test.ts'],
  setupFiles: ['<rootDir>/test/setup-env.js'],
  modulePathIgnorePatterns: ['<rootDir>/gen/', '<rootDir>/chaincode/dist/'],
  testTimeout: 60000,
};
