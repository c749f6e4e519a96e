import { createReadStream } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { dataError, usageError } from '../base/errors.js'
import { EMOTIONS, parseEmotion, type Emotion } from '../base/emotions.js'
import { parseClassMap } from './classMap.js'
import { decodeImageFile, decodeLimitsOf, type DecodeLimits } from './decode.js'
import { resolveListedPath, rootRule, warnOnce, type RootRule } from './files.js'
import { byCodePoint } from '../base/naturalOrder.js'
import { requireRegularFile } from '../base/inputFile.js'
import { forEachLineSync } from './lines.js'
import type { DatasetAdapter, DatasetInfo, DatasetOptions, Sample } from './types.js'

export const manifestInfo: DatasetInfo = {
  name: 'manifest',
  description: 'CSV manifest path,label[,subject][,split], paths relative to the manifest file',
  labels: [],
  splits: ['all', '<values of the split column>'],
  dataHint: '--data manifest.csv',
}

/** Splits one CSV line into fields (RFC 4180 quotes; a field may not span lines). */
function splitCsvLine(line: string): string[] {
  const out: string[] = []
  let field = ''
  let quoted = false
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!
    if (quoted) {
      if (c === '"' && line[i + 1] === '"') {
        field += '"'
        i += 1
      } else if (c === '"') quoted = false
      else field += c
    } else if (c === '"' && field === '') quoted = true
    else if (c === ',') {
      out.push(field)
      field = ''
    } else field += c
  }
  out.push(field)
  return out.map((f) => f.trim())
}

interface Columns {
  path: number
  label: number
  subject: number
  split: number
  /** Columns beyond path, label, subject and split: per-sample attributes for --slice-by, by header name. */
  extra: Array<{ name: string; index: number }>
}

export class ManifestAdapter implements DatasetAdapter {
  readonly name = 'manifest'
  readonly labels: readonly Emotion[]
  readonly defaultSplit: string
  readonly warnings: string[] = []
  private readonly limits: DecodeLimits
  private readonly file: string
  private readonly dir: string
  private readonly rule: RootRule
  /** Line numbers of rows that repeat an earlier row's image in the same split (skipped). */
  private readonly duplicateLines = new Set<number>()
  private readonly cols: Columns
  private readonly splitNames: string[]
  private readonly labelOf: (text: string) => Emotion | undefined

