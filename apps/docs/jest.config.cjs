// The doc-example test: the shared set-up, two example programs at a time (the machine has two cores).
module.exports = { ...require('../../jest.base.cjs')(__dirname), maxConcurrency: 2, testTimeout: 600_000 };
