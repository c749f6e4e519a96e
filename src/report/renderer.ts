import type { CvView } from './cvReport.js'
import type { GabDirection } from './exportFormats.js'
import type { CompareResult } from '../results/compareDocument.js'
import type { EvalResult } from '../results/evalDocument.js'
import type { GateResult } from '../results/gateDocument.js'
import type { LeaderboardDocument } from '../results/leaderboardDocument.js'
import type { SamplePrediction } from '../results/predictions.js'
import type { RobustResult } from '../results/robustDocument.js'
import type { TrendPoint } from '../leaderboard/historyQuery.js'
import type { Selected } from '../leaderboard/select.js'

/** What the eval views (Markdown, HTML) read of an eval document. */
export type EvalView = Pick<
  EvalResult,
  | 'schema'
  | 'complete'
  | 'demo'
  | 'createdAt'
  | 'tool'
  | 'model'
  | 'dataset'
  | 'runner'
  | 'machine'
  | 'metrics'
  | 'warnings'
  | 'failures'
>

/** Everything ferbench renders, by kind: the result documents, and the views made of several (leaderboard, trend, export). */
export type RenderSubject =
  | { kind: 'eval'; result: EvalResult }
  | { kind: 'cv'; result: CvView }
  | { kind: 'compare'; result: CompareResult }
  | { kind: 'gate'; result: GateResult }
  | { kind: 'robust'; result: RobustResult }
  | { kind: 'leaderboard'; result: LeaderboardDocument }
  | { kind: 'trend'; result: { points: readonly TrendPoint[]; metric: string; store: string } }
  | { kind: 'predictions'; result: readonly SamplePrediction[] }
  | { kind: 'export'; result: { selected: readonly Selected[]; direction: GabDirection } }

export type SubjectKind = RenderSubject['kind']
export type SubjectOf<K extends SubjectKind> = Extract<RenderSubject, { kind: K }>['result']

/** The documents `report`, `--report` and `--format` show (eval, cross-validation, compare, gate, robust). */
export const REPORT_KINDS = ['eval', 'cv', 'compare', 'gate', 'robust'] as const
export type ReportSubject = Extract<RenderSubject, { kind: (typeof REPORT_KINDS)[number] }>

/**
 * How a format escapes text that came from outside (src/report/escape.ts): `markdown` escapeMarkdownText,
 * `xml` escapeXml (HTML, SVG, JUnit), `csv` csvTextCell, `json` JSON.stringify, `terminal` terminalText where
 * the table is printed (src/cli/baseCommand.ts); `binary` for an image.
 */
export type Escaping = 'terminal' | 'markdown' | 'xml' | 'csv' | 'json' | 'binary'

/** One format's view of one kind of subject: text, or bytes for an image. */
export type View<K extends SubjectKind> = (subject: SubjectOf<K>) => Promise<string | Buffer>

/**
 * One output format: its name (what --format and --report's extensions select), file extensions,
 * escaping, and a view per subject kind it accepts. Views load their modules when called, so a run
 * loads only the renderer it uses.
 */
export interface Renderer {
  readonly name: string
  readonly extensions: readonly string[]
  readonly escaping: Escaping
  /** false for SVG: the figures HTML embeds and PNG rasterises, not a format any command writes on its own */
  readonly offered: boolean
  readonly views: { readonly [K in SubjectKind]?: View<K> }
}
