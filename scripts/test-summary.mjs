// Prints one closing line for all packages' jest runs: "tests: N passed, N failed, N skipped".
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const total = { passed: 0, failed: 0, skipped: 0, failedSuites: 0 };
for (const group of ['packages', 'apps']) {
  for (const member of readdirSync(group)) {
    const file = join(group, member, '.jest-results.json');
    if (!existsSync(file)) continue;
    const counts = JSON.parse(readFileSync(file, 'utf8'));
    for (const key of Object.keys(total)) total[key] += counts[key] ?? 0;
  }
}
if (total.failedSuites > 0) console.log(`${total.failedSuites} test suite(s) failed to run`);
console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
