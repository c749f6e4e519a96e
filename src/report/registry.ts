import { usageError } from '../base/errors.js'
import type { RenderSubject, Renderer, SubjectKind, SubjectOf } from './renderer.js'

/**
 * Every output format ferbench writes, in the order their names are listed (help texts, messages):
 * one registry that answers "which formats does this document have" for `report`, `export`,
 * `--report` and `--format`, and renders. Each view imports its module when called.
 */

const json = async (subject: unknown): Promise<string> => `${JSON.stringify(subject, null, 2)}\n`

const rasterise = async (svg: Promise<string>): Promise<Buffer> => (await import('./png.js')).rasterise(await svg)

/** An SVG view: the figures HTML pages embed and PNGs are rasterised from. */
type SvgView<K extends SubjectKind> = (subject: SubjectOf<K>) => Promise<string>

const evalFigures = async (r: SubjectOf<'eval'> | SubjectOf<'cv'>): Promise<string> =>
  (await import('./evalFigures.js')).evalFiguresSvg(r)
const robustFigures: SvgView<'robust'> = async (r) => (await import('./robustViews.js')).robustFiguresSvg(r)
const leaderboardChart: SvgView<'leaderboard'> = async (d) => {
  const [{ renderSvg }, { leaderboardChartSpec }] = await Promise.all([
    import('./vegaRender.js'),
    import('./leaderboardChart.js'),
  ])
  return renderSvg(leaderboardChartSpec(d.protocols))
}
const trendChart: SvgView<'trend'> = async (t) => {
  const [{ renderSvg }, { trendChartSpec }] = await Promise.all([
    import('./vegaRender.js'),
    import('./historyChart.js'),
  ])
  return renderSvg(trendChartSpec(t.points, t.metric))
}

const table: Renderer = {
  name: 'table',
  extensions: ['.txt'],
  escaping: 'terminal',
  offered: true,
  views: {
    eval: async (r) => (await import('./evalTable.js')).renderEvalTables(r),
    cv: async (r) => (await import('./cvTable.js')).renderCvTables(r),
    compare: async (r) => (await import('./gateTable.js')).renderCompareTable(r),
    gate: async (r) => (await import('./gateTable.js')).renderGateTable(r),
    robust: async (r) => (await import('./robustViews.js')).robustTable(r),
    leaderboard: async (d) => (await import('./leaderboardTable.js')).renderLeaderboardTables(d),
    trend: async (t) => (await import('./historyTable.js')).renderTrend(t.points, t.metric, t.store),
  },
}

const jsonDocument: Renderer = {
  name: 'json',
  extensions: ['.json'],
  escaping: 'json',
  offered: true,
  views: { eval: json, cv: json, compare: json, gate: json, robust: json, leaderboard: json },
}

const markdown: Renderer = {
  name: 'markdown',
  extensions: ['.md', '.markdown'],
  escaping: 'markdown',
  offered: true,
  views: {
    eval: async (r) => (await import('./markdown.js')).evalMarkdown(r),
    cv: async (r) => (await import('./markdown.js')).cvMarkdown(r),
    compare: async (r) => (await import('./markdown.js')).compareMarkdown(r),
    gate: async (r) => (await import('./markdown.js')).gateMarkdown(r),
    robust: async (r) => (await import('./robustViews.js')).robustMarkdown(r),
  },
}

const bmf: Renderer = {
  name: 'bmf',
  extensions: ['.json'],
  escaping: 'json',
  offered: true,
  views: { export: async (e) => (await import('./exportFormats.js')).exportBmf(e.selected) },
}

const githubActionBenchmark: Renderer = {
  name: 'github-action-benchmark',
  extensions: ['.json'],
  escaping: 'json',
  offered: true,
  views: {
    export: async (e) => (await import('./exportFormats.js')).exportGithubActionBenchmark(e.selected, e.direction),
  },
}

const junit: Renderer = {
  name: 'junit',
  extensions: ['.xml'],
  escaping: 'xml',
  offered: true,
  views: {
    gate: async (r) => (await import('./junit.js')).gateJunit(r),
    export: async (e) => (await import('./exportFormats.js')).exportJunit(e.selected),
  },
}

const html: Renderer = {
  name: 'html',
  extensions: ['.html', '.htm'],
  escaping: 'xml',
  offered: true,
  views: {
    eval: async (r) => (await import('./html.js')).evalHtml(r),
    cv: async (r) => (await import('./html.js')).cvHtml(r),
    gate: async (r) => (await import('./html.js')).gateHtml(r),
    robust: async (r) => (await import('./robustViews.js')).robustHtml(r),
    leaderboard: async (d) => (await import('./leaderboardHtml.js')).leaderboardHtml(d),
    trend: async (t) => (await import('./historyChart.js')).trendHtml(t.metric, await trendChart(t)),
  },
}

const svg: Renderer = {
  name: 'svg',
  extensions: ['.svg'],
  escaping: 'xml',
  offered: false,
  views: {
    eval: evalFigures,
    cv: evalFigures,
    robust: robustFigures,
    leaderboard: leaderboardChart,
    trend: trendChart,
  },
}

const png: Renderer = {
  name: 'png',
  extensions: ['.png'],
  escaping: 'binary',
  offered: true,
  views: {
    eval: (r) => rasterise(evalFigures(r)),
    cv: (r) => rasterise(evalFigures(r)),
    robust: (r) => rasterise(robustFigures(r)),
    leaderboard: (d) => rasterise(leaderboardChart(d)),
    trend: (t) => rasterise(trendChart(t)),
  },
}

const csv: Renderer = {
  name: 'csv',
  extensions: ['.csv'],
  escaping: 'csv',
  offered: true,
  views: {
    export: async (e) => (await import('./exportFormats.js')).exportCsv(e.selected),
    predictions: async (p) => (await import('./predictionsCsv.js')).predictionsCsv(p),
  },
}

export const RENDERERS: readonly Renderer[] = [
  table,
  jsonDocument,
  markdown,
  bmf,
  githubActionBenchmark,
  junit,
  html,
  svg,
  png,
  csv,
]

/** The formats a kind of subject can be written in, in the registry's order (offered ones only). */
export function formatsOf(kind: SubjectKind): string[] {
  return RENDERERS.filter((r) => r.offered && r.views[kind] !== undefined).map((r) => r.name)
}

/** The offered renderers that accept any of `kinds`. */
export function renderersFor(kinds: readonly SubjectKind[]): Renderer[] {
  return RENDERERS.filter((r) => r.offered && kinds.some((k) => r.views[k] !== undefined))
}

/** Renders a subject in a format: text, or bytes for an image. A format the subject does not have is a usage error. */
export async function render(subject: RenderSubject, format: string): Promise<string | Buffer> {
  const view = RENDERERS.find((r) => r.name === format)?.views[subject.kind]
  if (view === undefined)
    throw usageError(
      `${format} is not available for ${subject.kind}; choose one of ${formatsOf(subject.kind).join(', ')}`,
    )
  // Each view is stored under the kind of subject it takes (Renderer['views']), so it takes this subject's result.
  return (view as (result: RenderSubject['result']) => Promise<string | Buffer>)(subject.result)
}

/** A text format's rendering (every format but PNG). */
export async function renderText(subject: RenderSubject, format: string): Promise<string> {
  const rendered = await render(subject, format)
  if (typeof rendered !== 'string') throw new Error(`${format} renders bytes, not text`)
  return rendered
}
