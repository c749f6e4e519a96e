import { z } from 'zod'
import { EMOTIONS } from '../labels/emotions.js'
import { CALIBRATION_BINS } from '../metrics/calibration.js'
import { modelCardSchema, ttaKinds } from '../card/schema.js'
import { EVAL_SCHEMA } from './evalResult.js'
import { PREDICTIONS_ENCODING } from './predictions.js'
import { shardSchema, storedSpecSchema } from './storedSpec.js'

/**
 * The eval document ('ferbench/eval@1', src/documents/evalResult.ts) as a zod schema. It serves
 * twice: `compare`, `gate` and `report` parse result files with it (unknown fields are ignored,
 * a missing or mistyped field is an error naming its path), and `npm run schemas` turns it into
 * schemas/eval.schema.json (where objects are closed: tests/documents/schema.test.ts validates every
 * document the tests produce, so a field added to EvalResult but not here fails a test).
 */
const emotion = z.enum(EMOTIONS)
const count = z.number().int().nonnegative()
const fraction = z.number().min(0).max(1)

/** One file of a model (src/identity/modelFiles.ts): path relative to the model file's folder. */
export const modelFileSchema = z.object({ path: z.string(), bytes: count, sha256: z.string() })

export const perClassSchema = z.object({ label: z.string(), precision: fraction, recall: fraction, f1: fraction, support: count })

export const classificationMetricsSchema = z.object({
  samples: count,
  correct: count,
  accuracy: fraction,
  accuracyCI95: z.tuple([fraction, fraction]),
  balancedAccuracy: fraction,
  macroF1: fraction,
  perClass: z.array(perClassSchema),
  confusionMatrix: z.object({ labels: z.array(z.string()), counts: z.array(z.array(count)) }),
})

const calibrationCoreSchema = z.object({
  samples: count,
  ece: fraction,
  mce: fraction,
  nll: z.number().nonnegative(),
  brier: z.number().min(0).max(2),
  nllSum: z.number().nonnegative(),
  brierSum: z.number().nonnegative(),
  bins: z
    .array(z.object({ low: fraction, high: fraction, samples: count, confidence: fraction, accuracy: fraction, correct: count, confidenceSum: z.number().nonnegative() }))
    .length(CALIBRATION_BINS),
})

/** metrics.calibration (src/metrics/calibration.ts): top-label ECE/MCE over 15 bins (m/15, (m+1)/15], NLL, Brier. */
export const calibrationSchema = calibrationCoreSchema.extend({
  temperatureScaling: z
    .object({
      method: z.literal('temperature'),
      split: z.string(),
      samples: count,
      temperature: z.number().positive(),
      fitNllBefore: z.number().nonnegative(),
      fitNllAfter: z.number().nonnegative(),
      after: calibrationCoreSchema,
    })
    .optional(),
})

/** metrics.slices (src/metrics/slices.ts): per attribute, per value, and the largest ranked gap. */
export const slicesSchema = z.record(
  z.string(),
  z.object({
    minSamples: count,
    groups: z.record(
      z.string(),
      z.object({ samples: count, correct: count, accuracy: fraction, accuracyCI95: z.tuple([fraction, fraction]), macroF1: fraction, ranked: z.boolean(), counts: z.array(z.array(count)) }),
    ),
    maxGap: z.object({ a: z.string(), b: z.string(), difference: z.number().min(-1).max(1), pValue: fraction, test: z.literal('fisher-exact') }).nullable(),
  }),
)

export const labelOrderCheckSchema = z.object({
  accuracy: fraction,
  bestAccuracy: fraction,
  gain: z.number(),
  pValue: fraction,
  // the fields below `supported` … `mislabelled` came with the per-class evidence rule; optional so older documents still read
  supported: z.object({ accuracy: fraction, gain: z.number(), pValue: fraction }).nullable().optional(),
  suspicious: z.boolean(),
  minGain: z.number(),
  alpha: z.number(),
  chance: fraction.optional(),
  minPermutedRecall: z.number().optional(),
  moves: z.array(
    z.object({
      predicted: z.string(),
      bestMatch: z.string(),
      support: count.optional(),
      declaredRecall: fraction.optional(),
      permutedRecall: fraction.optional(),
      mislabelled: z.boolean().optional(),
    }),
  ),
  suggestedCardLabels: z.array(z.string()).optional(),
  note: z.string().optional(),
})

export const outputCheckSchema = z.object({
  rows: count,
  probabilityRows: count,
  nonFiniteRows: count,
  softmaxMean: z.array(z.number()),
  softmaxStd: z.array(z.number().nonnegative()),
  rawMean: z.array(z.number()),
  rawStd: z.array(z.number().nonnegative()),
  relativeStd: z.number().nonnegative(),
  softmaxStdMax: z.number().nonnegative(),
  topPrediction: z.object({ label: z.string(), share: fraction }).nullable(),
  chanceAccuracy: fraction,
  flags: z.array(z.enum(['one-class', 'constant-outputs', 'chance-accuracy', 'probabilities-as-logits', 'logits-as-probabilities'])),
})

/** One sample's prediction as older versions embedded it (an array of these). */
export const samplePredictionSchema = z.object({
  id: z.string(),
  truth: z.string(),
  predicted: z.string(),
  content: z.string().optional(),
  top: z.array(z.object({ label: z.string(), score: z.number() })),
})

