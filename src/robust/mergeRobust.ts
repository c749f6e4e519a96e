import { closeSync, openSync, readSync } from 'node:fs'
import { DatasetDigest } from '../base/datasetDigest.js'
import { dataError } from '../base/errors.js'
import { parseDocument, readJsonDocument, schemaOf } from '../results/readDocument.js'
import { ROBUST_SCHEMA, robustDocumentSchema, type RobustResult } from '../results/robustDocument.js'
import { outcomeFromCounts, summarise } from './robust.js'

/**
 * Whether a file holds a ferbench/robust@1 document (so `merge`, `report` and `compare` take the
 * robust path): its first 4 KiB name the schema (ferbench writes `schema` as the first field), so
 * a large eval document is not parsed twice.
 */
export function isRobustFile(file: string): boolean {
  let fd: number | undefined
  try {
    fd = openSync(file, 'r')
    const head = Buffer.alloc(4096)
    const n = readSync(fd, head, 0, head.length, 0)
    return /"schema"\s*:\s*"ferbench\/robust@1"/.test(head.toString('utf8', 0, n))
  } catch {
    return false
  } finally {
    if (fd !== undefined) closeSync(fd)
  }
}

/** Reads and validates a robust document; every problem is a data error naming the file (exit 3). */
export function readRobustDocument(
  file: string,
  expected = `a ${ROBUST_SCHEMA} document (ferbench robust --output)`,
): RobustResult {
  const raw = readJsonDocument(file, expected)
  if (schemaOf(raw) !== ROBUST_SCHEMA)
    throw dataError(
      `${file}: field 'schema' is ${JSON.stringify(schemaOf(raw))}; expected '${ROBUST_SCHEMA}' (${expected})`,
    )
  return parseDocument(raw, robustDocumentSchema, file, ROBUST_SCHEMA)
}

export function readRobustShard(file: string): { file: string; result: RobustResult } {
  return { file, result: readRobustDocument(file, 'a shard result of `ferbench robust --shard i/n --output ...`') }
}

/**
 * Merges `robust --shard i/n` results (i = 1..n) into the unsharded run's: per condition the
 * shards' correct and sample counts are added and accuracy, interval, mCA and relative robustness
 * recomputed; digests add up. Refuses shards of different models, data, seeds or condition sets,
 * a shard given twice and a missing one.
 */
export function mergeRobustShards(shards: ReadonlyArray<{ file: string; result: RobustResult }>): RobustResult {
  if (shards.length === 0) throw dataError('merge: no shard files given')
  const first = shards[0]!
  const key = (r: RobustResult): string =>
    JSON.stringify([
      r.model.sha256,
      r.dataset.name,
      r.dataset.split,
      r.seed,
      r.corruptions,
      r.severities,
      r.dataset.shard?.count ?? null,
      r.dataset.shard?.hash ?? null,
    ])
  const seen = new Map<number, string>()
  for (const s of shards) {
    if (s.result.complete === false)
      throw dataError(
        `${s.file}: a partial result (complete:false) of an interrupted robust run; finish it first with \`ferbench robust --resume ${s.file}\``,
      )
    const shard = s.result.dataset.shard
    if (!shard)
      throw dataError(
        `${s.file}: not a shard result (no dataset.shard); merge takes the results of \`ferbench robust --shard i/n\``,
      )
    if (key(s.result) !== key(first.result))
      throw dataError(
        `merge: ${s.file} has a different model, dataset, seed, corruptions, severities or shard count than ${first.file}; shards must come from the same robust run`,
      )
    const earlier = seen.get(shard.index)
    if (earlier !== undefined)
      throw dataError(`merge: shard ${shard.index}/${shard.count} is given twice (${earlier} and ${s.file})`)
    seen.set(shard.index, s.file)
  }
  const count = first.result.dataset.shard!.count
  const missing = Array.from({ length: count }, (_, i) => i + 1).filter((i) => !seen.has(i))
  if (missing.length > 0) throw dataError(`merge: missing shard(s) ${missing.map((i) => `${i}/${count}`).join(', ')}`)
  const ordered = [...shards].sort((a, b) => a.result.dataset.shard!.index - b.result.dataset.shard!.index)
  const sum = (pick: (r: RobustResult) => { correct: number; samples: number; failures: number }) => {
    const t = { correct: 0, samples: 0, failures: 0 }
    for (const s of ordered) {
      const o = pick(s.result)
      t.correct += o.correct
      t.samples += o.samples
      t.failures += o.failures
    }
    return outcomeFromCounts(t.correct, t.samples, t.failures)
  }
  const clean = sum((r) => r.clean)
  const results = first.result.results.map((c, i) => ({
    corruption: c.corruption,
    severity: c.severity,
    ...sum((r) => r.results[i]!),
  }))
  const { shard: _shard, ...dataset } = first.result.dataset
  const warnings: string[] = []
  for (const s of ordered) for (const w of s.result.warnings) if (!warnings.includes(w)) warnings.push(w)
  return {
    ...first.result,
    createdAt: new Date().toISOString(),
    dataset: {
      ...dataset,
      samples: clean.samples,
      digest: DatasetDigest.combine(ordered.map((s) => s.result.dataset.digest)),
    },
    clean,
    results,
    ...summarise(clean, results),
    timing: { wallSeconds: Math.max(...ordered.map((s) => s.result.timing.wallSeconds)) },
    warnings,
    merged: {
      shards: ordered.map((s) => ({
        index: s.result.dataset.shard!.index,
        count,
        file: s.file,
        samples: s.result.dataset.samples,
      })),
    },
  }
}
