// Prints one conformance run as a per-scenario table, read from the checks.json files the suite writes with -o.
//
//   node report.mjs <output-dir> <expected-failures.yml> [<requirements-revision> <conformance-package-dir>]
//
// The status column follows the suite's own --expected-failures rule: a scenario fails when any check is FAILURE or
// WARNING; a failing scenario listed in the baseline is "expected", a passing one listed there is "STALE". Under a
// requirement set, scenarios the set runs without scoring (extensions, pending) are marked "not scored" and, as in the
// suite, ignored by the baseline, except the scenarios this gate scores itself (SCORED_BY_GATE: the tasks extension,
// which the suite runs unscored): those follow the baseline like any scored scenario. Prints the messages of unexpected
// failures (and the stale entries) below the table. Exits 1 when a scenario the gate scores itself fails unexpectedly
// or has a stale entry (the suite's own exit code covers the rest), else 0.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const [outDir, baselinePath, revision, packageDir] = process.argv.slice(2);
if (!outDir || !baselinePath) {
  console.error('usage: node report.mjs <output-dir> <expected-failures.yml> [<revision> <conformance-package-dir>]');
  process.exit(2);
}

const require = createRequire(import.meta.url);
const YAML = require('yaml'); // installed with the conformance package (tests/conformance/node_modules)

const baseline = { scenarios: new Set(), checks: new Map() };
for (const entry of (YAML.parse(readFileSync(baselinePath, 'utf8')) ?? {}).server ?? []) {
  const text = String(entry);
  const colon = text.indexOf(':');
  if (colon < 0) {
    baseline.scenarios.add(text);
  } else {
    const scenario = text.slice(0, colon);
    if (!baseline.checks.has(scenario)) baseline.checks.set(scenario, new Set());
    baseline.checks.get(scenario).add(text.slice(colon + 1));
  }
}

// Scored here although the requirement set runs them unscored: the tasks extension (io.modelcontextprotocol/tasks).
// A check the suite reports SKIPPED (tasks-status-notifications) is neither a pass nor a failure.
const SCORED_BY_GATE = /^tasks-/;
let gateFailures = 0;

const notScored = new Map();
if (revision && packageDir) {
  const file = join(packageDir, 'requirements', `${revision}.yaml`);
  if (existsSync(file)) {
    for (const e of YAML.parse(readFileSync(file, 'utf8'))?.not_scored ?? []) {
      if (e.leg === 'server' && !SCORED_BY_GATE.test(e.scenario)) notScored.set(e.scenario, e.reason);
    }
  }
}

// server-<scenario>-<ISO timestamp with - for :>; keep the latest run of each scenario, in run order.
const runs = new Map();
const dirs = existsSync(outDir) ? readdirSync(outDir).filter((d) => d.startsWith('server-')).sort((a, b) => stamp(a).localeCompare(stamp(b))) : [];
for (const dir of dirs) {
  const match = /^server-(.+)-(\d{4}-\d{2}-\d{2}T[\d-]+Z)$/.exec(dir);
  const file = join(outDir, dir, 'checks.json');
  if (!match || !existsSync(file)) continue;
  runs.delete(match[1]);
  runs.set(match[1], JSON.parse(readFileSync(file, 'utf8')));
}

function stamp(dir) {
  const m = /(\d{4}-\d{2}-\d{2}T[\d-]+Z)$/.exec(dir);
  return m ? m[1] : dir;
}