  constructor(options: DatasetOptions) {
    this.limits = decodeLimitsOf(options)
    this.file = options.data
    requireRegularFile(this.file, { what: 'a CSV manifest with header path,label[,subject][,split]', fail: dataError })
    this.dir = path.dirname(this.file)
    this.rule = rootRule(this.dir, options)
    const map = options.classMap ? new Map(parseClassMap(options.classMap)) : undefined
    this.labelOf = map ? (t) => map.get(t) ?? parseEmotion(t) : (t) => parseEmotion(t)
    let cols: Columns | undefined
    const present = new Set<Emotion>()
    const splits = new Set<string>()
    // path → [label, line]: one image listed with two labels is an error; the same row twice in a split is a warning
    const listed = new Map<string, [Emotion, number]>()
    const inSplit = new Set<string>()
    const duplicateExamples: string[] = []
    // One light pass (labels and splits only) so the native label set is known before streaming.
    forEachLineSync(this.file, (line, lineNo) => {
      if (line.trim() === '') return
      const fields = splitCsvLine(line.replace(/^\uFEFF/, ''))
      if (!cols) {
        const names = fields.map((f) => f.toLowerCase())
        cols = {
          path: names.indexOf('path'),
          label: names.indexOf('label'),
          subject: names.indexOf('subject'),
          split: names.indexOf('split'),
          extra: fields
            .map((name, index) => ({ name, index }))
            .filter((c) => !['path', 'label', 'subject', 'split'].includes(c.name.toLowerCase()) && c.name !== ''),
        }
        if (cols.path < 0 || cols.label < 0)
          throw dataError(
            `${this.file} line ${lineNo}: header must name columns path,label[,subject][,split]; got '${line.slice(0, 80)}'`,
          )
        return
      }
      const text = fields[cols.label] ?? ''
      const label = this.labelOf(text)
      if (!label) {
        throw dataError(
          `${this.file} line ${lineNo}: label '${text}' is not an emotion (${EMOTIONS.join(', ')} or synonyms${map ? ', or a --class-map name' : "; numeric labels need --class-map '0=neutral,…'"})`,
        )
      }
      present.add(label)
      if (cols.split >= 0) splits.add(fields[cols.split] ?? '')
      const rel = fields[cols.path] ?? ''
      if (rel === '') throw dataError(`${this.file} line ${lineNo}: empty path`)
      const file = resolveListedPath(this.rule, rel, `${this.file} line ${lineNo}`)
      const before = listed.get(file)
      if (before === undefined) listed.set(file, [label, lineNo])
      else if (before[0] !== label) {
        throw dataError(
          `${this.file} line ${lineNo}: '${rel}' is labelled ${label}, but line ${before[1]} lists the same image as ${before[0]} (expected one label per image)`,
        )
      }
      const key = `${cols.split >= 0 ? (fields[cols.split] ?? '') : ''}\0${file}`
      if (inSplit.has(key)) {
        this.duplicateLines.add(lineNo)
        if (duplicateExamples.length < 5) duplicateExamples.push(`'${rel}' (line ${lineNo})`)
      } else inSplit.add(key)
    })
    if (this.duplicateLines.size > 0) {
      warnOnce(
        this.warnings,
        `manifest: ${this.duplicateLines.size} row(s) repeat an image already listed in the same split with the same label; each image is counted once: ${duplicateExamples.join(', ')}`,
      )
    }
    if (!cols) throw dataError(`${this.file}: empty manifest (expected header path,label[,subject][,split])`)
    this.cols = cols
    this.labels = map ? [...map.values()].filter((e) => present.has(e)) : EMOTIONS.filter((e) => present.has(e))
    this.splitNames = cols.split >= 0 ? [...splits].sort(byCodePoint) : ['all']
    this.defaultSplit = this.splitNames.includes('test') ? 'test' : (this.splitNames[0] ?? 'all')
  }

  splits(): readonly string[] {
    return this.splitNames
  }

  /** `subject` when the manifest has that column, and every extra column by its header name. */
  sliceAttributes(): readonly string[] {
    return [...(this.cols.subject >= 0 ? ['subject'] : []), ...this.cols.extra.map((c) => c.name)]
  }

  async *samples(split: string): AsyncIterable<Sample> {
    if (!this.splitNames.includes(split))
      throw usageError(`--split ${split}: ${this.file} has split(s) ${this.splitNames.join(', ')}`)
    const lines = createInterface({ input: createReadStream(this.file), crlfDelay: Infinity })
    let lineNo = 0
    let header = true
    for await (const line of lines) {
      lineNo += 1
      if (line.trim() === '') continue
      if (header) {
        header = false
        continue
      }
      if (this.duplicateLines.has(lineNo)) continue
      const f = splitCsvLine(line)
      if (this.cols.split >= 0 && (f[this.cols.split] ?? '') !== split) continue
      const rel = f[this.cols.path] ?? ''
      if (rel === '') throw dataError(`${this.file} line ${lineNo}: empty path`)
      const file = resolveListedPath(this.rule, rel, `${this.file} line ${lineNo}`)
      const subject = this.cols.subject >= 0 && (f[this.cols.subject] ?? '') !== '' ? f[this.cols.subject] : undefined
      yield {
        id: rel.split(path.sep).join('/'),
        ...(subject !== undefined ? { subject } : {}),
        label: this.labelOf(f[this.cols.label] ?? '')!,
        source: `${this.file} line ${lineNo} (${rel})`,
        load: () => decodeImageFile(file, this.limits),
        ...(this.cols.extra.length > 0 ? { attributes: async () => extraAttributes(f, this.cols.extra) } : {}),
      }
    }
  }
}

/** A row's extra-column values by header name; empty cells are absent (the '(none)' group). */
function extraAttributes(fields: readonly string[], extra: Columns['extra']): ReadonlyMap<string, string> {
  const out = new Map<string, string>()
  for (const c of extra) {
    const v = fields[c.index] ?? ''
    if (v !== '') out.set(c.name, v)
  }
  return out
}
