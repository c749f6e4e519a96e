import { Flags } from '@oclif/core'
import { FerbenchCommand } from '../../cli/baseCommand.js'
import { datasetSelectionFlags, maxPixelsFlag } from '../../cli/datasetCommandFlags.js'
import { LIMITS } from '../../core/limits.js'
import { DECODE_SLOTS } from '../../datasets/decode.js'
import { evalDatasetOptions } from '../../cli/datasetFlags.js'
import { writeFileAtomic } from '../../core/atomicWrite.js'
import { checkOutputs } from '../../cli/outputs.js'
import { auditDataset, NEAR_DUPLICATE_MAX_BITS, type AuditResult } from '../../core/auditDataset.js'
import { EXIT_CODES } from '../../core/exitCodes.js'
import { renderAudit } from '../../report/datasetTables.js'
import { countInBackground, progressOnStderr } from '../../cli/progress.js'

export default class DatasetsAudit extends FerbenchCommand {
  static override summary = 'Find exact duplicate images (same decoded pixels) and near-duplicates (dHash) across splits, listed by id.'
  static override description =
    `A test image that also sits in training inflates accuracy. Exact: sha256 of the decoded pixels. Near: 64-bit dHash, Hamming distance ≤ ${NEAR_DUPLICATE_MAX_BITS}. ` +
    'Images that fail to decode are listed in failures (exit code 7).'
  static override examples = [
    '<%= config.bin %> datasets audit --dataset rafdb --data RAF-DB/basic',
    '<%= config.bin %> datasets audit --dataset fer2013 --data fer2013.csv --json',
    '<%= config.bin %> datasets audit --dataset fer2013 --data fixtures/fer2013/fer2013.csv',
    '<%= config.bin %> datasets audit --dataset rafdb --data fixtures/rafdb/basic --json',
  ]

  static override flags = {
    ...datasetSelectionFlags,
    split: Flags.string({ char: 's', description: 'only this split (default: every split, which is what finds leaks between them)' }),
    concurrency: Flags.integer({ description: `images hashed at once (1–${LIMITS.concurrency}; at most ${DECODE_SLOTS} are decoded at a time)`, default: 4, min: 1, max: LIMITS.concurrency }),
    'max-pixels': maxPixelsFlag,
    output: Flags.string({ char: 'o', description: 'write the audit JSON to this file (atomically)' }),
  }

  async run(): Promise<AuditResult> {
    const { flags } = await this.parse(DatasetsAudit)
    checkOutputs([{ flag: '--output', file: flags.output }], [{ flag: '--data', file: flags.data }, { flag: '--labels', file: flags.labels }])
    const progress = progressOnStderr(!this.jsonEnabled(), 'auditing', 'images')
    const datasetOptions = { data: flags.data, ...(flags.split ? { split: flags.split } : {}), ...evalDatasetOptions(flags) }
    const counting = progress.active ? countInBackground(progress, { dataset: flags.dataset, datasetOptions, ...(flags.split ? {} : { splits: 'all' as const }) }) : undefined
    let result: AuditResult
    try {
      result = await auditDataset({ dataset: flags.dataset, ...datasetOptions, concurrency: flags.concurrency, onProgress: (done) => progress.update(done) })
    } finally {
      counting?.abort()
      progress.stop()
    }
    if (flags.output) writeFileAtomic(flags.output, `${JSON.stringify(result, null, 2)}\n`)
    if (!this.jsonEnabled()) this.log(renderAudit(result))
    if (result.failures.length > 0) process.exitCode = EXIT_CODES.incomplete.code
    return result
  }
}
