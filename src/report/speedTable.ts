import Table from './table.js'
import type { SpeedCell, SpeedResult } from '../results/speedDocument.js'
import { fitText } from './fit.js'
import { megabytes, percent, siCount } from './format.js'

const ms = (x: number): string => (x >= 100 ? x.toFixed(1) : x >= 10 ? x.toFixed(2) : x.toFixed(3))
const mb = (bytes: number): string => `${megabytes(bytes)} MB`
const count = (n: number | null): string => siCount(n, ' ')

/** Per cell: calls, time, mean and spread, throughput (and the ratio to the reference). */
function cellTable(cells: readonly SpeedCell[], withRatio: boolean): string {
  const head = ['batch', 'threads', 'iters', 'time s', 'mean ms', 'std ms', 'images/s']
  if (withRatio) head.push('× ref (95% CI)')
  const table = new Table({ head })
  for (const c of cells) {
    const row = [
      String(c.batch),
      c.threads === null ? 'default' : String(c.threads),
      String(c.iterations),
      c.durationS.toFixed(2),
      ms(c.latencyMs.mean),
      ms(c.latencyMs.std),
      c.imagesPerSecond.toFixed(1),
    ]
    if (withRatio) {
      const ci = c.latencyRatioCI95 ? ` (${c.latencyRatioCI95[0].toFixed(3)}–${c.latencyRatioCI95[1].toFixed(3)})` : ''
      row.push(c.latencyRatio === undefined ? '' : `${c.latencyRatio.toFixed(3)}${ci}`)
    }
    table.push(row)
  }
  return table.toString()
}

/** Per cell: the latency distribution (nearest-rank percentiles), in ms. */
function percentileTable(cells: readonly SpeedCell[]): string {
  const table = new Table({ head: ['batch', 'threads', 'min', 'p50', 'p90', 'p95', 'p99', 'max'] })
  for (const c of cells) {
    const l = c.latencyMs
    table.push([
      String(c.batch),
      c.threads === null ? 'default' : String(c.threads),
      ms(l.min),
      ms(l.p50),
      ms(l.p90),
      ms(l.p95),
      ms(l.p99),
      ms(l.max),
    ])
  }
  return table.toString()
}

/** Human view of a speed result: model size, sessions, the latency table and the machine. */
export function renderSpeedTables(result: SpeedResult): string {
  const m = result.model
  const summary = new Table({ head: ['', 'value'], fit: { keep: [0] } })
  summary.push(
    ['model', `${m.path}`],
    ['size', `${mb(m.bytes)} (${m.bytes} bytes), sha256 ${m.sha256.slice(0, 12)}…`],
    [
      'parameters',
      m.params === null
        ? 'n/a'
        : `${count(m.params)} (${m.params}${m.trainableParams === null || m.trainableParams === undefined ? '' : `; trainable ${m.trainableParams}`})`,
    ],
    [
      'MACs / image',
      m.macs === null
        ? 'n/a'
        : `${count(m.macs)}${m.macsComplete === false ? ' (lower bound: some shapes unknown)' : ''}`,
    ],
    ['runner', `${result.runner.backend} ${result.runner.version} on ${result.runner.device}`],
    [
      'machine',
      `${result.machine.cpu}, ${result.machine.cores} cores, ${result.machine.os}, Node ${result.machine.node}`,
    ],
    [
      'load average',
      `${result.loadAverage.before[0]!.toFixed(2)} before, ${result.loadAverage.after[0]!.toFixed(2)} after (1 min; ${result.machine.cores} cores)`,
    ],
    [
      'settings',
      `warm-up ${result.settings.warmup}, at least ${result.settings.minIterations} iterations and ${result.settings.minDurationS} s per cell`,
    ],
    ...result.sessions.map((s) => [
      `threads ${s.threads ?? 'default'}`,
      `session create ${ms(s.sessionCreateMs)} ms, first inference (batch ${s.firstInferenceBatch}) ${ms(s.firstInferenceMs)} ms`,
    ]),
    ['peak RSS', mb(result.peakRssBytes)],
  )
  const lines = [
    summary.toString(),
    'Warmed latency per runner call and throughput:',
    cellTable(result.results, result.reference !== undefined),
    'Latency percentiles per runner call (ms, nearest rank):',
    percentileTable(result.results),
  ]
  if (result.reference) {
    lines.push(
      `Reference ${result.reference.model.path} (${mb(result.reference.model.bytes)}):`,
      cellTable(result.reference.results, false),
      percentileTable(result.reference.results),
    )
  }
  if (result.e2e) {
    const table = new Table({
      head: ['batch', 'threads', 'samples', 'images/s', 'read ms', 'preprocess ms', 'infer ms', 'metrics ms'],
    })
    for (const e of result.e2e) {
      const stage = (k: string): string => `${(e.stagesMs[k] ?? 0).toFixed(1)} (${percent(e.stageShare[k] ?? 0, 0)})`
      table.push([
        String(e.batch),
        e.threads === null ? 'default' : String(e.threads),
        String(e.samples),
        e.imagesPerSecond.toFixed(1),
        stage('read'),
        stage('preprocess'),
        stage('infer'),
        stage('metrics'),
      ])
    }
    lines.push(
      `End to end on ${result.e2e[0]?.dataset ?? ''} ${result.e2e[0]?.split ?? ''} (read includes decode):`,
      table.toString(),
    )
  }
  if (result.warnings.length > 0) lines.push('Warnings:', ...result.warnings.map((w) => `  - ${w}`))
  return fitText(lines.join('\n'))
}
