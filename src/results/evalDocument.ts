import { z } from 'zod'
import { EMOTIONS } from '../base/emotions.js'
import { CALIBRATION_BINS } from '../metrics/calibration.js'
import { modelCardSchema } from '../card/schema.js'
import { predictionsFieldSchema } from './predictions.js'
import { shardSchema, storedSpecSchema } from './storedSpec.js'

import { EVAL_SCHEMA } from './evalSchemaId.js'

export { EVAL_SCHEMA }

/**
 * The eval document ('ferbench/eval@1') as a zod schema, and its TypeScript type inferred from it:
 * the one definition. `compare`, `gate`, `report`, `merge` and `eval --resume` parse result files
 * with it (src/results/readDocument.ts: unknown fields are ignored, a missing or mistyped field is
 * an error naming its path), and `npm run schemas` turns it into schemas/eval.schema.json (where
 * objects are closed: tests/results/schema.test.ts validates every document the tests produce).
 */
const emotion = z.enum(EMOTIONS)
const count = z.number().int().nonnegative()

/**
 * What the image-file decoder did to a run's images (src/datasets/decodeTally.ts): whether EXIF
 * orientation tags were applied, and how many images carried one, were animated (first frame
 * used) or were shrunk while decoding (over 4096² pixels, only with --max-pixels raised).
 */
export const imagesSummarySchema = z.object({
  exifOrientation: z.enum(['applied', 'ignored']),
  exifOrientationTagged: count,
  animated: count,
  shrunk: count,
})
const fraction = z.number().min(0).max(1)

/** One file of a model (src/base/modelFiles.ts): path relative to the model file's folder. */
const modelFileSchema = z.object({ path: z.string(), bytes: count, sha256: z.string() })

const perClassSchema = z.object({
  label: z.string(),
  precision: fraction,
  recall: fraction,
  f1: fraction,
  support: count,
})

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
    .array(
      z.object({
        low: fraction,
        high: fraction,
        samples: count,
        confidence: fraction,
        accuracy: fraction,
        correct: count,
        confidenceSum: z.number().nonnegative(),
      }),
    )
    .length(CALIBRATION_BINS),
})

