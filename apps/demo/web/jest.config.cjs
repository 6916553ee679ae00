// Unit tests of the page's tensor code (web/src/**/*.test.ts), run in Node like every package's tests.
module.exports = require('../../../jest.base.cjs')(__dirname);
