import type { ModelCard } from '../card/schema.js'
import type { LatencySummary } from '../metrics/timing.js'
import type { MachineInfo } from '../identity/provenance.js'

export const SPEED_SCHEMA = 'ferbench/speed@1' as const

/** One batch × threads cell: warmed latency of the runner call, and throughput. */
export interface SpeedCell {
  batch: number
  /** Intra-op threads asked of the runner; null = the engine's default. */
  threads: number | null
  /** Timed runner calls (after warm-up). */
  iterations: number
  /** Wall time of the timed loop, seconds (≥ the minimum duration asked for). */
  durationS: number
  /** Per runner call (one batch), milliseconds. */
  latencyMs: LatencySummary
  /** batch × iterations / durationS. */
  imagesPerSecond: number
  /** With --reference: the model's median call latency / the reference's, per interleaved ABBA block, geometric mean over the blocks. */
  latencyRatio?: number
  /** With --reference and ≥ 2 blocks: 95 % interval of the ratio from the ABBA blocks (src/metrics/ratioInterval.ts). */
  latencyRatioCI95?: [number, number]
  /** With --reference: each ABBA block's ratio, in block order (the gate's interval of a change uses them). */
  latencyRatioBlocks?: number[]
}

/** A cell that was not run, and why (e.g. the model fixes its batch dimension). */
export interface SkippedCell {
  batch: number
  threads: number | null
  reason: string
}

/** Session creation and first inference of one threads value, timed apart from the warmed cells. */
export interface SessionTiming {
  threads: number | null
  sessionCreateMs: number
  firstInferenceMs: number
  /** The batch the first inference ran with. */
  firstInferenceBatch: number
}

export interface ModelSize {
  path: string
  sha256: string
  bytes: number
  /** Floating-point weights incl. BatchNorm running statistics; null when the format is not inspected (tfjs). */
  params: number | null
  /** params without BatchNorm running mean/variance (PyTorch's count); null when not inspected. */
  trainableParams: number | null
  /** Multiply-accumulates per image (batch 1), static count; null when not inspected. */
  macs: number | null
  /** false when some Conv/Gemm/MatMul shapes could not be inferred (macs is then a lower bound). */
  macsComplete: boolean | null
  opset: number | null
}

/** End-to-end pipeline time (read → decode → preprocess → infer → metrics), from `ferbench eval`'s own stage timers. */
export interface E2eCell {
  batch: number
  threads: number | null
  dataset: string
  split: string
  samples: number
  wallSeconds: number
  imagesPerSecond: number
  stagesMs: Record<string, number>
  /** Each stage's share of the summed stage time. */
  stageShare: Record<string, number>
}

export interface SpeedResult {
  schema: typeof SPEED_SCHEMA
  createdAt: string
  tool: { name: 'ferbench'; version: string }
  model: ModelSize & { card: ModelCard }
  runner: { name: string; backend: string; device: string; version: string; graphOptimization: string | null }
  machine: MachineInfo
  /** os.loadavg() (1, 5, 15 min) before and after: on a shared machine, how busy it was. */
  loadAverage: { before: number[]; after: number[] }
  versions: Record<string, string>
  /** What the timed loop was asked for: warm-up calls, minimum iterations and minimum duration (per model and cell), ABBA blocks with a reference. */
  settings: { warmup: number; minIterations: number; minDurationS: number; repeats?: number; input: 'synthetic'; inputSeed: number }
  /** Of the first threads value; every threads value is in `sessions`. */
  sessionCreateMs: number
  firstInferenceMs: number
  sessions: SessionTiming[]
  results: SpeedCell[]
  skipped: SkippedCell[]
  reference?: {
    model: ModelSize
    runner: { name: string; backend: string; device: string; version: string }
    sessions: SessionTiming[]
    results: SpeedCell[]
  }
  e2e?: E2eCell[]
  /** Peak resident set size of the whole ferbench process (all sessions, reference included). */
  peakRssBytes: number
  warnings: string[]
}
