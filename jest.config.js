/**
 * Three suites: unit specs next to the code, integration specs that boot real Nest modules
 * against real NATS and MongoDB-wire servers (apps/<app>/test, libs/<lib>/test), and
 * end-to-end specs that run the whole system as the README starts it (e2e/).
 */
const transform = {
  '^.+\\.ts$': [
    '@swc/jest',
    {
      swcrc: false,
      sourceMaps: 'inline',
      module: { type: 'commonjs' },
      jsc: {
        target: 'es2022',
        parser: { syntax: 'typescript', decorators: true },
        transform: { legacyDecorator: true, decoratorMetadata: true, useDefineForClassFields: false },
        keepClassNames: true,
      },
    },
  ],
};

const shared = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform,
  moduleFileExtensions: ['ts', 'js', 'json'],
  moduleNameMapper: {
    // Secondary entry points (`@wirehook/nats/client`) are libs/<lib>/src/<entry>.ts, as in tsconfig.base.json.
    '^@wirehook/([a-z-]+)/([a-z-]+)$': '<rootDir>/libs/$1/src/$2.ts',
    '^@wirehook/(.*)$': '<rootDir>/libs/$1/src/index.ts',
  },
  setupFiles: ['reflect-metadata'],
  // Build output: tests run it as processes, never as modules (dist/publisher repeats libs/publisher's package name).
  modulePathIgnorePatterns: ['<rootDir>/dist/'],
};

module.exports = {
  // Integration and end-to-end tests start real servers and whole processes.
  testTimeout: 180_000,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/*/src/**/*.spec.ts', '<rootDir>/tools/**/*.spec.ts'] },
    { ...shared, displayName: 'integration', testMatch: ['<rootDir>/{apps,libs}/*/test/**/*.int-spec.ts'] },
    { ...shared, displayName: 'e2e', testMatch: ['<rootDir>/e2e/**/*.e2e-spec.ts'] },
    // Kills and outages under load (npm run test:faults, the last step of npm test); one at a time.
    { ...shared, displayName: 'faults', testMatch: ['<rootDir>/e2e/faults/**/*.faults-spec.ts'] },
    // Query plans on a real MongoDB (npm run test:mongo-plans, MONGODB_URI); skipped without one.
    { ...shared, displayName: 'mongo-plans', testMatch: ['<rootDir>/libs/*/test/plans/**/*.plans-spec.ts'] },
  ],
};