/** metrics.calibration (src/metrics/calibration.ts): top-label ECE/MCE over 15 bins (m/15, (m+1)/15], NLL, Brier. */
const calibrationSchema = calibrationCoreSchema.extend({
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
const slicesSchema = z.record(
  z.string(),
  z
    .object({
      minSamples: count,
      groups: z.record(
        z.string(),
        z.object({
          samples: count,
          correct: count,
          accuracy: fraction,
          accuracyCI95: z.tuple([fraction, fraction]),
          macroF1: fraction,
          ranked: z.boolean(),
          counts: z.array(z.array(count)),
        }),
      ),
      maxGap: z
        .object({
          a: z.string(),
          b: z.string(),
          difference: z.number().min(-1).max(1),
          pValue: fraction,
          test: z.literal('fisher-exact'),
        })
        .nullable(),
    })
    .superRefine((slice, ctx) => {
      // maxGap names two of the groups (own keys: a name like 'constructor' must be a group, not Object's)
      for (const side of ['a', 'b'] as const) {
        const name = slice.maxGap?.[side]
        if (name !== undefined && !Object.hasOwn(slice.groups, name))
          ctx.addIssue({ code: 'custom', path: ['maxGap', side], message: `'${name}' is not one of the groups` })
      }
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

const outputCheckSchema = z.object({
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
  flags: z.array(
    z.enum(['one-class', 'constant-outputs', 'chance-accuracy', 'probabilities-as-logits', 'logits-as-probabilities']),
  ),
})

/** A dataset digest: 64 lowercase hex digits (checked, with the file and field named, by src/engine/documentChecks.ts). */
export const digestHex = z.string()

export const machineSchema = z.object({
  cpu: z.string(),
  cores: count,
  memoryBytes: count,
  os: z.string(),
  arch: z.string(),
  node: z.string(),
})

/** A sample that could not be read, decoded or run: it is left out of the metrics and listed. */
/** `dataset.faces`: the face mode, and for `detect` the detector, its thresholds, the crop rule and the counts. */
export const facesSchema = z.object({
  mode: z.enum(['dataset', 'detect', 'none']),
  detector: z.string().optional(),
  sha256: z.string().optional(),
  backend: z.string().optional(),
  thresholds: z.object({ minScore: z.number(), nmsIou: z.number() }).optional(),
  crop: z
    .object({ shape: z.literal('square'), margin: z.number(), align: z.boolean(), faceIndex: z.number().int() })
    .optional(),
  samples: count.optional(),
  detected: count.optional(),
  missed: count.optional(),
  detectionRate: z.number().optional(),
  multipleFaces: count.optional(),
  /** Correct over every image the detector saw: a missed face counts as wrong (the headline accuracy covers detected faces). */
  accuracyCountingMisses: z.number().optional(),
  /** The box cache (docs/faces.md): its file, images whose boxes it gave, images it gained. */
  cache: z.object({ path: z.string(), hits: count, stored: count }).optional(),
})

export const sampleFailureSchema = z.object({ id: z.string(), source: z.string(), error: z.string() })

/** Only in a partial result (complete:false): where to continue from. */
const resumePointSchema = z.object({
  /** Samples of the (sharded) split stream settled (scored or failed), in stream order: a prefix. */
  settled: count,
  /** Digest (as dataset.digest) of every settled sample, failed ones included: checked against the data on resume. */
  settledDigest: z.string(),
  /** What stopped the run: the signal (`SIGINT`, `SIGTERM`), or `<kind> error` for an error after progress (see warnings). */
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
  /** What `eval --resume` needs: the run's spec as stored (src/results/storedSpec.ts, src/engine/spec.ts). */
  options: storedSpecSchema,
})

/** `timing.split` of an eval result: this segment's time per stage, in ms. */
const stageSplitSchema = z.object({
  startupMs: z
    .number()
    .nonnegative()
    .describe('process start until the first sample is requested: Node, modules, card, model load and session'),
  readMs: z.number().nonnegative().describe('reading the dataset: file bytes, rows, directory listing'),
  decodeMs: z.number().nonnegative().describe('stored pixels into images: FER2013 pixel text, image file decoding'),
  preprocessMs: z.number().nonnegative(),
  inferMs: z
    .number()
    .nonnegative()
    .describe(
      'the engine running batches (on its worker thread when it has one: overlaps the stages before it; with several ONNX sessions or tfjs worker threads, summed over them)',
    ),
  metricsMs: z.number().nonnegative(),
})

export const evalDocumentSchema = z
  .object({
    schema: z.literal(EVAL_SCHEMA),
    /** false for a partial result (interrupted run): metrics cover `dataset.samples` samples so far. */
    complete: z.boolean(),
    demo: z.boolean(),
    createdAt: z.string(),
    tool: z.object({ name: z.literal('ferbench'), version: z.string() }),
    /** sha256 and bytes cover every file of the model (src/base/modelFiles.ts, docs/identity.md); `files` lists them. */
    model: z.object({
      path: z.string(),
      sha256: z.string(),
      bytes: count,
      files: z.array(modelFileSchema).optional(),
      card: modelCardSchema,
    }),
    dataset: z.object({
      name: z.string(),
      path: z.string(),
      split: z.string(),
      /** Samples scored (failures excluded). */
      samples: count,
      /**
       * Sum modulo 2^256 of sha256(`id\tlabel\tcontent\n`) over the scored samples (content = sha256 of
       * the decoded pixels), 64 hex digits: independent of order, so resumed runs and merged shards give
       * the digest of the whole run (src/base/datasetDigest.ts, docs/identity.md).
       */
      digest: digestHex,
      /** The same sum of sha256(`label\tcontent\n`): the pictures and labels, whatever file or row they came from. Absent in older documents. */
      contentDigest: digestHex.optional(),
      /** The same sum of sha256(`id\tlabel\n`): ids and labels only (the digest older versions wrote). Absent in older documents. */
      idDigest: digestHex.optional(),
      labels: z.array(z.string()),
      /** Present when the run evaluated one shard (--shard index/count) of the split. */
      shard: shardSchema.extend({ hash: z.string() }).optional(),
      /** Present when the run evaluated one subject-independent fold (--folds N --fold k); rule in src/datasets/folds.ts. */
      fold: z
        .object({
          fold: z.number().int().positive(),
          folds: z.number().int().positive(),
          split: z.string(),
          rule: z.string(),
          subjects: z.array(z.string()),
        })
        .optional(),
      /** Present when images were decoded from files: what the decoder did to them (src/datasets/decodeTally.ts). Absent in older documents. */
      images: imagesSummarySchema.optional(),
      /** Present when the run was given --faces (docs/faces.md): how faces were found and cropped, and how often. */
      faces: facesSchema.optional(),
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
      /** Worker threads that ran the model side by side, each with its own backend (tfjs on the CPU, --workers); absent: one engine. */
      workers: z.number().int().positive().optional(),
      graphOptimization: z.string().nullable(),
      /** Samples per inference call requested. */
      batch: z.number().int().positive(),
      /** Rows actually sent per inference call (views × samples, or the model's fixed batch). */
      rowsPerCall: z.number().int().positive(),
      /** True when the model's graph fixes the batch dimension and ferbench ran it at that size. */
      fixedBatch: z.boolean(),
    }),
    machine: machineSchema,
    versions: z.record(z.string(), z.string()),
    /** calibration: absent only in results of older versions; slices: one entry per `--slice-by` attribute. */
    metrics: classificationMetricsSchema.extend({
      calibration: calibrationSchema.optional(),
      slices: slicesSchema.optional(),
    }),
    /** Would another order of the card's labels fit much better? (src/metrics/labelOrder.ts) */
    labelOrderCheck: labelOrderCheckSchema.optional(),
    /** The degenerate-output check (src/metrics/degenerate.ts): output statistics and the flags raised. */
    outputCheck: outputCheckSchema.optional(),
    timing: z.object({
      wallSeconds: z.number().nonnegative(),
      imagesPerSecond: z.number().nonnegative(),
      /** Per-stage times summed over samples; with --concurrency > 1 read and preprocess overlap inference. */
      stagesMs: z.object({ read: z.number(), preprocess: z.number(), infer: z.number(), metrics: z.number() }),
      /** Number of process runs that made this result (> 1 after --resume); wallSeconds sums them. */
      segments: z.number().int().positive().optional(),
      split: stageSplitSchema
        .optional()
        .describe(
          'where this run segment spent its time, ms; stages overlap, so they can sum to more than the wall time',
        ),
    }),
    warnings: z.array(z.string()),
    failures: z.array(sampleFailureSchema),
    /** Per-sample predictions, embedded by default (columns, src/results/predictions.ts); older documents hold an array. */
    predictions: predictionsFieldSchema.optional(),
    /** Only in a partial result (complete:false): what `eval --resume` needs to continue. */
    resume: resumePointSchema.optional(),
    /** Only in a merged result (`ferbench merge`): the shards it was made from. */
    merged: z
      .object({
        shards: z.array(
          z.object({
            index: z.number().int(),
            count: z.number().int(),
            file: z.string(),
            samples: count,
            failures: count,
            machine: machineSchema,
            wallSeconds: z.number(),
          }),
        ),
      })
      .optional(),
  })
  .meta({
    title: 'ferbench eval result',
    description: `schema ${EVAL_SCHEMA}: one evaluation of one model on one dataset split`,
  })

export type EvalResult = z.infer<typeof evalDocumentSchema>
export type SampleFailure = z.infer<typeof sampleFailureSchema>
export type StageSplit = z.infer<typeof stageSplitSchema>
