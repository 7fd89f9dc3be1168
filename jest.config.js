// Unit tests sit beside the code; integration tests live under test/ and use the real broker and database.
const swc = [
  '@swc/jest',
  {
    module: { type: 'es6' },
    jsc: {
      target: 'es2023',
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
      keepClassNames: true,
    },
  },
];

const shared = {
  extensionsToTreatAsEsm: ['.ts'],
  transform: { '^.+\\.ts$': swc },
  moduleNameMapper: {
    '^@hub/contracts$': '<rootDir>/contracts/src/index.ts',
    '^@hub/common$': '<rootDir>/libs/common/src/index.ts',
    '^@hub/database$': '<rootDir>/libs/database/src/index.ts',
    '^@hub/messaging$': '<rootDir>/libs/messaging/src/index.ts',
    '^@hub/policy$': '<rootDir>/libs/policy/src/index.ts',
    '^@hub/agreements$': '<rootDir>/libs/agreements/src/index.ts',
    '^@hub/audit$': '<rootDir>/libs/audit/src/index.ts',
    '^@hub/registers$': '<rootDir>/libs/registers/src/index.ts',
    '^@hub/adapter-kit$': '<rootDir>/libs/adapter-kit/src/index.ts',
    '^@hub/http$': '<rootDir>/libs/http/src/index.ts',
    '^@contracts/(.*)$': '<rootDir>/contracts/src/$1',
    '^@hub/observability$': '<rootDir>/libs/observability/src/index.ts',
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testEnvironment: 'node',
};

export default {
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs,contracts}/**/*.spec.ts'] },
    {
      ...shared,
      displayName: 'integration',
      testMatch: ['<rootDir>/test/**/*.spec.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/chaos/', '<rootDir>/test/cluster/'],
    },
    {
      // kills and restarts its own PostgreSQL and RabbitMQ (test/chaos/support/private-services.ts): `npm run test:chaos`
      ...shared,
      displayName: 'chaos',
      testMatch: ['<rootDir>/test/chaos/**/*.spec.ts'],
      globalSetup: '<rootDir>/test/chaos/support/private-services.ts',
      globalTeardown: '<rootDir>/test/chaos/support/global-teardown.ts',
    },
    {
      // a three-node RabbitMQ cluster and a PostgreSQL primary with a standby of its own, started and torn down by
      // the spec (test/cluster/support/cluster-services.ts): `npm run test:cluster`, and part of `npm run test:chaos`
      ...shared,
      displayName: 'cluster',
      testMatch: ['<rootDir>/test/cluster/**/*.spec.ts'],
    },
  ],
};
