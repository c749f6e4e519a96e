import { FerbenchError } from './errors.js'

/**
 * Upper bounds of every numeric input (flags and card fields), so that no value can make ferbench
 * allocate without bound or start without end. Listed in docs/bad-input.md.
 */
export const LIMITS = {
  /** --batch (eval, speed) and a card's fixed `batch`. */
  batch: 4096,
  /** --threads (eval, speed): intra-op threads of one session. */
  threads: 256,
  /** --concurrency (eval, audit): samples prepared ahead of inference. */
  concurrency: 64,
  /** --workers (eval, robust): tfjs worker threads, each holding a copy of the model. */
  workers: 64,
  /** A model input's height or width, a card's crop.size / crop.from. */
  inputSide: 4096,
  /** --max-pixels can raise the decode limit up to sharp's own default (0x3FFF × 0x3FFF). */
  maxPixels: 0x3fff * 0x3fff,
  /** --max-side: a stored image side (JPEG's own largest side is 65,535). */
  maxSide: 65_535,
  /** --max-aspect: longer side / shorter side of a stored image. */
  maxAspect: 65_535,
  /** One inference call's input tensor (rows × height × width × channels float32). */
  batchTensorBytes: 1024 * 1024 * 1024,
  /** speed --warmup, --iterations, --duration (seconds). */
  warmup: 100_000,
  iterations: 1_000_000,
  durationS: 3600,
  /** speed --repeats (interleaved blocks per cell with --reference). */
  repeats: 1000,
  /** --batch-timeout (eval, robust): seconds one inference call may run. */
  batchTimeoutS: 86_400,
  /**
   * A document read back (result, partial result, shard, history entry, a file given to report,
   * compare, gate, merge, leaderboard, export, history): refused from its size before it is read.
   * A 35,887-sample eval result with embedded predictions is 1,329,019 bytes; parsing 64 MiB of the
   * worst JSON (one array of 33.5M zeros) peaks at about 0.9 GB.
   */
  documentBytes: 64 * 1024 * 1024,
  /** --shard i/n, --shard-count and the count --shard auto reads from a scheduler's variables. */
  shardCount: 10_000,
  /** --folds (eval, robust, datasets inspect/audit) and --fold. */
  folds: 1000,
  /** --slice-by attributes of one run. */
  sliceAttributes: 16,
  /** Distinct values (groups) of one --slice-by attribute; more is a data error naming the attribute. */
  sliceGroups: 10_000,
  /** --slice-min-samples. */
  sliceMinSamples: 1_000_000,
  /** --seed (robust, models doctor): an unsigned 32-bit integer. */
  seed: 0xffff_ffff,
  /** models doctor --samples. */
  doctorSamples: 100_000,
  /** datasets audit --top: closest pairs listed in the terminal. */
  auditTop: 10_000,
  /** speed --batch / --threads: values in each list (cells = batches × threads). */
  speedListValues: 64,
} as const

/**
 * Refuses an inference call whose input tensor would exceed LIMITS.batchTensorBytes. `rows` is
 * samples × views (or the model's fixed batch); the error is raised as `kind` and names `what`.
 */
export function checkBatchTensor(
  rows: number,
  input: { height: number; width: number; channels: number },
  kind: 'usage' | 'model' | 'card',
  what: string,
): void {
  const bytes = rows * input.height * input.width * input.channels * 4
  if (bytes > LIMITS.batchTensorBytes) {
    throw new FerbenchError(
      kind,
      `${what}: ${rows} row(s) × ${input.height}×${input.width}×${input.channels} float32 = ${bytes} bytes per inference call, ` +
        `over the ${LIMITS.batchTensorBytes}-byte limit; use a smaller batch`,
    )
  }
}
