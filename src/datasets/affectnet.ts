import path from 'node:path'
import { dataError, usageError } from '../base/errors.js'
import { requireRegularFile } from '../base/inputFile.js'
import type { Emotion } from '../base/emotions.js'
import { decodeImageFile, decodeLimitsOf, type DecodeLimits } from './decode.js'
import { cropBox } from './faceCrop.js'
import { isDirectory, isFile, resolveListedPath, rootRule, warnOnce, type RootRule } from './files.js'
import { csvRecords } from './lines.js'
import type { DatasetAdapter, DatasetInfo, DatasetOptions, Sample } from './types.js'

/** AffectNet expression codes 0–7 in canonical names; 8 None, 9 Uncertain, 10 No-Face are not emotions. */
export const AFFECTNET_LABELS: readonly Emotion[] = [
  'neutral',
  'happiness',
  'sadness',
  'surprise',
  'fear',
  'disgust',
  'anger',
  'contempt',
]
const NON_EMOTION: Readonly<Record<number, string>> = { 8: 'None', 9: 'Uncertain', 10: 'No-Face' }
const LISTS = 'Manually_Annotated_file_lists'
const IMAGES = 'Manually_Annotated_Images'
const SPLIT_FILES: ReadonlyMap<string, string> = new Map([
  ['training', 'training.csv'],
  ['validation', 'validation.csv'],
])
const COLUMNS = ['subDirectory_filePath', 'face_x', 'face_y', 'face_width', 'face_height', 'expression'] as const

export const affectnetInfo: DatasetInfo = {
  name: 'affectnet',
  description:
    'AffectNet manually annotated lists (training.csv, validation.csv), face-box crop, --classes 7|8; codes 8–10 dropped',
  labels: AFFECTNET_LABELS,
  splits: ['training', 'validation'],
  dataHint: `--data <folder holding ${LISTS}/ and ${IMAGES}/> [--classes 7|8]`,
}

export class AffectnetAdapter implements DatasetAdapter {
  readonly name = 'affectnet'
  readonly labels: readonly Emotion[]
  readonly defaultSplit = 'validation'
  readonly warnings: string[] = []
  private readonly limits: DecodeLimits
  private readonly root: string
  private readonly classes: 7 | 8
  private readonly rule: RootRule
  /** --faces none or detect: whole images, not the list's face box. */
  private readonly wholeFrames: boolean

  constructor(options: DatasetOptions) {
    this.limits = decodeLimitsOf(options)
    this.wholeFrames = options.faces === 'none' || options.faces === 'detect'
    this.classes = options.classes ?? 8
    if (this.classes !== 7 && this.classes !== 8)
      throw usageError(`--classes ${String(options.classes)}: AffectNet is read with 7 or 8 classes`)
    this.root = isFile(options.data) ? path.dirname(path.dirname(options.data)) : options.data
    if (!isDirectory(path.join(this.root, LISTS))) {
      throw dataError(
        `${options.data}: no ${LISTS}/ folder (expected the AffectNet folder holding ${LISTS}/ and ${IMAGES}/)`,
      )
    }
    this.labels = this.classes === 8 ? AFFECTNET_LABELS : AFFECTNET_LABELS.slice(0, 7)
    this.rule = rootRule(path.join(this.root, IMAGES), options)
  }

  splits(): readonly string[] {
    return ['training', 'validation']
  }

  async *samples(split: string): AsyncIterable<Sample> {
    const fileName = SPLIT_FILES.get(split)
    if (!fileName) throw usageError(`--split ${split}: AffectNet splits are training, validation`)
    const list = path.join(this.root, LISTS, fileName)
    requireRegularFile(list, { what: `AffectNet's ${split} list`, fail: dataError })
    let cols: Record<(typeof COLUMNS)[number], number> | undefined
    let row = 0
    const dropped = new Map<string, number>()
    const drop = (what: string): void => void dropped.set(what, (dropped.get(what) ?? 0) + 1)
    // image → [code, row]: listed twice with the same code is a warning, with another code an error
    const listed = new Map<string, [number, number]>()
    let duplicates = 0
    const duplicateExamples: string[] = []
    for await (const record of csvRecords(list, 'one row per image')) {
      if (!cols) {
        const names = record.map((h) => h.trim())
        const missing = COLUMNS.filter((c) => !names.includes(c))
        if (missing.length > 0)
          throw dataError(`${list}: header lacks ${missing.join(', ')} (got: ${record.slice(0, 9).join(',')})`)
        cols = Object.fromEntries(COLUMNS.map((c) => [c, names.indexOf(c)])) as Record<(typeof COLUMNS)[number], number>
        continue
      }
      row += 1
      const where = `${list} row ${row}`
      const get = (c: (typeof COLUMNS)[number]): string => (record[cols![c]] ?? '').trim()
      const code = Number(get('expression'))
      if (!Number.isInteger(code) || code < 0 || code > 10 || get('expression') === '') {
        throw dataError(`${where}: expression '${get('expression')}' is not an AffectNet code 0–10`)
      }
      if (code >= 8) {
        drop(`${code} ${NON_EMOTION[code]}`)
        continue
      }
      if (code === 7 && this.classes === 7) {
        drop('7 Contempt (--classes 7)')
        continue
      }
      const box = ['face_x', 'face_y', 'face_width', 'face_height'].map((c) =>
        Number(get(c as (typeof COLUMNS)[number])),
      )
      if (box.some((v) => !Number.isInteger(v)))
        throw dataError(`${where}: face box '${box.join(',')}' is not four whole numbers`)
      const relative = get('subDirectory_filePath')
      if (relative === '') throw dataError(`${where}: empty subDirectory_filePath`)
      const file = resolveListedPath(this.rule, relative, where)
      const before = listed.get(file)
      if (before === undefined) listed.set(file, [code, row])
      else if (before[0] !== code) {
        throw dataError(
          `${where}: '${relative}' has expression ${code}, but row ${before[1]} lists the same image with ${before[0]} (expected one label per image)`,
        )
      } else {
        duplicates += 1
        if (duplicateExamples.length < 5) duplicateExamples.push(`'${relative}' (rows ${before[1]} and ${row})`)
        continue
      }
      const [left, top, width, height] = box as [number, number, number, number]
      yield {
        id: relative,
        label: AFFECTNET_LABELS[code]!,
        source: `${where} (${file})`,
        load: async () =>
          this.wholeFrames
            ? decodeImageFile(file, this.limits)
            : cropBox(await decodeImageFile(file, this.limits), { left, top, width, height }, `${where} (${relative})`),
      }
    }
    if (!cols) throw dataError(`${list}: no header row (expected '${COLUMNS.join(',')},…')`)
    if (duplicates > 0)
      warnOnce(
        this.warnings,
        `affectnet ${split}: ${duplicates} row(s) repeat an image already listed with the same label; counted once: ${duplicateExamples.join(', ')}`,
      )
    if (dropped.size > 0) {
      const detail = [...dropped].map(([what, n]) => `${n} × code ${what}`).join(', ')
      warnOnce(
        this.warnings,
        `affectnet ${split}: ${[...dropped.values()].reduce((a, b) => a + b, 0)} row(s) dropped (not among the ${this.classes} classes): ${detail}`,
      )
    }
  }
}
