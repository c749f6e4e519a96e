import { runnerLabel } from '../leaderboard/select.js'
import type { LeaderboardDocument, LeaderboardRow, ParetoStanding } from '../results/leaderboardDocument.js'
import Table from './table.js'
import { fitText } from './fit.js'
import { megabytes, percent, percentFigure, siCount } from './format.js'

const mb = (bytes: number | null): string => (bytes === null ? 'n/a' : megabytes(bytes))
const ms = (x: number | null): string =>
  x === null ? 'n/a' : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(3)
const MARK: Record<NonNullable<ParetoStanding>, string> = { front: '*', tie: '~', dominated: '' }
const mark = (s: ParetoStanding): string => (s === null ? '?' : MARK[s])

const LEADERBOARD_LEGEND =
  'L = Pareto on accuracy vs latency (among rows timed with one runner and machine), S = on accuracy vs size:\n  * on the front, ~ tied with it within the accuracy intervals, ? cost unknown'

/** The published claims of a row (accuracy, FPS, MB), comma-separated; empty when there are none or they disagree. */
export function claimedValues(r: LeaderboardRow): string {
  const c = r.claimed
  if (!c) return ''
  return [
    c.accuracy !== undefined ? percent(c.accuracy) : '',
    c.imagesPerSecond !== undefined ? `${c.imagesPerSecond} FPS` : '',
    c.modelBytes !== undefined ? `${megabytes(c.modelBytes)} MB` : '',
  ]
    .filter(Boolean)
    .join(', ')
}

function claimedText(r: LeaderboardRow): string {
  if (!r.claimed) return ''
  return claimedValues(r) || 'several claims disagree (see the warning)'
}

/** One table per protocol (≈ 85 columns with a 20-character name): accuracy with interval, size, speed, Pareto marks; claimed values below it. */
export function renderLeaderboardTables(doc: LeaderboardDocument): string {
  const out: string[] = []
  for (const p of doc.protocols) {
    out.push(`${p.dataset} — ${p.protocol}`)
    const table = new Table({
      head: ['model', 'runner', 'accuracy % (95% CI)', 'params', 'MB', 'p50 ms', 'img/s', 'L', 'S'],
    })
    for (const r of p.rows) {
      table.push([
        r.model.name,
        r.runner ? runnerLabel(r.runner) : 'n/a',
        `${percentFigure(r.accuracy)} (${percentFigure(r.accuracyCI95[0], 1)}–${percentFigure(r.accuracyCI95[1], 1)})`,
        siCount(r.params),
        mb(r.bytes),
        ms(r.latencyP50Ms),
        r.imagesPerSecond === null ? 'n/a' : r.imagesPerSecond.toFixed(0),
        mark(r.pareto.accuracyLatency),
        mark(r.pareto.accuracySize),
      ])
    }
    out.push(table.toString())
    for (const r of p.rows)
      if (r.claimed) out.push(`claimed for ${r.model.name}: ${claimedText(r)} (${r.claimed.claimIds.join(', ')})`)
    const fronts = [...new Set(p.rows.flatMap((r) => (r.latencyFront ? [r.latencyFront] : [])))]
    if (fronts.length === 1) out.push(`speed measured with ${fronts[0]}`)
    if (fronts.length > 1)
      out.push(
        `speed measured with ${fronts.length} runners or machines, one latency front (L) each: ${fronts
          .map(
            (f) =>
              `${f}: ${p.rows
                .filter((r) => r.latencyFront === f)
                .map((r) => r.model.name)
                .join(', ')}`,
          )
          .join('; ')}`,
      )
  }
  if (doc.speedOnly.length) {
    out.push('Speed only (no accuracy document; not ranked)')
    const table = new Table({ head: ['model', 'runner', 'params', 'MB', 'p50 ms', 'img/s', 'machine'] })
    for (const s of doc.speedOnly)
      table.push([
        s.model.name,
        s.runner ? runnerLabel(s.runner) : 'n/a',
        siCount(s.params),
        mb(s.bytes),
        ms(s.latencyP50Ms),
        s.imagesPerSecond === null ? 'n/a' : s.imagesPerSecond.toFixed(0),
        s.machine,
      ])
    out.push(table.toString())
  }
  if (doc.protocols.length === 0 && doc.speedOnly.length === 0) out.push('No result documents found.')
  out.push(LEADERBOARD_LEGEND)
  for (const w of doc.warnings) out.push(`warning: ${w}`)
  return fitText(out.join('\n'))
}
