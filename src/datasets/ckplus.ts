import { existsSync, readdirSync } from 'node:fs'
import path from 'node:path'
import { dataError, messageOf, usageError } from '../base/errors.js'
import { readSmallTextFile } from '../base/inputFile.js'
import { parseEmotion, type Emotion } from '../base/emotions.js'
import { decodeImageFile, decodeLimitsOf, isImagePath, type DecodeLimits } from './decode.js'
import { cropBox, landmarkSquare } from './faceCrop.js'
import {
  isDirectory,
  requireDirectory,
  rootRule,
  SkippedFiles,
  subfolders,
  walkImages,
  warnOnce,
  type RootRule,
} from './files.js'
import { byCodePoint } from '../base/naturalOrder.js'
import type { DatasetAdapter, DatasetInfo, DatasetOptions, Sample } from './types.js'

/** CK+ emotion codes 0–7 (Emotion/…_emotion.txt) in canonical names. */
export const CKPLUS_CODES: readonly Emotion[] = [
  'neutral',
  'anger',
  'contempt',
  'disgust',
  'fear',
  'happiness',
  'sadness',
  'surprise',
]
/** The usual 7-class protocol: codes 1–7 (no neutral). */
const CKPLUS_LABELS: readonly Emotion[] = CKPLUS_CODES.slice(1)
const FRAMES_PER_SEQUENCE = 3
/** An emotion file is one number, a landmarks file 68 short lines: 1 MiB is far above either. */
const CKPLUS_TEXT_BYTES = 1024 * 1024

export const ckplusInfo: DatasetInfo = {
  name: 'ckplus',
  description:
    'CK+ original layout (last 3 frames per labelled sequence, landmark-box crop; --ckplus-neutral adds first frames) or CK+48 class folders',
  labels: CKPLUS_LABELS,
  splits: ['all'],
  canonicalCounts: { all: 981 },
  defaultFolds: 10,
  dataHint:
    '--data <folder holding cohn-kanade-images/, Emotion/, Landmarks/> or --data <CK+48 folder of class folders>',
}

/** Parses an emotion file: one float such as `   3.0000000e+00`, an integer code 0–7. */
function parseCkplusEmotion(text: string, where: string): Emotion {
  const t = text.trim()
  const v = Number(t)
  const label = Number.isInteger(v) ? CKPLUS_CODES[v] : undefined
  if (t === '' || label === undefined)
    throw dataError(`${where}: expected one CK+ emotion code 0–7 (e.g. '   3.0000000e+00'), got '${t.slice(0, 40)}'`)
  return label
}

/** Parses a landmarks file: 68 lines of `x y` floats. */
function parseLandmarks(text: string, where: string): Array<[number, number]> {
  const points = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
    .map((line, i) => {
      const [x, y, ...rest] = line.split(/\s+/).map(Number)
      if (rest.length > 0 || !Number.isFinite(x) || !Number.isFinite(y))
        throw new Error(`${where} line ${i + 1}: expected 'x y' floats, got '${line}'`)
      return [x!, y!] as [number, number]
    })
  if (points.length !== 68) throw new Error(`${where}: expected 68 landmark lines, got ${points.length}`)
  return points
}

/** `S005_001_00000011` → subject `S005`. */
function ckplusSubject(stem: string): string | undefined {
  return /^(S\d+)_\d+_\d+$/i.exec(stem)?.[1]?.toUpperCase()
}

type Layout = { kind: 'original'; root: string } | { kind: 'ck48'; root: string }

function detectLayout(data: string, options: DatasetOptions): Layout {
  requireDirectory(data, 'the CK+ folder (cohn-kanade-images/, Emotion/, Landmarks/) or the CK+48 class folders')
  for (const root of [data, path.dirname(data)]) {
    if (isDirectory(path.join(root, 'cohn-kanade-images')) && isDirectory(path.join(root, 'Emotion')))
      return { kind: 'original', root }
  }
  const classes = subfolders(data, rootRule(data, options)).filter((d) => parseEmotion(d) !== undefined)
  if (classes.length > 0) return { kind: 'ck48', root: data }
  throw dataError(
    `${data}: neither the CK+ original layout (cohn-kanade-images/ and Emotion/) nor CK+48 class folders (anger/, contempt/, …)`,
  )
}

export class CkplusAdapter implements DatasetAdapter {
  readonly name = 'ckplus'
  readonly labels: readonly Emotion[]
  readonly defaultSplit = 'all'
  readonly warnings: string[] = []
  private readonly limits: DecodeLimits
  readonly layout: Layout['kind']
  private readonly root: string
  private readonly rule: RootRule
  private readonly neutral: boolean
  /** --faces none or detect: whole frames, not the landmarks' crop. */
  private readonly wholeFrames: boolean

  constructor(options: DatasetOptions) {
    this.limits = decodeLimitsOf(options)
    const layout = detectLayout(options.data, options)
    this.layout = layout.kind
    this.root = layout.root
    this.rule = rootRule(layout.root, options)
    this.neutral = options.ckplusNeutral === true
    this.wholeFrames = options.faces === 'none' || options.faces === 'detect'
    if (layout.kind === 'ck48') {
      const classes = subfolders(layout.root, this.rule).map((d) => parseEmotion(d))
      this.labels = classes.includes('neutral') ? CKPLUS_CODES : CKPLUS_LABELS
      if (this.neutral)
        warnOnce(
          this.warnings,
          '--ckplus-neutral applies to the original CK+ layout only; CK+48 folders are read as they are',
        )
    } else {
      this.labels = this.neutral ? CKPLUS_CODES : CKPLUS_LABELS
    }
  }

