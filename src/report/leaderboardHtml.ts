import { runnerLabel } from '../leaderboard/select.js'
import { escapeXml as esc } from './escape.js'
import { protocolChartSpec } from './leaderboardChart.js'
import type { LeaderboardDocument, LeaderboardRow } from '../results/leaderboardDocument.js'
import { renderSvg } from './vegaRender.js'
import { percent as pct } from './format.js'
import { claimedValues } from './leaderboardTable.js'

/**
 * The leaderboard as one self-contained HTML page: the scatters are rendered to inline SVG at
 * build time (Vega-Lite, offline), the tables sort on a click with a few lines of inline script;
 * nothing is fetched, so the page works offline and as a CI artifact.
 */
const STYLE = `
body { font-family: -apple-system, "Segoe UI", "DejaVu Sans", Arial, sans-serif; margin: 2rem; color: #1f2328; max-width: 1200px; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 2rem; }
table { border-collapse: collapse; margin: 0.5rem 0; } th, td { border: 1px solid #d0d7de; padding: 4px 8px; text-align: left; }
th { background: #f6f8fa; cursor: pointer; user-select: none; } td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
th[aria-sort="ascending"]::after { content: " ▲"; } th[aria-sort="descending"]::after { content: " ▼"; }
.warn { background: #fff8c5; border: 1px solid #d4a72c; padding: 0.5rem 1rem; }
.front { color: #1a7f37; font-weight: bold; } .tie { color: #9a6700; }
footer { margin-top: 2rem; color: #57606a; font-size: 0.85rem; }
`

const SORT_SCRIPT = `
document.querySelectorAll('table.sortable').forEach(function (table) {
  table.querySelectorAll('th').forEach(function (th, col) {
    th.addEventListener('click', function () {
      var asc = th.getAttribute('aria-sort') !== 'ascending';
      table.querySelectorAll('th').forEach(function (h) { h.removeAttribute('aria-sort'); });
      th.setAttribute('aria-sort', asc ? 'ascending' : 'descending');
      var body = table.tBodies[0];
      var rows = Array.prototype.slice.call(body.rows);
      rows.sort(function (a, b) {
        var x = a.cells[col].getAttribute('data-v'), y = b.cells[col].getAttribute('data-v');
        var nx = parseFloat(x), ny = parseFloat(y);
        var c = (!isNaN(nx) && !isNaN(ny)) ? nx - ny : String(x).localeCompare(String(y));
        return asc ? c : -c;
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });
});
`

const cell = (text: string, sortValue: string | number | null, numeric = false, cls = ''): string =>
  `<td${numeric ? ' class="num"' : cls ? ` class="${cls}"` : ''} data-v="${esc(String(sortValue ?? ''))}">${esc(text)}</td>`
const num = (x: number | null, digits: number): string => (x === null ? 'n/a' : x.toFixed(digits))

const runnerText = (r: LeaderboardRow['runner']): string => (r ? runnerLabel(r) : 'n/a')

function rowHtml(r: LeaderboardRow): string {
  const claimed = claimedValues(r)
  return `<tr>${[
    cell(r.model.name, r.model.name),
    cell(pct(r.accuracy), r.accuracy, true),
    cell(`${pct(r.accuracyCI95[0])} – ${pct(r.accuracyCI95[1])}`, r.accuracyCI95[0], true),
    cell(r.macroF1.toFixed(3), r.macroF1, true),
    cell(pct(r.balancedAccuracy), r.balancedAccuracy, true),
    cell(r.params === null ? 'n/a' : String(r.params), r.params, true),
    cell(r.macs === null ? 'n/a' : String(r.macs), r.macs, true),
    cell(r.bytes === null ? 'n/a' : String(r.bytes), r.bytes, true),
    cell(num(r.latencyP50Ms, 3), r.latencyP50Ms, true),
    cell(num(r.imagesPerSecond, 1), r.imagesPerSecond, true),
    cell(r.pareto.accuracyLatency ?? 'n/a', r.pareto.accuracyLatency, false, r.pareto.accuracyLatency ?? ''),
    cell(r.pareto.accuracySize ?? 'n/a', r.pareto.accuracySize, false, r.pareto.accuracySize ?? ''),
    cell(claimed, claimed),
    cell(runnerText(r.runner), runnerText(r.runner)),
    cell(r.machine ?? 'n/a', r.machine),
    cell(r.model.sha256.slice(0, 12), r.model.sha256),
  ].join('')}</tr>`
}

const HEAD = [
  'model',
  'accuracy',
  '95% CI',
  'macro-F1',
  'balanced acc.',
  'params',
  'MACs',
  'bytes',
  'p50 ms (batch 1)',
  'images/s',
  'Pareto (latency)',
  'Pareto (size)',
  'claimed',
  'runner',
  'machine',
  'sha256',
]

export async function leaderboardHtml(doc: LeaderboardDocument): Promise<string> {
  const sections: string[] = []
  for (const p of doc.protocols) {
    const svg = await renderSvg(protocolChartSpec(p))
    sections.push(
      `<section class="protocol"><h2>${esc(p.dataset)} — ${esc(p.protocol)}</h2>`,
      `<p>Labels: ${esc(p.labels.join(', '))}. Rows are ranked only within this protocol.</p>`,
      `<div class="chart">${svg}</div>`,
      `<table class="sortable"><thead><tr>${HEAD.map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${p.rows.map(rowHtml).join('')}</tbody></table></section>`,
    )
  }
  if (doc.speedOnly.length) {
    sections.push(
      '<h2>Speed only (no accuracy document; not ranked)</h2>',
      `<table class="sortable"><thead><tr>${['model', 'params', 'bytes', 'p50 ms', 'images/s', 'machine'].map((h) => `<th>${esc(h)}</th>`).join('')}</tr></thead><tbody>${doc.speedOnly
        .map(
          (s) =>
            `<tr>${[cell(s.model.name, s.model.name), cell(String(s.params ?? 'n/a'), s.params, true), cell(String(s.bytes ?? 'n/a'), s.bytes, true), cell(num(s.latencyP50Ms, 3), s.latencyP50Ms, true), cell(num(s.imagesPerSecond, 1), s.imagesPerSecond, true), cell(s.machine, s.machine)].join('')}</tr>`,
        )
        .join('')}</tbody></table>`,
    )
  }
  const warnings = doc.warnings.length
    ? `<div class="warn"><strong>Warnings</strong><ul>${doc.warnings.map((w) => `<li>${esc(w)}</li>`).join('')}</ul></div>`
    : ''
  const title = 'ferbench leaderboard'
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    `<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title}</title><style>${STYLE}</style></head>`,
    '<body>',
    `<h1>${title}</h1>`,
    warnings,
    sections.length ? sections.join('\n') : '<p>No result documents found.</p>',
    '<p>Pareto: <span class="front">front</span> = no row is at least as cheap and as accurate; <span class="tie">tie</span> = dominated only by rows whose accuracy interval overlaps this one; dominated = a row at least as cheap is more accurate beyond the intervals. Crosses in the charts are claimed values (ferbench claims).</p>',
    `<footer>Generated by ferbench ${esc(doc.tool.version)} at ${esc(doc.createdAt)} from ${esc(doc.schema)}. Click a column header to sort.</footer>`,
    `<script>${SORT_SCRIPT}</script>`,
    '</body>',
    '</html>',
    '',
  ].join('\n')
}
