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