  splits(): readonly string[] {
    return ['all']
  }

  sliceAttributes(): readonly string[] {
    return ['subject']
  }

  samples(split: string): AsyncIterable<Sample> {
    if (split !== 'all')
      throw usageError(`--split ${split}: CK+ has one split, 'all' (use --folds/--fold for subject-independent folds)`)
    return this.layout === 'original' ? this.originalSamples() : this.ck48Samples()
  }

  private async *ck48Samples(): AsyncIterable<Sample> {
    const skipped = new SkippedFiles()
    const unparsed: string[] = []
    for (const folder of subfolders(this.root, this.rule)) {
      const label = parseEmotion(folder)
      if (label === undefined) {
        warnOnce(this.warnings, `ckplus: folder '${folder}' is not an emotion name: skipped`)
        continue
      }
      for await (const file of walkImages(path.join(this.root, folder), skipped)) {
        const stem = path.basename(file, path.extname(file))
        const subject = ckplusSubject(stem)
        if (!subject) {
          unparsed.push(`${folder}/${path.basename(file)}`)
          continue
        }
        yield { id: stem, subject, label, source: file, load: () => decodeImageFile(file, this.limits) }
      }
    }
    warnOnce(this.warnings, skipped.message(this.root))
    if (unparsed.length > 0) {
      warnOnce(
        this.warnings,
        `ckplus: ${unparsed.length} file name(s) not of the form S010_004_00000017 (subject unknown): skipped: ${unparsed.slice(0, 5).join(', ')}`,
      )
    }
  }

  private async *originalSamples(): AsyncIterable<Sample> {
    const emotionRoot = path.join(this.root, 'Emotion')
    const imageRoot = path.join(this.root, 'cohn-kanade-images')
    const landmarkRoot = path.join(this.root, 'Landmarks')
    let labelled = 0
    let unlabelled = 0
    for (const subject of subfolders(imageRoot, this.rule)) {
      for (const sequence of subfolders(path.join(imageRoot, subject), this.rule)) {
        const seqDir = path.join(imageRoot, subject, sequence)
        const emotionDir = path.join(emotionRoot, subject, sequence)
        const emotionFiles = existsSync(emotionDir)
          ? readdirSync(emotionDir)
              .filter((f) => f.endsWith('_emotion.txt'))
              .sort(byCodePoint)
          : []
        if (emotionFiles.length === 0) {
          unlabelled += 1
          continue
        }
        if (emotionFiles.length > 1)
          throw dataError(`${emotionDir}: ${emotionFiles.length} emotion files; expected one per sequence`)
        const emotionFile = path.join(emotionDir, emotionFiles[0]!)
        let emotionText: string
        try {
          emotionText = readSmallTextFile(emotionFile, CKPLUS_TEXT_BYTES, 'a CK+ emotion file')
        } catch (error) {
          throw dataError(messageOf(error))
        }
        const label = parseCkplusEmotion(emotionText, emotionFile)
        const frames = readdirSync(seqDir)
          .filter((f) => isImagePath(f) && !f.startsWith('.'))
          .sort(byCodePoint)
        if (frames.length < FRAMES_PER_SEQUENCE + (this.neutral ? 1 : 0)) {
          throw dataError(
            `${seqDir}: ${frames.length} frame(s); the protocol needs the last ${FRAMES_PER_SEQUENCE}${this.neutral ? ' and the first' : ''} (labelled by ${emotionFile})`,
          )
        }
        labelled += 1
        const chosen: Array<[string, Emotion]> = frames.slice(-FRAMES_PER_SEQUENCE).map((f) => [f, label])
        if (this.neutral) chosen.unshift([frames[0]!, 'neutral'])
        for (const [frame, frameLabel] of chosen) {
          const stem = path.basename(frame, path.extname(frame))
          const file = path.join(seqDir, frame)
          const landmarks = path.join(landmarkRoot, subject, sequence, `${stem}_landmarks.txt`)
          yield {
            id: stem,
            subject: ckplusSubject(stem) ?? subject,
            label: frameLabel,
            source: file,
            load: async () => {
              const image = await decodeImageFile(file, this.limits)
              if (this.wholeFrames) return image
              let text: string
              try {
                text = readSmallTextFile(
                  landmarks,
                  CKPLUS_TEXT_BYTES,
                  "a CK+ landmarks file (CK+ faces are cropped from the landmarks' box)",
                )
              } catch (error) {
                const missing = (error as Error).message.includes('no such file')
                throw missing
                  ? new Error(`${landmarks}: landmarks file missing; CK+ faces are cropped from the landmarks' box`)
                  : error
              }
              return cropBox(image, landmarkSquare(parseLandmarks(text, landmarks), image.width, image.height), file)
            },
          }
        }
      }
    }
    if (labelled === 0 && unlabelled === 0)
      throw dataError(`${imageRoot}: no sequences found (expected S005/001/S005_001_00000001.png …)`)
    warnOnce(
      this.warnings,
      unlabelled > 0
        ? `ckplus: ${unlabelled} sequence(s) without an emotion file (unlabelled in CK+): not used`
        : undefined,
    )
  }
}
