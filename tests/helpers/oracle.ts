import { readFileSync } from 'node:fs'

/**
 * An independent re-implementation of the oracle model's rule, for tests: the score of canonical
 * class k is the mean of image rows 6k..6k+5 of the 48×48 image. Written from the rule, not from
 * ferbench's code.
 */
export const CANONICAL = ['neutral', 'happiness', 'surprise', 'sadness', 'anger', 'disgust', 'fear', 'contempt']
export const FER2013_ORDER = ['anger', 'disgust', 'fear', 'happiness', 'sadness', 'surprise', 'neutral']

export function bandMeans(pixels: number[]): number[] {
  const means: number[] = []
  for (let k = 0; k < 8; k++) {
    let sum = 0
    for (let y = 6 * k; y < 6 * k + 6; y++) for (let x = 0; x < 48; x++) sum += pixels[y * 48 + x]!
    means.push(sum / 288)
  }
  return means
}

/** The oracle's canonical prediction, considering only `allowed` canonical classes. */
export function oraclePredict(pixels: number[], allowed: readonly string[]): string {
  const means = bandMeans(pixels)
  let best = ''
  let bestScore = -Infinity
  CANONICAL.forEach((label, k) => {
    if (allowed.includes(label) && means[k]! > bestScore) {
      best = label
      bestScore = means[k]!
    }
  })
  return best
}

export interface CsvRow {
  row: number
  emotion: number
  usage: string
  pixels: number[]
}

/** Naive reader of the fixture fer2013.csv (header emotion,pixels,Usage), deliberately not ferbench's parser. */
export function readFixtureCsv(file: string): CsvRow[] {
  const lines = readFileSync(file, 'utf8').trim().split('\n')
  return lines.slice(1).map((line, i) => {
    const [emotion, pixels, usage] = line.split(',')
    return { row: i + 1, emotion: Number(emotion), usage: usage!.trim(), pixels: pixels!.split(' ').map(Number) }
  })
}

/** Expected confusion matrix (rows = truth, columns = prediction, FER2013 order) for one split. */
export function expectedConfusion(
  rows: readonly CsvRow[],
  split: string,
  allowed: readonly string[],
  columns: readonly string[] = FER2013_ORDER,
): number[][] {
  const counts = columns.map(() => columns.map(() => 0))
  for (const r of rows.filter((x) => x.usage === split)) {
    const truth = FER2013_ORDER[r.emotion]!
    const predicted = oraclePredict(r.pixels, allowed)
    counts[columns.indexOf(truth)]![columns.indexOf(predicted)]! += 1
  }
  return counts
}
