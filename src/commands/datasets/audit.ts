import { Flags } from '@oclif/core'
import { FerbenchCommand } from '../../cli/baseCommand.js'
import {
  datasetSelectionFlags,
  foldsFlag,
  ignoreExifOrientationFlag,
  maxAspectFlag,
  maxPixelsFlag,
  maxSideFlag,
  splitFlag,
} from '../../cli/flags/dataset.js'
import { outputFlag } from '../../cli/flags/output.js'
import { LIMITS } from '../../base/limits.js'
import { DECODE_SLOTS } from '../../datasets/decodeLimits.js'
import { evalDatasetOptions } from '../../cli/flags/dataset.js'
import { runCommand } from '../../cli/runCommand.js'
import { countInBackground } from '../../cli/progress.js'
import { auditDataset } from '../../audit/auditDataset.js'
import type { AuditResult } from '../../results/auditDocument.js'
import { usageError } from '../../base/errors.js'
import { EXIT_CODES } from '../../base/exitCodes.js'
import { NEAR_MAX_DISTANCE, NEAR_MIN_SIMILARITY, nearViewMaxDistance } from '../../audit/nearDuplicates.js'
import { renderAudit } from '../../report/datasetTables.js'

export default class DatasetsAudit extends FerbenchCommand {
  static override summary =
    'Find exact duplicate images (same decoded pixels) and re-saved or mirrored copies across splits, folds and subjects.'
  static override description =
    'A test image that also sits in training inflates accuracy. Exact: sha256 of the decoded pixels. Near: perceptual-hash candidates (dHash of the image and its mirror ' +
    `within --max-distance bits, default ${NEAR_MAX_DISTANCE}, and of its shifted, zoomed, cropped and mirrored views within ${nearViewMaxDistance(NEAR_MAX_DISTANCE)}, found through an index), aligned (shift, scale, mirror) and tone-mapped, ` +
    `confirmed by correlation ≥ --min-similarity (default ${NEAR_MIN_SIMILARITY}); each pair names its transformation class (mirror, scale, shift, photometric, jpeg/blur). ` +
    'The terminal shows a summary (counts per pair of splits, the closest pairs); --json and --output carry the full lists. Calibrated precision and recall: docs/detectors.md. ' +
    'Images that fail to decode are listed in failures (exit code 7).'
  static override examples = [
    '<%= config.bin %> datasets audit --dataset rafdb --data RAF-DB/basic',
    '<%= config.bin %> datasets audit --dataset fer2013 --data fixtures/fer2013/fer2013.csv --output audit.json',
    '<%= config.bin %> datasets audit --dataset ckplus --data fixtures/ckplus/CK+48 --folds 5 --top 3',
    '<%= config.bin %> datasets audit --dataset rafdb --data fixtures/rafdb/basic --json',
  ]

  static override flags = {
    ...datasetSelectionFlags,
    split: splitFlag({ description: 'only this split (default: every split, which is what finds leaks between them)' }),
    folds: foldsFlag(
      "datasets with subjects: the subject-independent folds to check (default: the dataset's own, e.g. CK+ 10)",
    ),
    'max-distance': Flags.integer({
      description: `near candidates: dHash Hamming distance of the image or its mirror at most this (0–64; larger finds more, slower; other views: at most ${nearViewMaxDistance(NEAR_MAX_DISTANCE)}, or this when it is below ${NEAR_MAX_DISTANCE})`,
      default: NEAR_MAX_DISTANCE,
      min: 0,
      max: 64,
    }),
    'min-similarity': Flags.string({
      description: `near confirmation: correlation after alignment and tone mapping at least this (−1 to 1; lower reports more pairs)`,
      default: String(NEAR_MIN_SIMILARITY),
    }),
    top: Flags.integer({
      description: 'closest pairs shown in the terminal summary',
      default: 10,
      min: 0,
      max: LIMITS.auditTop,
    }),
    concurrency: Flags.integer({
      description: `images hashed at once (1–${LIMITS.concurrency}; at most ${DECODE_SLOTS} are decoded at a time)`,
      default: 4,
      min: 1,
      max: LIMITS.concurrency,
    }),
    'max-pixels': maxPixelsFlag,
    'max-side': maxSideFlag,
    'max-aspect': maxAspectFlag,
    'ignore-exif-orientation': ignoreExifOrientationFlag,
    output: outputFlag({ description: 'write the full audit JSON to this file (atomically)' }),
  }

  async run(): Promise<AuditResult> {
    const { flags } = await this.parse(DatasetsAudit)
    const minSimilarity = Number(flags['min-similarity'])
    if (flags['min-similarity'].trim() === '' || !(minSimilarity >= -1 && minSimilarity <= 1))
      throw usageError(
        `--min-similarity ${flags['min-similarity']}: expected a correlation between -1 and 1, e.g. ${NEAR_MIN_SIMILARITY}`,
      )
    return runCommand(this.terminal(), {
      outputs: [{ flag: '--output', file: flags.output }],
      inputs: [
        { flag: '--data', file: flags.data },
        { flag: '--labels', file: flags.labels },
      ],
      progress: { label: 'auditing', unit: 'images' },
      run: async ({ progress }) => {
        const datasetOptions = {
          data: flags.data,
          ...(flags.split ? { split: flags.split } : {}),
          ...evalDatasetOptions(flags),
        }
        const counting = progress.active
          ? countInBackground(progress, {
              dataset: flags.dataset,
              datasetOptions,
              ...(flags.split ? {} : { splits: 'all' as const }),
            })
          : undefined
        try {
          return await auditDataset({
            dataset: flags.dataset,
            ...datasetOptions,
            concurrency: flags.concurrency,
            maxDistance: flags['max-distance'],
            minSimilarity,
            onProgress: (done) => progress.update(done),
            ...(flags.folds !== undefined ? { folds: flags.folds } : {}),
          })
        } finally {
          counting?.abort()
        }
      },
      output: flags.output,
      view: (result) => renderAudit(result, flags.top, flags.output),
      exitCode: (result) => (result.failures.length > 0 ? EXIT_CODES.incomplete.code : undefined),
    })
  }
}
