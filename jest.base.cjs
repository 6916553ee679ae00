// Shared jest set-up for every package: TypeScript through @swc/jest, workspace packages
// resolved to their sources (no build needed to test), and tfjs-core's ES-module files
// (its gradient and chained-op registrations) compiled too, since its CommonJS bundle lacks them.
const path = require('node:path');

const root = __dirname;
const packages = ['tensor', 'cells', 'models', 'training', 'datasets', 'testkit'];

const swc = [
  require.resolve('@swc/jest'),
  {
    jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
    module: { type: 'commonjs' },
  },
];

module.exports = (packageDir) => ({
  rootDir: packageDir,
  testEnvironment: 'node',
  // tfjs keeps its engine on globalThis; jest 30's clean-up of globals between files would break it
  testEnvironmentOptions: { globalsCleanup: 'off' },
  testMatch: ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts'],
  transform: { '^.+\\.(t|j|mj)s$': swc },
  // compile only tfjs-core's ES-module tree; its CommonJS bundles and everything else load as they are
  transformIgnorePatterns: ['/node_modules/(?!(\\.pnpm/@tensorflow\\+tfjs-core[^/]*/node_modules/)?@tensorflow/tfjs-core/dist/(?!tf-core))'],
  moduleNameMapper: Object.fromEntries(
    packages.map((name) => [`^@rnnkit/${name}$`, path.join(root, 'packages', name, 'src', 'index.ts')]),
  ),
  testTimeout: 60_000,
  reporters: ['default', path.join(root, 'scripts', 'jest-results-reporter.cjs')],
});
