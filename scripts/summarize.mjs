// Adds up the JSON reports of vitest and Playwright into one closing line: "N passed, N failed".
// A report named after a given one counts too: vitest-firefox.json beside vitest.json is the
// Firefox journey's (npm run test:firefox, which runs after the build, in the same `npm test`).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

const files = process.argv.slice(2).map((f) => path.resolve(f));
for (const given of [...files]) {
  const dir = path.dirname(given);
  const stem = path.basename(given, '.json');
  if (!existsSync(dir)) continue;
  for (const name of readdirSync(dir).sort()) {
    const file = path.join(dir, name);
    if (name.startsWith(`${stem}-`) && name.endsWith('.json') && !files.includes(file)) files.push(file);
  }
}

let passed = 0;
let failed = 0;
let skipped = 0;
for (const file of files) {
  if (!existsSync(file)) {
    console.error(`missing report ${file}`);
    failed += 1;
    continue;
  }
  const report = JSON.parse(readFileSync(file, 'utf8'));
  if ('numPassedTests' in report) {
    passed += report.numPassedTests;
    // A file that failed outside any test (an import, a beforeAll) has no failed test: count it once.
    failed += report.numFailedTests
      + (report.testResults ?? []).filter((f) => f.status === 'failed' && !f.assertionResults?.some((a) => a.status === 'failed')).length;
    skipped += report.numPendingTests + (report.numTodoTests ?? 0);
  } else if (report.stats) {
    passed += report.stats.expected + report.stats.flaky;
    failed += report.stats.unexpected;
    skipped += report.stats.skipped;
  }
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed || passed === 0 ? 1 : 0);
