import { existsSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import os from 'node:os';
import { benchBookingApi } from './api';
import { benchConnectedCalendars } from './calendars';
import { benchBadges } from './badges';
import { benchContentScript } from './content-script';
import { benchEngine, type BenchResult } from './engine';
import { benchPanelEngine } from './panel-engine';
import { benchPanelBookingPage } from './panel-page';

/** `npm run bench`: every benchmark, printed and written to docs/benchmarks.md. */
const results: BenchResult[] = [...(await benchEngine()), ...(await benchPanelEngine()), ...(await benchBookingApi()), ...(await benchConnectedCalendars()), ...(await benchPanelBookingPage()), ...(await benchBadges()), ...(await benchContentScript())];
const overBudget = (r: BenchResult) =>
  r.value_kib !== undefined ? r.budget_kib !== undefined && r.value_kib > r.budget_kib : r.budget_ms !== undefined && r.median_ms > r.budget_ms;
const rows = results.map((r) => {
  if (r.value_kib !== undefined) {
    const verdict = r.budget_kib === undefined ? '—' : overBudget(r) ? `**over ${r.budget_kib} KiB**` : `within ${r.budget_kib} KiB`;
    return `| ${r.name} | size: ${r.value_kib} KiB${r.budget_kib === undefined ? '' : `, budget ${r.budget_kib} KiB`} | — | ${r.runs} | ${verdict} |`;
  }
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
// `npm run load` keeps its own section between these markers: carry it over.
const previous = existsSync('docs/benchmarks.md') ? readFileSync('docs/benchmarks.md', 'utf8') : '';
const load = /<!-- load:start -->[\s\S]*?<!-- load:end -->/.exec(previous)?.[0];
writeFileSync('docs/benchmarks.md', load ? `${doc}\n${load}\n` : doc);
console.log(doc);
const over = results.filter(overBudget);
if (over.length) process.exitCode = 1;
