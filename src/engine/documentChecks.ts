import { classificationMetrics } from '../metrics/classification.js'
import type { EvalResult } from '../results/evalDocument.js'
import type { SamplePrediction } from '../results/predictions.js'
import { decodePredictions } from '../results/predictions.js'
import { dataError, messageOf } from '../base/errors.js'

/** Sorted-key JSON, so that comparisons ignore key order. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => a.localeCompare(b)))
      : v,
  )
}

const HEX64 = /^[0-9a-f]{64}$/

/**
 * Checks that an eval document (schema-valid) agrees with itself before its counts are carried
 * into a new result (`eval --resume`, `merge`): the confusion matrix is square over the label
 * mapping's columns, every metric equals the one recomputed from the counts, the sample counts
 * agree, the digests are digests, and embedded predictions add up to the same matrix. A document
 * edited by hand or damaged in transfer fails here (exit 3, the file and field named) instead of
 * being counted.
 */
export function checkEvalDocument(doc: EvalResult, file: string): void {
  const fail = (field: string, what: string): never => {
    throw dataError(
      `${file}: ${field} ${what}; the document was changed after ferbench wrote it (or damaged): run again`,
    )
  }
  const { labels, counts } = doc.metrics.confusionMatrix
  if (labels.join(',') !== doc.labelMapping.columns.join(','))
    fail(
      'metrics.confusionMatrix.labels',
      `[${labels.join(', ')}] differ from labelMapping.columns [${doc.labelMapping.columns.join(', ')}]`,
    )
  if (counts.length !== labels.length)
    fail('metrics.confusionMatrix.counts', `has ${counts.length} rows for ${labels.length} labels`)
  counts.forEach((row, i) => {
    if (row.length !== labels.length)
      fail(`metrics.confusionMatrix.counts.${i}`, `has ${row.length} columns for ${labels.length} labels`)
  })
  const total = counts.reduce((n, row) => n + row.reduce((a, b) => a + b, 0), 0)
  if (doc.dataset.samples !== total)
    fail('dataset.samples', `is ${doc.dataset.samples} but the confusion matrix counts ${total} samples`)
  const recomputed = classificationMetrics(labels, counts)
  for (const key of Object.keys(recomputed) as Array<keyof typeof recomputed>) {
    if (canonicalJson(recomputed[key]) !== canonicalJson(doc.metrics[key]))
      fail(
        `metrics.${key}`,
        `is ${JSON.stringify(doc.metrics[key])} but the confusion matrix gives ${JSON.stringify(recomputed[key])}`,
      )
  }
  for (const field of ['digest', 'contentDigest', 'idDigest'] as const) {
    const hex = doc.dataset[field]
    if (hex !== undefined && !HEX64.test(hex)) fail(`dataset.${field}`, `'${hex}' is not 64 lowercase hex digits`)
  }
  let predictions: SamplePrediction[] | undefined
  try {
    predictions = doc.predictions ? decodePredictions(doc.predictions) : undefined
  } catch (error) {
    fail('predictions', `cannot be decoded (${messageOf(error)})`)
  }
  checkOutputNumbers(doc, fail)
  if (predictions) {
    if (predictions.length !== total)
      fail('predictions', `has ${predictions.length} entries for ${total} scored samples`)
    const column = new Map(labels.map((l, i) => [l, i]))
    const fromPredictions = labels.map(() => new Array<number>(labels.length).fill(0))
    predictions.forEach((p, i) => {
      const t = column.get(p.truth)
      const q = column.get(p.predicted)
      if (t === undefined || q === undefined)
        return fail(
          `predictions.${i}`,
          `has truth '${p.truth}' / predicted '${p.predicted}' outside the columns [${labels.join(', ')}]`,
        )
      fromPredictions[t]![q]! += 1
    })
    if (canonicalJson(fromPredictions) !== canonicalJson(counts))
      fail('predictions', 'do not add up to the confusion matrix')
  }
}

/**
 * The degenerate-output figures (outputCheck) and, in a partial result, the accumulators they come
 * from (resume.outputStats): one value per model output, finite, spreads never negative. A shard
 * or partial result whose arrays were cut or whose sums were changed would otherwise merge or
 * resume into NaN.
 */
function checkOutputNumbers(doc: EvalResult, fail: (field: string, what: string) => never): void {
  const classes = doc.labelMapping.modelLabels.length
  const arrays = (
    prefix: string,
    record: Record<string, unknown>,
    names: readonly string[],
    nonNegative: readonly string[],
  ): void => {
    for (const name of names) {
      const values = record[name]
      if (!Array.isArray(values)) continue
      if (values.length !== classes)
        fail(`${prefix}.${name}`, `has ${values.length} values for ${classes} model outputs`)
      values.forEach((v: unknown, i) => {
        if (typeof v !== 'number' || !Number.isFinite(v) || (nonNegative.includes(name) && v < 0))
          fail(
            `${prefix}.${name}.${i}`,
            `is ${String(v)}; expected a finite number${nonNegative.includes(name) ? ' ≥ 0' : ''}`,
          )
      })
    }
  }
  if (doc.outputCheck)
    arrays(
      'outputCheck',
      doc.outputCheck as unknown as Record<string, unknown>,
      ['softmaxMean', 'softmaxStd', 'rawMean', 'rawStd'],
      ['softmaxStd', 'rawStd'],
    )
  const stats = doc.resume?.outputStats
  if (stats)
    arrays(
      'resume.outputStats',
      stats as unknown as Record<string, unknown>,
      ['mean', 'm2', 'rawMean', 'rawM2'],
      ['m2', 'rawM2'],
    )
}

/**
 * The checks of a partial result (complete:false) beyond checkEvalDocument: its resume section
 * must account for every sample it settled (settled = scored + failed), so that resume skips
 * exactly the samples already counted; the data itself is checked against settledDigest when the
 * resumed run reads that prefix again.
 */
export function checkPartialResult(doc: EvalResult, file: string): void {
  const resume = doc.resume
  if (!resume)
    throw dataError(
      `${file}: field 'resume' is missing; a partial result written by an interrupted \`ferbench eval\` has it`,
    )
  checkEvalDocument(doc, file)
  const expected = doc.dataset.samples + doc.failures.length
  if (resume.settled !== expected) {
    throw dataError(
      `${file}: resume.settled is ${resume.settled} but the result holds ${doc.dataset.samples} scored and ${doc.failures.length} failed samples (${expected}); ` +
        'the document was changed after ferbench wrote it (or damaged): run again without --resume',
    )
  }
  const stats = resume.outputStats
  if (stats) {
    const classes = doc.model.card.labels.length
    for (const key of ['mean', 'm2', 'rawMean', 'rawM2'] as const) {
      if (stats[key].length !== classes)
        throw dataError(
          `${file}: resume.outputStats.${key} has ${stats[key].length} entries for the card's ${classes} labels`,
        )
    }
    if (stats.rows < 2 && [...stats.m2, ...stats.rawM2].some((v) => v !== 0))
      throw dataError(
        `${file}: resume.outputStats.m2 is not 0 for ${stats.rows} row(s); the document was changed after ferbench wrote it (or damaged)`,
      )
  }
  if (!HEX64.test(resume.settledDigest))
    throw dataError(`${file}: resume.settledDigest '${resume.settledDigest}' is not 64 lowercase hex digits`)
  if (doc.failures.length === 0 && resume.settledDigest !== doc.dataset.digest) {
    throw dataError(
      `${file}: resume.settledDigest differs from dataset.digest although no sample failed; the document was changed after ferbench wrote it (or damaged): run again without --resume`,
    )
  }
}
