import { existsSync } from 'node:fs'
import path from 'node:path'
import { dataError, usageError } from '../base/errors.js'
import { requireRegularFile } from '../base/inputFile.js'
import { forEachLineSync } from './lines.js'
import type { Emotion } from '../base/emotions.js'
import { decodeImageFile, decodeLimitsOf, type DecodeLimits } from './decode.js'
import { RAFDB_ATTRIBUTE_NAMES, RAFDB_MANUAL_DIR, readRafdbAttributes } from './rafdbAttributes.js'
import { isDirectory, isFile, relativeId, rootRule, SkippedFiles, subfolders, walkImages, warnOnce } from './files.js'
import type { DatasetAdapter, DatasetInfo, DatasetOptions, Sample } from './types.js'

/** RAF-DB basic codes 1–7 in canonical names (index 0 = code 1). */
export const RAFDB_LABELS: readonly Emotion[] = [
  'surprise',
  'fear',
  'disgust',
  'happiness',
  'sadness',
  'anger',
  'neutral',
]
/** The EfficientFace folder layout's order, folders 0–6. */
export const EFFICIENTFACE_LABELS: readonly Emotion[] = [
  'neutral',
  'happiness',
  'sadness',
  'surprise',
  'fear',
  'disgust',
  'anger',
]
const LIST = path.join('EmoLabel', 'list_patition_label.txt')

export const rafdbInfo: DatasetInfo = {
  name: 'rafdb',
  description:
    'RAF-DB basic: EmoLabel/list_patition_label.txt + Image/aligned/*_aligned.jpg, or the EfficientFace layout {train,test}/{0..6}/',
  labels: RAFDB_LABELS,
  splits: ['train', 'test'],
  canonicalCounts: { train: 12271, test: 3068 },
  dataHint: '--data <RAF-DB basic/ folder> or --data <EfficientFace RAF-DB/ folder with train/ and test/>',
}

type Layout = { kind: 'official'; root: string } | { kind: 'efficientface'; root: string }

function detectLayout(data: string, options: DatasetOptions): Layout {
  const rule = rootRule(data, options)
  if (isFile(data) && path.basename(data) === 'list_patition_label.txt')
    return { kind: 'official', root: path.dirname(path.dirname(data)) }
  for (const root of [data, path.join(data, 'basic')])
    if (isFile(path.join(root, LIST))) return { kind: 'official', root }
  if (!isDirectory(data)) throw dataError(`${data}: no such folder (expected RAF-DB's basic/ folder)`)
  const splits = subfolders(data, rule).filter((s) => s === 'train' || s === 'test')
  if (splits.length > 0 && splits.every((s) => subfolders(path.join(data, s), rule).some((c) => /^[0-6]$/.test(c))))
    return { kind: 'efficientface', root: data }
  throw dataError(
    `${data}: no ${LIST} (official RAF-DB layout) and no train/0..6 or test/0..6 folders (EfficientFace layout)`,
  )
}

export class RafdbAdapter implements DatasetAdapter {
  readonly name = 'rafdb'
  readonly labels: readonly Emotion[]
  readonly defaultSplit = 'test'
  readonly warnings: string[] = []
  private readonly limits: DecodeLimits
  readonly layout: Layout['kind']
  private readonly root: string
  private readonly allowOutsideRoot: boolean

  constructor(options: DatasetOptions) {
    this.limits = decodeLimitsOf(options)
    const layout = detectLayout(options.data, options)
    this.allowOutsideRoot = options.allowOutsideRoot === true
    this.layout = layout.kind
    this.root = layout.root
    this.labels = layout.kind === 'official' ? RAFDB_LABELS : EFFICIENTFACE_LABELS
    if (layout.kind === 'efficientface') {
      warnOnce(
        this.warnings,
        `rafdb: EfficientFace folder layout: folders 0–6 read as ${EFFICIENTFACE_LABELS.join(', ')} (not RAF-DB's list codes)`,
      )
    }
  }

  splits(): readonly string[] {
    return ['train', 'test']
  }

