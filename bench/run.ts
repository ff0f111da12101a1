import { writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { benchBookingApi } from './api';
import { benchConnectedCalendars } from './calendars';
import { benchBadges } from './badges';
import { benchEngine, type BenchResult } from './engine';
import { benchPanelEngine } from './panel-engine';
import { benchPanelBookingPage } from './panel-page';

/** `npm run bench`: every benchmark, printed and written to docs/benchmarks.md. */
const results: BenchResult[] = [...(await benchEngine()), ...(await benchPanelEngine()), ...(await benchBookingApi()), ...(await benchConnectedCalendars()), ...(await benchPanelBookingPage()), ...(await benchBadges())];
const rows = results.map((r) => {
  const verdict = r.budget_ms === undefined ? '—' : r.median_ms <= r.budget_ms ? `within ${r.budget_ms} ms` : `**over ${r.budget_ms} ms**`;
  return `| ${r.name} | ${r.median_ms} | ${r.p95_ms} | ${r.runs} | ${verdict} |`;
});
const doc = `# Benchmarks

Written by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)} (${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, Node ${process.version}).
Budgets come from the issues; they are checked here, never in timed tests.

| benchmark | median (ms) | p95 (ms) | runs | budget |
|---|---|---|---|---|
${rows.join('\n')}
`;
mkdirSync('docs', { recursive: true });
writeFileSync('docs/benchmarks.md', doc);
console.log(doc);
const over = results.filter((r) => r.budget_ms !== undefined && r.median_ms > r.budget_ms);
if (over.length) process.exitCode = 1;