const rows = [];
const problems = [];
const totals = { pass: 0, expected: 0, unexpected: 0, stale: 0, notScored: 0, checks: { p: 0, f: 0, w: 0 } };
for (const [scenario, checks] of runs) {
  const count = (s) => checks.filter((c) => c.status === s).length;
  const p = count('SUCCESS');
  const f = count('FAILURE');
  const w = count('WARNING');
  totals.checks.p += p;
  totals.checks.f += f;
  totals.checks.w += w;
  const failing = checks.filter((c) => c.status === 'FAILURE' || c.status === 'WARNING');
  let status;
  if (notScored.has(scenario)) {
    status = `not scored (${notScored.get(scenario)}): ${failing.length ? 'fails' : 'passes'}`;
    totals.notScored++;
  } else if (baseline.scenarios.has(scenario)) {
    status = failing.length ? 'expected failure' : 'STALE (passes)';
    totals[failing.length ? 'expected' : 'stale']++;
    if (!failing.length) problems.push([scenario, { id: scenario, status: 'STALE', errorMessage: 'passes: remove it from the baseline' }]);
  } else if (baseline.checks.has(scenario)) {
    const allowed = baseline.checks.get(scenario);
    const unexpected = failing.filter((c) => !allowed.has(c.id));
    const stale = [...allowed].filter((id) => checks.some((c) => c.id === id) && checks.filter((c) => c.id === id && c.status !== 'INFO').every((c) => c.status === 'SUCCESS'));
    if (unexpected.length) {
      status = 'FAIL (unexpected)';
      totals.unexpected++;
      problems.push(...unexpected.map((c) => [scenario, c]));
    } else if (stale.length) {
      status = `STALE (${stale.length} listed check${stale.length === 1 ? ' passes' : 's pass'})`;
      problems.push(...stale.map((id) => [scenario, { id, status: 'STALE', errorMessage: 'passes: remove it from the baseline' }]));
      totals.stale++;
    } else if (failing.length) {
      const ids = new Set(failing.map((c) => c.id));
      status = `expected failure (${ids.size} listed check${ids.size === 1 ? '' : 's'})`;
      totals.expected++;
    } else {
      status = 'pass';
      totals.pass++;
    }
  } else if (failing.length) {
    status = 'FAIL (unexpected)';
    totals.unexpected++;
    problems.push(...failing.map((c) => [scenario, c]));
  } else {
    status = 'pass';
    totals.pass++;
  }

  if (SCORED_BY_GATE.test(scenario) && (status.startsWith('FAIL') || status.startsWith('STALE'))) gateFailures++;
  if (SCORED_BY_GATE.test(scenario) && checks.length > 0 && checks.every((c) => c.status === 'SKIPPED')) status += ' (skipped by the suite)';
  rows.push([scenario, String(p), String(f), String(w), status]);
}

const header = ['scenario', 'passed', 'failed', 'warnings', 'status'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
const line = (cells) => '| ' + cells.map((c, i) => (i >= 1 && i <= 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join(' | ') + ' |';
console.log(line(header));
console.log('|' + widths.map((w, i) => (i >= 1 && i <= 3 ? '-'.repeat(w + 1) + ':' : '-'.repeat(w + 2))).join('|') + '|');
for (const row of rows) console.log(line(row));
console.log(
  `\n${runs.size} scenarios: ${totals.pass} pass, ${totals.expected} expected failures, ${totals.unexpected} unexpected failures, ` +
    `${totals.stale} stale baseline entries, ${totals.notScored} not scored; checks: ${totals.checks.p} passed, ${totals.checks.f} failed, ${totals.checks.w} warnings`
);

const missing = [...baseline.scenarios, ...baseline.checks.keys()].filter((s) => !runs.has(s));
if (missing.length) {
  console.log(`baseline entries for scenarios that did not run: ${missing.join(', ')}`);
}

if (problems.length) {
  console.log("\nunexpected failures and stale entries:");
  for (const [scenario, c] of problems) {
    const message = String(c.errorMessage ?? c.description ?? '').replace(/\s+/g, ' ');
    console.log(`  ${scenario} / ${c.id} [${c.status}]: ${message.length > 300 ? message.slice(0, 300) + '…' : message}`);
  }
}

if (gateFailures > 0) {
  console.log(`\n${gateFailures} scenario(s) scored by this gate (${SCORED_BY_GATE}) failed or are stale: the run fails.`);
  process.exit(1);
}
