import type { LeaderboardProtocol, LeaderboardRow } from '../results/leaderboardDocument.js'

/** A Vega-Lite specification (plain JSON); compiled and rendered offline by src/report/vegaRender.ts. */
export type VegaLiteSpec = Record<string, unknown>

export type ChartAxis = 'latency' | 'size'

interface Point {
  name: string
  cost: number
  accuracy: number
  low: number
  high: number
  standing: string
  /** The front the point belongs to: latency fronts are per runner and machine (latencyFront); one size front. */
  front: string
}

const AXES: Record<
  ChartAxis,
  {
    title: string
    cost: (r: LeaderboardRow) => number | null
    claimedCost: (r: LeaderboardRow) => number | null
    pareto: (r: LeaderboardRow) => string | null
    front: (r: LeaderboardRow) => string
  }
> = {
  latency: {
    title: 'batch-1 latency p50 (ms, log scale)',
    cost: (r) => r.latencyP50Ms,
    claimedCost: (r) => (r.claimed?.imagesPerSecond ? 1000 / r.claimed.imagesPerSecond : r.latencyP50Ms),
    pareto: (r) => r.pareto.accuracyLatency,
    front: (r) => r.latencyFront ?? '',
  },
  size: {
    title: 'model size (bytes, log scale)',
    cost: (r) => r.bytes,
    claimedCost: (r) => r.claimed?.modelBytes ?? r.bytes,
    pareto: (r) => r.pareto.accuracySize,
    front: () => 'size',
  },
}

const STANDINGS = ['front', 'tie', 'dominated']

/**
 * One scatter: accuracy against a cost (latency or size) for one protocol. Measured points carry
 * 95 % interval bars and are coloured by Pareto standing; the front is drawn as a line; claimed
 * values (from `ferbench claims`) are crosses beside the measured point of the same model.
 */
function scatterSpec(protocol: LeaderboardProtocol, axis: ChartAxis, index = 0): VegaLiteSpec {
  const a = AXES[axis]
  /** Layer names must be unique in the whole chart (Vega-Lite names its scales and data after them). */
  const id = (layer: string): string => `${layer}_${axis}_${index}`
  const points: Point[] = protocol.rows.flatMap((r) => {
    const cost = a.cost(r)
    return cost === null || cost <= 0
      ? []
      : [
          {
            name: r.model.name,
            cost,
            accuracy: r.accuracy * 100,
            low: r.accuracyCI95[0] * 100,
            high: r.accuracyCI95[1] * 100,
            standing: a.pareto(r) ?? 'unknown',
            front: a.front(r),
          },
        ]
  })
  const front = points.filter((p) => p.standing === 'front').sort((x, y) => x.cost - y.cost)
  const separateFronts = new Set(front.map((p) => p.front)).size > 1
  const claimed = protocol.rows.flatMap((r) => {
    const cost = a.claimedCost(r)
    const accuracy = r.claimed?.accuracy ?? (r.claimed && cost !== a.cost(r) ? r.accuracy : undefined)
    return r.claimed && accuracy !== undefined && cost !== null && cost > 0
      ? [{ name: `${r.model.name} (claimed)`, cost, accuracy: accuracy * 100 }]
      : []
  })
  const x = { field: 'cost', type: 'quantitative', title: a.title, scale: { type: 'log' } }
  const y = { field: 'accuracy', type: 'quantitative', title: 'accuracy (%)', scale: { zero: false } }
  return {
    width: 360,
    height: 260,
    title: { text: `accuracy vs ${axis}`, fontSize: 13 },
    layer: [
      {
        name: id('intervals'),
        data: { values: points },
        mark: { type: 'rule', strokeWidth: 1.5 },
        encoding: { x, y: { field: 'low', type: 'quantitative', scale: { zero: false } }, y2: { field: 'high' } },
      },
      {
        name: id('front'),
        data: { values: front },
        mark: { type: 'line', strokeDash: [4, 3], color: '#2a7' },
        // one line per front: latencies of different runners or machines are never joined
        encoding: { x, y, order: { field: 'cost' }, detail: { field: 'front', type: 'nominal' } },
      },
      {
        name: id('measured'),
        data: { values: points },
        mark: { type: 'point', filled: true, size: 70 },
        encoding: {
          x,
          y,
          color: {
            field: 'standing',
            type: 'nominal',
            title: 'Pareto',
            scale: { domain: [...STANDINGS, 'unknown'], range: ['#1b9e4b', '#e6a700', '#888888', '#bbbbbb'] },
          },
          tooltip: [
            { field: 'name' },
            { field: 'accuracy', format: '.2f' },
            { field: 'cost', title: axis },
            { field: 'standing' },
            ...(separateFronts ? [{ field: 'front', title: 'front (runner, machine)' }] : []),
          ],
        },
      },
      {
        name: id('claimed'),
        data: { values: claimed },
        mark: { type: 'point', shape: 'cross', size: 90, color: '#c33' },
        encoding: { x, y, tooltip: [{ field: 'name' }, { field: 'accuracy', format: '.2f' }] },
      },
      {
        name: id('labels'),
        data: { values: points },
        mark: { type: 'text', align: 'left', dx: 6, dy: -6, fontSize: 10 },
        encoding: { x, y, text: { field: 'name' } },
      },
    ],
  }
}

/** Both scatters of one protocol side by side (the HTML page titles each protocol itself). */
export function protocolChartSpec(protocol: LeaderboardProtocol): VegaLiteSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    hconcat: [scatterSpec(protocol, 'latency'), scatterSpec(protocol, 'size')],
    resolve: { scale: { x: 'independent', y: 'independent' } },
    config: { font: 'sans-serif', background: 'white' },
  }
}

/** Every protocol's scatters stacked: the picture for READMEs and PR comments. */
export function leaderboardChartSpec(protocols: readonly LeaderboardProtocol[]): VegaLiteSpec {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    vconcat: protocols.map((p, i) => ({
      title: { text: `${p.dataset} — ${p.protocol}`, fontSize: 14 },
      hconcat: [scatterSpec(p, 'latency', i), scatterSpec(p, 'size', i)],
      resolve: { scale: { x: 'independent', y: 'independent' } },
    })),
    resolve: { scale: { x: 'independent', y: 'independent' } },
    config: { font: 'sans-serif', background: 'white' },
  }
}
