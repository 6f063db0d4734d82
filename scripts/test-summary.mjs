#!/usr/bin/env node
// Prints the counts of every runner and the closing "N passed, N failed" line CI reads.
//   node scripts/test-summary.mjs RESULTS_DIR CHECKS_PASSED [FAILED_CHECK...]
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const [dir, checksPassedArg, ...failedChecks] = process.argv.slice(2);
let passed = Number(checksPassedArg);
let failed = failedChecks.length;
let skipped = 0;
const lines = [`checks: ${passed} passed, ${failed} failed${failed ? ` (${failedChecks.join(', ')})` : ''}`];

const jestFile = join(dir, 'jest.json');
if (existsSync(jestFile)) {
  const jest = JSON.parse(readFileSync(jestFile, 'utf8'));
  // a suite that failed to load has no test results; count it as one failure
  const brokenSuites = jest.testResults.filter(
    (suite) => suite.status === 'failed' && suite.assertionResults.length === 0,
  ).length;
  passed += jest.numPassedTests;
  failed += jest.numFailedTests + brokenSuites;
  skipped += jest.numPendingTests + jest.numTodoTests;
  lines.push(
    `jest: ${jest.numPassedTests} passed, ${jest.numFailedTests + brokenSuites} failed, ${jest.numPendingTests} skipped`,
  );
} else {
  failed += 1;
  lines.push('jest: no results (it did not run to the end)');
}

const pytestFile = join(dir, 'pytest.xml');
if (existsSync(pytestFile)) {
  const xml = readFileSync(pytestFile, 'utf8');
  const attr = (name) =>
    [...xml.matchAll(new RegExp(`<testsuite [^>]*\\b${name}="(\\d+)"`, 'g'))].reduce((sum, m) => sum + Number(m[1]), 0);
  const total = attr('tests');
  const bad = attr('failures') + attr('errors');
  const skip = attr('skipped');
  passed += total - bad - skip;
  failed += bad;
  skipped += skip;
  lines.push(`pytest: ${total - bad - skip} passed, ${bad} failed, ${skip} skipped`);
}

console.log(lines.join('\n'));
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