  /** gender, race, age when the official layout has basic/Annotation/manual/. */
  sliceAttributes(): readonly string[] {
    return this.layout === 'official' && isDirectory(path.join(this.root, RAFDB_MANUAL_DIR))
      ? RAFDB_ATTRIBUTE_NAMES
      : []
  }

  samples(split: string): AsyncIterable<Sample> {
    if (split !== 'train' && split !== 'test') throw usageError(`--split ${split}: RAF-DB splits are train, test`)
    return this.layout === 'official' ? this.officialSamples(split) : this.efficientFaceSamples(split)
  }

  private async *officialSamples(split: string): AsyncIterable<Sample> {
    const list = path.join(this.root, LIST)
    requireRegularFile(list, { what: "RAF-DB's list_patition_label.txt", fail: dataError })
    // about 15,000 short lines: read whole (bounded per line), then streamed as samples
    const lines: string[] = []
    forEachLineSync(list, (l) => void lines.push(l))
    // image → [code, line]: listed twice with the same code is a warning (counted once), with another code an error
    const listed = new Map<string, [number, number]>()
    const duplicateExamples: string[] = []
    let duplicates = 0
    let lineNo = 0
    for (const raw of lines) {
      lineNo += 1
      const line = raw.trim()
      if (line === '') continue
      const m = /^((train|test)_\d+)\.(jpg|jpeg|png)\s+(\d+)$/i.exec(line)
      const code = m ? Number(m[4]) : NaN
      if (!m || !(code >= 1 && code <= 7)) {
        throw dataError(
          `${list} line ${lineNo}: expected '<train|test>_NNNNN.jpg <code 1–7>', got '${line.slice(0, 60)}'`,
        )
      }
      const before = listed.get(m[1]!.toLowerCase())
      if (before && before[0] !== code) {
        throw dataError(
          `${list} line ${lineNo}: ${m[1]} has code ${code}, but line ${before[1]} lists it with code ${before[0]} (expected one label per image)`,
        )
      }
      if (before) {
        duplicates += 1
        if (duplicateExamples.length < 5) duplicateExamples.push(`${m[1]} (lines ${before[1]} and ${lineNo})`)
        continue
      }
      listed.set(m[1]!.toLowerCase(), [code, lineNo])
      if (m[2]!.toLowerCase() !== split) continue
      const stem = m[1]!
      const file = path.join(this.root, 'Image', 'aligned', `${stem}_aligned.${m[3]}`)
      const where = `${list} line ${lineNo}`
      yield {
        id: stem,
        label: RAFDB_LABELS[code - 1]!,
        source: file,
        load: async () => {
          if (!existsSync(file))
            throw new Error(
              `${file}: listed in ${where} but missing (expected the aligned image ${stem}_aligned.${m[3]})`,
            )
          return decodeImageFile(file, this.limits)
        },
        attributes: () => readRafdbAttributes(this.root, stem),
      }
    }
    if (duplicates > 0)
      warnOnce(
        this.warnings,
        `rafdb: ${duplicates} line(s) of ${list} repeat an image with the same code; counted once: ${duplicateExamples.join(', ')}`,
      )
  }

  private async *efficientFaceSamples(split: string): AsyncIterable<Sample> {
    const dir = path.join(this.root, split)
    if (!isDirectory(dir)) throw dataError(`${dir}: no such folder (EfficientFace layout has train/ and test/)`)
    const skipped = new SkippedFiles()
    for (const folder of subfolders(dir, rootRule(this.root, { allowOutsideRoot: this.allowOutsideRoot }))) {
      const label = /^[0-6]$/.test(folder) ? EFFICIENTFACE_LABELS[Number(folder)] : undefined
      if (!label) {
        warnOnce(this.warnings, `rafdb: folder ${split}/${folder} is not a class 0–6: skipped`)
        continue
      }
      for await (const file of walkImages(path.join(dir, folder), skipped)) {
        yield { id: relativeId(this.root, file), label, source: file, load: () => decodeImageFile(file, this.limits) }
      }
    }
    warnOnce(this.warnings, skipped.message(dir))
  }
}
