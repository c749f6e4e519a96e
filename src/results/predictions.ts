import { z } from 'zod'

/**
 * Per-sample predictions as an eval document embeds them (`predictions`), column by column so that
 * 35,887 samples stay small (docs/identity.md states the size):
 * - `labels`: the code alphabet, index → label (the confusion-matrix columns);
 * - `ids`: the sample ids (row numbers, relative paths), for people and for pairing older documents;
 * - `truth`, `predicted`: one character per sample, the label's index in base 36 (`0`–`9`, `a`–`z`);
 * - `content`: 16 hex digits per sample, the start of the sha256 of its decoded pixels
 *   (src/base/datasetDigest.ts): what compare and gate pair samples by across files;
 * - `top` (only while a --predictions CSV is pending, e.g. in a partial result): `k` label codes
 *   (`-` = none) and `k` scores per sample.
 * Documents of older versions hold an array of {id, truth, predicted, top}; both are read.
 */
const PREDICTIONS_ENCODING = 'columns@1'

/** One sample's prediction (the array form older versions embedded, and the decoded form). */
const samplePredictionSchema = z.object({
  id: z.string(),
  truth: z.string(),
  predicted: z.string(),
  /** The first 16 hex digits of the sha256 of the decoded pixels (src/base/datasetDigest.ts); absent in older documents. */
  content: z.string().optional(),
  /** The best three classes among those the argmax considers, with their scores (probabilities where the card says so, else the raw/averaged logits). */
  top: z.array(z.object({ label: z.string(), score: z.number() })),
})

/** Per-sample predictions, column by column. */
const compactPredictionsSchema = z.object({
  encoding: z.literal(PREDICTIONS_ENCODING),
  labels: z.array(z.string()),
  ids: z.array(z.string()),
  truth: z.string(),
  predicted: z.string(),
  content: z.string(),
  top: z.object({ k: z.number().int().nonnegative(), labels: z.string(), scores: z.array(z.number()) }).optional(),
})

/** What a document's `predictions` may hold: the compact columns, or the array older versions wrote. */
export const predictionsFieldSchema = z.union([compactPredictionsSchema, z.array(samplePredictionSchema)])

export type SamplePrediction = z.infer<typeof samplePredictionSchema>
type CompactPredictions = z.infer<typeof compactPredictionsSchema>
export type PredictionsField = z.infer<typeof predictionsFieldSchema>

const CODES = '0123456789abcdefghijklmnopqrstuvwxyz'
const KEY_DIGITS = 16
const NO_CONTENT = '-'.repeat(KEY_DIGITS)

function coder(labels: readonly string[]): (label: string) => string {
  if (labels.length > CODES.length)
    throw new RangeError(`${labels.length} labels: at most ${CODES.length} can be coded`)
  const index = new Map(labels.map((l, i) => [l, CODES[i]!]))
  return (label) => {
    const code = index.get(label)
    if (code === undefined)
      throw new RangeError(`label '${label}' is not among the prediction labels [${labels.join(', ')}]`)
    return code
  }
}

/** Encodes predictions over `labels` (the confusion-matrix columns); `withScores` keeps each sample's top classes and scores. */
export function encodePredictions(
  rows: readonly SamplePrediction[],
  labels: readonly string[],
  withScores = false,
): CompactPredictions {
  const code = coder(labels)
  const out: CompactPredictions = {
    encoding: PREDICTIONS_ENCODING,
    labels: [...labels],
    ids: rows.map((r) => r.id),
    truth: rows.map((r) => code(r.truth)).join(''),
    predicted: rows.map((r) => code(r.predicted)).join(''),
    content: rows
      .map((r) => (r.content && r.content.length >= KEY_DIGITS ? r.content.slice(0, KEY_DIGITS) : NO_CONTENT))
      .join(''),
  }
  if (withScores) {
    const k = rows.reduce((m, r) => Math.max(m, r.top.length), 0)
    const topLabels: string[] = []
    const scores: number[] = []
    for (const r of rows) {
      for (let i = 0; i < k; i++) {
        const t = r.top[i]
        topLabels.push(t ? code(t.label) : '-')
        scores.push(t ? t.score : 0)
      }
    }
    out.top = { k, labels: topLabels.join(''), scores }
  }
  return out
}

/** The predictions as one record per sample, whichever form the document holds. */
export function decodePredictions(field: PredictionsField): SamplePrediction[] {
  if (Array.isArray(field)) return field
  const n = field.ids.length
  if (field.truth.length !== n || field.predicted.length !== n || field.content.length !== n * KEY_DIGITS) {
    throw new RangeError(
      `predictions: ${n} ids but ${field.truth.length} truth codes, ${field.predicted.length} predicted codes and ${field.content.length / KEY_DIGITS} content keys`,
    )
  }
  const label = (c: string): string => {
    const l = field.labels[CODES.indexOf(c)]
    if (l === undefined)
      throw new RangeError(`predictions: code '${c}' names no label (labels: ${field.labels.join(', ')})`)
    return l
  }
  const top = field.top
  if (top && (top.labels.length !== n * top.k || top.scores.length !== n * top.k))
    throw new RangeError(`predictions.top: expected ${n * top.k} labels and scores`)
  return field.ids.map((id, i) => {
    const content = field.content.slice(i * KEY_DIGITS, (i + 1) * KEY_DIGITS)
    const row: SamplePrediction = { id, truth: label(field.truth[i]!), predicted: label(field.predicted[i]!), top: [] }
    if (content !== NO_CONTENT) row.content = content
    if (top) {
      for (let j = 0; j < top.k; j++) {
        const c = top.labels[i * top.k + j]!
        if (c !== '-') row.top.push({ label: label(c), score: top.scores[i * top.k + j]! })
      }
    }
    return row
  })
}
