import { closeSync, createReadStream, openSync, readSync } from 'node:fs'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { dataError, usageError } from '../core/errors.js'
import { EMOTIONS, parseEmotion, type Emotion } from '../labels/emotions.js'
import { parseClassMap } from './classMap.js'
import { decodeImageFile } from './decode.js'
import { byCodePoint, isFile } from './files.js'
import type { DatasetAdapter, DatasetInfo, DatasetOptions, Sample } from './types.js'

export const manifestInfo: DatasetInfo = {
  name: 'manifest',
  description: 'CSV manifest path,label[,subject][,split], paths relative to the manifest file',
  labels: [],
  splits: ['all', '<values of the split column>'],
  dataHint: '--data manifest.csv',
}

/** Splits one CSV line into fields (RFC 4180 quotes; a field may not span lines). */
export function splitCsvLine(line: string): string[] {
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

/** Reads a file's lines synchronously in 64 KiB chunks (memory stays flat for any file size). */
function forEachLineSync(file: string, onLine: (line: string, lineNo: number) => void): void {
  const fd = openSync(file, 'r')
  try {
    const chunk = Buffer.alloc(1 << 16)
    let rest = ''
    let lineNo = 0
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, null)
      if (n === 0) break
      const text = rest + chunk.toString('utf8', 0, n)
      const lines = text.split('\n')
      rest = lines.pop()!
      for (const l of lines) onLine(l.replace(/\r$/, ''), ++lineNo)
    }
    if (rest !== '') onLine(rest.replace(/\r$/, ''), ++lineNo)
  } finally {
    closeSync(fd)
  }
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
  private readonly file: string
  private readonly dir: string
  private readonly cols: Columns
  private readonly splitNames: string[]
  private readonly labelOf: (text: string) => Emotion | undefined

  constructor(options: DatasetOptions) {
    this.file = options.data
    if (!isFile(this.file)) throw dataError(`${this.file}: no such file (expected a CSV manifest with header path,label[,subject][,split])`)
    this.dir = path.dirname(this.file)
    const map = options.classMap ? new Map(parseClassMap(options.classMap)) : undefined
    this.labelOf = map ? (t) => map.get(t) ?? parseEmotion(t) : (t) => parseEmotion(t)
    let cols: Columns | undefined
    const present = new Set<Emotion>()
    const splits = new Set<string>()
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
          extra: fields.map((name, index) => ({ name, index })).filter((c) => !['path', 'label', 'subject', 'split'].includes(c.name.toLowerCase()) && c.name !== ''),
        }
        if (cols.path < 0 || cols.label < 0) throw dataError(`${this.file} line ${lineNo}: header must name columns path,label[,subject][,split]; got '${line.slice(0, 80)}'`)
        return
      }
      const text = fields[cols.label] ?? ''
      const label = this.labelOf(text)
      if (!label) {
        throw dataError(`${this.file} line ${lineNo}: label '${text}' is not an emotion (${EMOTIONS.join(', ')} or synonyms${map ? ', or a --class-map name' : "; numeric labels need --class-map '0=neutral,…'"})`)
      }
      present.add(label)
      if (cols.split >= 0) splits.add(fields[cols.split] ?? '')
    })
    if (!cols) throw dataError(`${this.file}: empty manifest (expected header path,label[,subject][,split])`)
    this.cols = cols
    this.labels = map ? [...map.values()].filter((e) => present.has(e)) : EMOTIONS.filter((e) => present.has(e))
    this.splitNames = cols.split >= 0 ? [...splits].sort(byCodePoint) : ['all']
    this.defaultSplit = this.splitNames.includes('test') ? 'test' : this.splitNames[0] ?? 'all'
  }

  splits(): readonly string[] {
    return this.splitNames
  }

  /** `subject` when the manifest has that column, and every extra column by its header name. */
  sliceAttributes(): readonly string[] {
    return [...(this.cols.subject >= 0 ? ['subject'] : []), ...this.cols.extra.map((c) => c.name)]
  }

  async *samples(split: string): AsyncIterable<Sample> {
    if (!this.splitNames.includes(split)) throw usageError(`--split ${split}: ${this.file} has split(s) ${this.splitNames.join(', ')}`)
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
      const f = splitCsvLine(line)
      if (this.cols.split >= 0 && (f[this.cols.split] ?? '') !== split) continue
      const rel = f[this.cols.path] ?? ''
      if (rel === '') throw dataError(`${this.file} line ${lineNo}: empty path`)
      const file = path.resolve(this.dir, rel)
      const subject = this.cols.subject >= 0 && (f[this.cols.subject] ?? '') !== '' ? f[this.cols.subject] : undefined
      yield {
        id: rel.split(path.sep).join('/'),
        ...(subject !== undefined ? { subject } : {}),
        label: this.labelOf(f[this.cols.label] ?? '')!,
        source: `${this.file} line ${lineNo} (${rel})`,
        load: () => decodeImageFile(file),
        ...(this.cols.extra.length > 0 ? { attributes: async () => extraAttributes(f, this.cols.extra) } : {}),
      }
    }
  }
}

/** A row's extra-column values by header name; empty cells are absent (the '(none)' group). */
function extraAttributes(fields: readonly string[], extra: Columns['extra']): Record<string, string> {
  const out: Record<string, string> = {}
  for (const c of extra) {
    const v = fields[c.index] ?? ''
    if (v !== '') out[c.name] = v
  }
  return out
}
