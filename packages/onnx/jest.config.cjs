// The shared set-up, run in a node environment that shares the host's typed arrays with
// onnxruntime-node (jest-environment.cjs says why).
const path = require('node:path');

module.exports = { ...require('../../jest.base.cjs')(__dirname), testEnvironment: path.join(__dirname, 'jest-environment.cjs') };
