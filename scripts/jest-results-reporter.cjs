// A jest reporter that writes the run's counts to <package>/.jest-results.json, so that
// scripts/test-summary.mjs can print one closing line for the whole monorepo.
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');

class ResultsReporter {
  constructor(globalConfig) {
    this.rootDir = globalConfig.rootDir;
  }

  onRunComplete(_contexts, results) {
    const counts = {
      passed: results.numPassedTests,
      failed: results.numFailedTests,
      skipped: results.numPendingTests + results.numTodoTests,
      failedSuites: results.numFailedTestSuites + results.numRuntimeErrorTestSuites,
    };
    writeFileSync(join(this.rootDir, '.jest-results.json'), JSON.stringify(counts) + '\n');
  }
}

module.exports = ResultsReporter;
