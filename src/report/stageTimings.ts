import type { StageSplit } from '../results/evalDocument.js'

/**
 * `eval --timings`: where the process's time went, one stage per line (ms and share of the process wall time).
 * Inference on a worker thread overlaps reading, decoding and preprocessing, so the shares can sum
 * to more than 100 %.
 */
export function stageTimingsText(split: StageSplit, writeMs: number, processMs: number): string {
  const wallMs = processMs
  const stages: Array<[string, number]> = [
    ['start-up', split.startupMs],
    ['read', split.readMs],
    ['decode', split.decodeMs],
    ['preprocess', split.preprocessMs],
    ['infer', split.inferMs],
    ['metrics', split.metricsMs],
    ['write', writeMs],
  ]
  const width = Math.max(...stages.map(([name]) => name.length))
  const lines = stages.map(
    ([name, ms]) =>
      `  ${name.padEnd(width)}  ${ms.toFixed(1).padStart(9)} ms  ${wallMs > 0 ? ((100 * ms) / wallMs).toFixed(1).padStart(5) : '    -'} %`,
  )
  return [
    `timings (process wall ${wallMs.toFixed(1)} ms; inference on its worker thread overlaps the stages before it; on tfjs worker threads it is summed over them):`,
    ...lines,
  ].join('\n')
}
