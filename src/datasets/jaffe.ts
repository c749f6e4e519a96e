import path from 'node:path'
import { dataError, usageError } from '../base/errors.js'
import type { Emotion } from '../base/emotions.js'
import { decodeImageFile, decodeLimitsOf, type DecodeLimits } from './decode.js'
import { requireDirectory, SkippedFiles, walkImages, warnOnce, relativeId } from './files.js'
import type { DatasetAdapter, DatasetInfo, DatasetOptions, Sample } from './types.js'

/** JAFFE expression codes in canonical names. */
export const JAFFE_CODES: ReadonlyMap<string, Emotion> = new Map<string, Emotion>([
  ['NE', 'neutral'],
  ['HA', 'happiness'],
  ['SA', 'sadness'],
  ['SU', 'surprise'],
  ['AN', 'anger'],
  ['DI', 'disgust'],
  ['FE', 'fear'],
])
/** JAFFE's native order (as its codes are usually listed): NE HA SA SU AN DI FE. */
const JAFFE_LABELS: readonly Emotion[] = [...JAFFE_CODES.values()]

export const jaffeInfo: DatasetInfo = {
  name: 'jaffe',
  description: 'JAFFE: images found recursively, names subject.EXPRn.id (KA.AN1.39.tiff), 10 subjects, 7 classes',
  labels: JAFFE_LABELS,
  splits: ['all'],
  canonicalCounts: { all: 213 },
  defaultFolds: 10,
  dataHint: '--data <folder holding the .tiff files (any nesting)>',
}

export interface JaffeName {
  subject: string
  code: string
  index: number
  imageId: number
}

/** `KA.AN1.39.tiff` → {subject KA, code AN, index 1, imageId 39}; undefined when the name does not parse. */
function parseJaffeName(fileName: string): JaffeName | undefined {
  const m = /^([A-Za-z]{2})\.([A-Za-z]{2})(\d+)\.(\d+)\.[A-Za-z]+$/.exec(fileName)
  if (!m || !JAFFE_CODES.has(m[2]!.toUpperCase())) return undefined
  return { subject: m[1]!.toUpperCase(), code: m[2]!.toUpperCase(), index: Number(m[3]), imageId: Number(m[4]) }
}

export class JaffeAdapter implements DatasetAdapter {
  readonly name = 'jaffe'
  readonly labels = JAFFE_LABELS
  readonly defaultSplit = 'all'
  readonly warnings: string[] = []
  private readonly limits: DecodeLimits

  constructor(private readonly options: DatasetOptions) {
    this.limits = decodeLimitsOf(options)
    requireDirectory(options.data, 'the JAFFE folder of .tiff images')
  }

  splits(): readonly string[] {
    return ['all']
  }

  sliceAttributes(): readonly string[] {
    return ['subject']
  }

  async *samples(split: string): AsyncIterable<Sample> {
    if (split !== 'all')
      throw usageError(`--split ${split}: JAFFE has one split, 'all' (use --folds/--fold for leave-one-subject-out)`)
    const root = this.options.data
    const skipped = new SkippedFiles()
    const unparsed: string[] = []
    let count = 0
    for await (const file of walkImages(root, skipped)) {
      const parsed = parseJaffeName(path.basename(file))
      if (!parsed) {
        unparsed.push(relativeId(root, file))
        continue
      }
      count += 1
      const id = path.basename(file, path.extname(file))
      yield {
        id,
        subject: parsed.subject,
        label: JAFFE_CODES.get(parsed.code)!,
        source: file,
        load: () => decodeImageFile(file, this.limits),
      }
    }
    warnOnce(this.warnings, skipped.message(root))
    if (unparsed.length > 0) {
      warnOnce(
        this.warnings,
        `jaffe: ${unparsed.length} image name(s) do not parse as subject.EXPRn.id (e.g. KA.AN1.39.tiff): skipped: ${unparsed.slice(0, 10).join(', ')}`,
      )
    }
    if (count === 0) throw dataError(`${root}: no JAFFE images found (expected names like KA.AN1.39.tiff)`)
  }
}
