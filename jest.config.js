/** Jest: TypeScript through ts-jest (transpile only; `npm run typecheck` does the type check). */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': ['ts-jest', { diagnostics: false, tsconfig: { isolatedModules: true } }] },
  maxWorkers: 2,
  testTimeout: 60000,
};