/** Per-sample predictions, column by column (src/documents/predictions.ts). */
export const compactPredictionsSchema = z.object({
  encoding: z.literal(PREDICTIONS_ENCODING),
  labels: z.array(z.string()),
  ids: z.array(z.string()),
  truth: z.string(),
  predicted: z.string(),
  content: z.string(),
  top: z.object({ k: count, labels: z.string(), scores: z.array(z.number()) }).optional(),
})

export const predictionsFieldSchema = z.union([compactPredictionsSchema, z.array(samplePredictionSchema)])

/** A dataset digest: 64 lowercase hex digits (checked, with the file and field named, by src/eval/documentChecks.ts). */
export const digestHex = z.string()

export const machineSchema = z.object({ cpu: z.string(), cores: count, memoryBytes: count, os: z.string(), arch: z.string(), node: z.string() })

export const resumePointSchema = z.object({
  settled: count,
  settledDigest: z.string(),
  signal: z.string(),
  /** Exact accumulators of the degenerate-output check (src/metrics/degenerate.ts), continued on resume. */
  outputStats: z
    .object({
      rows: count,
      probabilityRows: count,
      nonFiniteRows: count,
      mean: z.array(z.number()),
      m2: z.array(z.number().nonnegative()),
      rawMean: z.array(z.number()),
      rawM2: z.array(z.number().nonnegative()),
    })
    .optional(),
  /** What `eval --resume` needs: the run's spec as stored (src/documents/storedSpec.ts, src/eval/spec.ts). */
  options: storedSpecSchema,
})

export const evalDocumentSchema = z
  .object({
    schema: z.literal(EVAL_SCHEMA),
    complete: z.boolean(),
    demo: z.boolean(),
    createdAt: z.string(),
    tool: z.object({ name: z.literal('ferbench'), version: z.string() }),
    model: z.object({ path: z.string(), sha256: z.string(), bytes: count, files: z.array(modelFileSchema).optional(), card: modelCardSchema }),
    dataset: z.object({
      name: z.string(),
      path: z.string(),
      split: z.string(),
      samples: count,
      digest: digestHex,
      contentDigest: digestHex.optional(),
      idDigest: digestHex.optional(),
      labels: z.array(z.string()),
      shard: shardSchema.extend({ hash: z.string() }).optional(),
      fold: z
        .object({ fold: z.number().int().positive(), folds: z.number().int().positive(), split: z.string(), rule: z.string(), subjects: z.array(z.string()) })
        .optional(),
    }),
    labelMapping: z.object({
      policy: z.enum(['drop', 'keep']),
      modelLabels: z.array(emotion),
      datasetLabels: z.array(emotion),
      columns: z.array(emotion),
      extraModelClasses: z.array(emotion),
      missingModelClasses: z.array(emotion),
    }),
    runner: z.object({
      name: z.string(),
      backend: z.string(),
      device: z.string(),
      version: z.string(),
      threads: z.number().int().nullable(),
      graphOptimization: z.string().nullable(),
      batch: z.number().int().positive(),
      rowsPerCall: z.number().int().positive(),
      fixedBatch: z.boolean(),
    }),
    machine: machineSchema,
    versions: z.record(z.string(), z.string()),
    metrics: classificationMetricsSchema.extend({ calibration: calibrationSchema.optional(), slices: slicesSchema.optional() }),
    labelOrderCheck: labelOrderCheckSchema.optional(),
    outputCheck: outputCheckSchema.optional(),
    timing: z.object({
      wallSeconds: z.number().nonnegative(),
      imagesPerSecond: z.number().nonnegative(),
      stagesMs: z.object({ read: z.number(), preprocess: z.number(), infer: z.number(), metrics: z.number() }),
      segments: z.number().int().positive().optional(),
      split: z
        .object({
          startupMs: z.number().nonnegative().describe('process start until the first sample is requested: Node, modules, card, model load and session'),
          readMs: z.number().nonnegative().describe('reading the dataset: file bytes, rows, directory listing'),
          decodeMs: z.number().nonnegative().describe('stored pixels into images: FER2013 pixel text, image file decoding'),
          preprocessMs: z.number().nonnegative(),
          inferMs: z.number().nonnegative().describe('the engine running batches (on its worker thread when it has one: overlaps the stages before it)'),
          metricsMs: z.number().nonnegative(),
        })
        .optional()
        .describe('where this run segment spent its time, ms; stages overlap, so they can sum to more than the wall time'),
    }),
    warnings: z.array(z.string()),
    failures: z.array(z.object({ id: z.string(), source: z.string(), error: z.string() })),
    predictions: predictionsFieldSchema.optional(),
    resume: resumePointSchema.optional(),
    merged: z
      .object({
        shards: z.array(
          z.object({ index: z.number().int(), count: z.number().int(), file: z.string(), samples: count, failures: count, machine: machineSchema, wallSeconds: z.number() }),
        ),
      })
      .optional(),
  })
  .meta({ title: 'ferbench eval result', description: `schema ${EVAL_SCHEMA}: one evaluation of one model on one dataset split` })

export type EvalDocument = z.infer<typeof evalDocumentSchema>
