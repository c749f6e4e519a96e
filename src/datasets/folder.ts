import path from 'node:path'
import { dataError, usageError } from '../base/errors.js'
import { parseEmotion, type Emotion } from '../base/emotions.js'
import { parseClassMap } from './classMap.js'
import { decodeImageFile, decodeLimitsOf, type DecodeLimits } from './decode.js'
import {
  relativeId,
  requireDirectory,
  rootRule,
  SkippedFiles,
  subfolders,
  walkImages,
  warnOnce,
  type RootRule,
} from './files.js'
import type { DatasetAdapter, DatasetInfo, DatasetOptions, Sample } from './types.js'

/** Split names that FER2013 JPEG copies keep as a file-name prefix (`PrivateTest_10077120.jpg`). */
export const PREFIX_SPLITS = ['Training', 'PublicTest', 'PrivateTest']

/** The split a FER2013 JPEG file name carries as its prefix (`test/angry/PrivateTest_10077120.jpg` → PrivateTest), if any. */
export function prefixSplitOf(id: string): string | undefined {
  const base = id.slice(id.lastIndexOf('/') + 1)
  return PREFIX_SPLITS.find((s) => base.startsWith(`${s}_`))
}

export const folderInfo: DatasetInfo = {
  name: 'folder',
  description: 'image folders <root>/[<split>/]<class>/*; class names by synonym or --class-map for numeric folders',
  labels: [],
  splits: ['all', '<split folder names>'],
  dataHint: "--data <root> [--class-map '0=neutral,1=happiness,…']",
}

export class FolderAdapter implements DatasetAdapter {
  readonly name = 'folder'
  readonly labels: readonly Emotion[]
  readonly defaultSplit: string
  readonly warnings: string[] = []
  private readonly limits: DecodeLimits
  private readonly root: string
  private readonly rule: RootRule
  private readonly classOf: (name: string) => Emotion | undefined
  /** Split name → folder (undefined key 'all' = the root holds the class folders). */
  private readonly splitDirs: Map<string, string>

  constructor(options: DatasetOptions) {
    this.limits = decodeLimitsOf(options)
    this.root = options.data
    requireDirectory(this.root, 'a folder of class folders, <root>/[<split>/]<class>/*')
    this.rule = rootRule(this.root, options)
    const map = options.classMap ? new Map(parseClassMap(options.classMap)) : undefined
    this.classOf = map ? (name) => map.get(name) : (name) => parseEmotion(name)
    const hint = map
      ? `--class-map names: ${[...map.keys()].join(', ')}`
      : "emotion names or synonyms; for numeric folders pass --class-map '0=neutral,1=happiness,…'"
    const top = subfolders(this.root, this.rule)
    if (top.length === 0)
      throw dataError(
        `${this.root}: empty folder (expected class folders such as happy/, sad/ … or split folders train/, test/)`,
      )
    this.splitDirs = new Map()
    const seen: string[] = []
    if (top.some((d) => this.classOf(d) !== undefined)) {
      this.splitDirs.set('all', this.root)
      seen.push(...top)
    } else {
      for (const split of top) {
        const classes = subfolders(path.join(this.root, split), this.rule)
        if (classes.length === 0) continue
        this.splitDirs.set(split, path.join(this.root, split))
        seen.push(...classes)
      }
      // Folders of images whose names are not classes (e.g. 0/ … 6/): class folders that need a mapping.
      if (this.splitDirs.size === 0)
        throw usageError(`${this.root}: folder(s) ${top.join(', ')} are not classes (${hint})`)
    }
    const unknown = [...new Set(seen.filter((d) => this.classOf(d) === undefined))]
    if (unknown.length > 0) throw usageError(`${this.root}: folder(s) ${unknown.join(', ')} are not classes (${hint})`)
    const labels: Emotion[] = map ? [...map.values()] : []
    if (!map) for (const d of seen) if (!labels.includes(this.classOf(d)!)) labels.push(this.classOf(d)!)
    this.labels = labels
    const splits = [...this.splitDirs.keys()]
    this.defaultSplit = splits.includes('test') ? 'test' : splits[0]!
  }

  splits(): readonly string[] {
    return [...this.splitDirs.keys()]
  }

  async *samples(split: string): AsyncIterable<Sample> {
    let dirs: Array<[string, string]>
    let prefix: string | undefined
    const dir = this.splitDirs.get(split)
    if (dir) dirs = [[split, dir]]
    else if (PREFIX_SPLITS.includes(split)) {
      prefix = `${split}_`
      dirs = [...this.splitDirs]
    } else throw usageError(`--split ${split}: ${this.root} has split(s) ${this.splits().join(', ')}`)
    const skipped = new SkippedFiles()
    let count = 0
    for (const [, splitDir] of dirs) {
      for (const folder of subfolders(splitDir, this.rule)) {
        const label = this.classOf(folder)!
        for await (const file of walkImages(path.join(splitDir, folder), skipped)) {
          if (prefix && !path.basename(file).startsWith(prefix)) continue
          count += 1
          // said as soon as the prefix matches, so a run stopped part-way records it too
          if (prefix && count === 1) warnOnce(this.warnings, prefixWarning(split, prefix, dirs))
          yield { id: relativeId(this.root, file), label, source: file, load: () => decodeImageFile(file, this.limits) }
        }
      }
    }
    warnOnce(this.warnings, skipped.message(this.root))
    if (prefix) {
      if (count === 0)
        throw usageError(`--split ${split}: no folder of that name and no files named ${prefix}* under ${this.root}`)
    }
  }
}

/** The announcement that a split was derived from FER2013 JPEG file-name prefixes (docs/datasets.md). */
function prefixWarning(split: string, prefix: string, dirs: ReadonlyArray<readonly [string, string]>): string {
  return `folder: split ${split} taken from file-name prefixes (${prefix}*) across ${dirs.map(([s]) => s).join(', ')}: there is no ${split}/ folder, so only files named ${prefix}* are used`
}
