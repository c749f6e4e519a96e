import path from 'node:path'
import { z } from 'zod'
import { dataError, usageError } from '../base/errors.js'
import { DEFAULT_SLICE_MIN_SAMPLES } from '../metrics/slices.js'
import { datasetOptionsSchema, storedSpecSchema, type StoredSpec } from '../results/storedSpec.js'
import { describeIssues } from '../results/describeIssues.js'
import { flagsMarked, markedFields, overridable, type MarkedField } from '../results/resumeMarks.js'
import { DEFAULT_DEVICE } from '../runners/types.js'

/** Samples per inference call when --batch is not given. */
export const DEFAULT_BATCH = 32

/** Samples decoded and preprocessed ahead of inference when --concurrency is not given. */
export const DEFAULT_CONCURRENCY = 4

const stored = storedSpecSchema.shape

/**
 * What one evaluation is: model, card, dataset, split, run settings and what to keep. Its field
 * types are those a partial result stores (src/results/storedSpec.ts); the ranges of flags are
 * oclif's to check (src/base/limits.ts). Every default is resolved here, once: batch 32, device
 * cpu, extra classes dropped, concurrency 4, nothing kept, slicing groups under
 * DEFAULT_SLICE_MIN_SAMPLES samples not ranked. `split` absent: the dataset's default split,
 * which only the adapter knows (it may depend on the data, e.g. a folder's `test`; openDataset).
 */
const evalSpecFields = z
  .object(stored)
  .omit({ cwd: true })
  .extend({
    split: z.string().optional(),
    batch: stored.batch.default(DEFAULT_BATCH),
    device: stored.device.default(DEFAULT_DEVICE),
    datasetOptions: datasetOptionsSchema.optional(),
    extraClasses: stored.extraClasses.default('drop'),
    /** Keep per-sample predictions during the run (embedded, or for a --predictions CSV). */
    predictions: z.boolean().default(false),
    /** Keep them in the final document (default: as `predictions`). */
    embedPredictions: z.boolean().optional(),
    /** Keep each sample's top-3 classes and scores with them (for a --predictions CSV). */
    predictionScores: z.boolean().default(false),
    /** Stop at the first sample that fails to load instead of recording it and going on. */
    strict: z.boolean().default(false),
    demo: z.boolean().default(false),
    /** Samples decoded and preprocessed ahead of inference (1 = serial); results do not depend on it. */
    concurrency: overridable(z.number().int().positive(), 'concurrency').default(DEFAULT_CONCURRENCY),
    sliceMinSamples: z.number().int().min(1).optional(),
  })

const evalSpecSchema = evalSpecFields.transform(
  ({ embedPredictions, datasetOptions, sliceBy, sliceMinSamples, ...spec }) => ({
    ...spec,
    embedPredictions: embedPredictions ?? spec.predictions,
    // no adapter option given (flags left out are undefined): none stored
    ...(datasetOptions && Object.values(datasetOptions).some((v) => v !== undefined) ? { datasetOptions } : {}),
    ...(sliceBy && sliceBy.length > 0
      ? { sliceBy, sliceMinSamples: sliceMinSamples ?? DEFAULT_SLICE_MIN_SAMPLES }
      : {}),
  }),
)

export type EvalSpec = z.output<typeof evalSpecSchema>
export type EvalSpecInput = z.input<typeof evalSpecSchema>

/** The spec of an evaluation: validated, every default resolved. A value out of range is a usage error. */
export function evalSpec(input: EvalSpecInput): EvalSpec {
  const parsed = evalSpecSchema.safeParse(input)
  if (!parsed.success) throw usageError(`eval: ${describeIssues(parsed.error)}`)
  return parsed.data
}

/**
 * The spec as a partial result stores it, so that `eval --resume` repeats the same evaluation:
 * the split resolved, file paths resolved (a resume from another working directory reads the same
 * files), the working directory recorded, --concurrency left out.
 */
export function storedSpec(spec: EvalSpec, split: string): StoredSpec {
  const { concurrency: _concurrency, ...fixed } = spec
  const labels = spec.datasetOptions?.labels
  return {
    cwd: process.cwd(),
    ...fixed,
    model: path.resolve(spec.model),
    card: spec.card ? path.resolve(spec.card) : undefined,
    data: path.resolve(spec.data),
    split,
    ...(spec.datasetOptions && labels !== undefined
      ? { datasetOptions: { ...spec.datasetOptions, labels: path.resolve(labels) } }
      : {}),
  }
}

/**
 * The stored spec with every path absolute. Partial results store resolved paths; one written by
 * an older ferbench may hold paths relative to its working directory (`cwd`).
 */
function resumedPaths(options: StoredSpec): StoredSpec {
  const at = (p: string): string => path.resolve(options.cwd, p)
  const labels = options.datasetOptions?.labels
  return {
    ...options,
    model: at(options.model),
    data: at(options.data),
    ...(options.card ? { card: at(options.card) } : {}),
    ...(typeof labels === 'string' ? { datasetOptions: { ...options.datasetOptions, labels: at(labels) } } : {}),
  }
}

/** The spec a partial result stores (read back from `file`, paths resolved), with `concurrency` the only setting taken from now. */
export function specFromStored(file: string, options: StoredSpec, concurrency: number): EvalSpec {
  const parsed = evalSpecSchema.safeParse({ ...resumedPaths(options), concurrency })
  if (!parsed.success) throw dataError(`${file}: resume.options: ${describeIssues(parsed.error)}`)
  return parsed.data
}

/** `models/fold{fold}.onnx` → `models/fold3.onnx`; a path without `{fold}` is returned as it is. */
export function modelForFold(pattern: string, fold: number): string {
  return pattern.split('{fold}').join(String(fold))
}

/**
 * Every field of an eval's spec with what `--resume` does with it: the stored spec's fields as
 * they are marked where declared (src/results/storedSpec.ts), then the spec's own fields that a
 * partial result does not store (--concurrency, marked above).
 */
export function resumeFields(): MarkedField[] {
  const own = markedFields(evalSpecFields).filter((f) => !Object.hasOwn(stored, f.path.split('.')[0]!))
  return [...markedFields(storedSpecSchema), ...own]
}

/** The eval flags that fix what is evaluated: taken from the partial result under --resume, never given again. */
export const EVAL_FIXED_BY_RESUME: readonly string[] = flagsMarked(resumeFields(), 'fixed')
