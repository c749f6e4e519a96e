import { readFileSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import type { EvalResult } from '../../src/results/evalDocument.js'
import type { SamplePrediction } from '../../src/results/predictions.js'
import { decodePredictions, encodePredictions } from '../../src/results/predictions.js'
import { runCli } from './cli.js'

/** The eval document as ferbench writes it (the code's own type, so the tests follow it). */
export type EvalDoc = EvalResult

/** The document's per-sample predictions, one record per sample (decoded from the embedded columns). */
export function predictionsOf(doc: EvalDoc): SamplePrediction[] {
  if (!doc.predictions) throw new Error('document has no predictions')
  return decodePredictions(doc.predictions)
}

/** Replaces the document's predictions (encoded as ferbench embeds them). */
export function setPredictions(doc: EvalDoc, rows: SamplePrediction[]): void {
  doc.predictions = encodePredictions(rows, doc.metrics.confusionMatrix.labels)
}

/** Runs `ferbench eval` (demo model and data unless args say otherwise) and returns the written document. */
export function evalDoc(dir: string, name: string, args: string[] = []): { file: string; doc: EvalDoc } {
  const file = path.join(dir, name)
  const run = runCli(['eval', '--output', file, ...args])
  if (run.status !== 0) throw new Error(`eval failed (${run.status}): ${run.stderr}`)
  return { file, doc: JSON.parse(readFileSync(file, 'utf8')) as EvalDoc }
}

/**
 * A copy of `doc` whose first `n` correct predictions (in document order, optionally only of one
 * truth class) become wrong, with the metrics the gate reads recomputed here from the predictions.
 */
export function degrade(doc: EvalDoc, n: number, onlyClass?: string): EvalDoc {
  const copy = JSON.parse(JSON.stringify(doc)) as EvalDoc
  const labels = copy.metrics.confusionMatrix.labels
  let left = n
  const rows = predictionsOf(copy)
  for (const p of rows) {
    if (left === 0) break
    if (p.predicted !== p.truth || (onlyClass && p.truth !== onlyClass)) continue
    p.predicted = labels.find((l) => l !== p.truth)!
    left -= 1
  }
  if (left !== 0) throw new Error(`could not flip ${n} predictions`)
  setPredictions(copy, rows)
  return recompute(copy)
}

/** Metrics recomputed from the predictions (test-side arithmetic, not ferbench's). */
export function recompute(doc: EvalDoc): EvalDoc {
  const labels = doc.metrics.confusionMatrix.labels
  const counts = labels.map(() => labels.map(() => 0))
  const rows = predictionsOf(doc)
  for (const p of rows) counts[labels.indexOf(p.truth)]![labels.indexOf(p.predicted)]! += 1
  const correct = labels.reduce((s, _, i) => s + counts[i]![i]!, 0)
  const samples = rows.length
  doc.metrics.confusionMatrix.counts = counts
  doc.metrics.correct = correct
  doc.metrics.accuracy = correct / samples
  doc.metrics.perClass = labels.map((label, i) => {
    const support = counts[i]!.reduce((a, b) => a + b, 0)
    const col = counts.reduce((a, row) => a + row[i]!, 0)
    const recall = support ? counts[i]![i]! / support : 0
    const precision = col ? counts[i]![i]! / col : 0
    return {
      label,
      support,
      recall,
      precision,
      f1: precision + recall ? (2 * precision * recall) / (precision + recall) : 0,
    }
  })
  return doc
}

export function write(dir: string, name: string, doc: unknown): string {
  const file = path.join(dir, name)
  writeFileSync(file, `${JSON.stringify(doc, null, 2)}\n`)
  return file
}

export function withoutPredictions(doc: EvalDoc): EvalDoc {
  const copy = JSON.parse(JSON.stringify(doc)) as EvalDoc
  delete copy.predictions
  return copy
}
