import { writeFileAtomic } from '../base/atomicWrite.js'
import { messageOf } from '../base/errors.js'
import type { RawImage } from '../base/image.js'
import { loadSharp } from '../base/sharpModule.js'
import { textRecord } from '../base/textKeys.js'
import { createDataset } from '../datasets/registry.js'
import type { DatasetOptions } from '../datasets/types.js'
import { openFaces } from '../faces/openFaces.js'
import { toRgb } from '../card/pixels.js'
import { resample } from '../card/resample.js'

/** Side of one contact-sheet tile, in pixels; tiles per row. */
const TILE = 64
const PER_ROW = 10
/** Tiles on a sheet at most, crops first, then the images without a face. */
const MAX_TILES = 200

export interface FacesInspection {
  detector: string
  sha256: string
  thresholds: { minScore: number; nmsIou: number }
  crop: { shape: 'square'; margin: number; align: boolean; faceIndex: number }
  samples: number
  detected: number
  detectionRate: number
  multipleFaces: number
  perClass: Array<{ label: string; samples: number; detected: number; detectionRate: number }>
  /** The images without the face asked for, each with its reason. */
  missed: Array<{ id: string; source: string; error: string }>
  /** The contact sheet written (crops, then the missed images with a red frame), when one was asked for. */
  contactSheet?: { path: string; crops: number; missed: number }
}

function tile(image: RawImage, missed: boolean): Uint8Array {
  const small = resample(toRgb(image), TILE, TILE, 'bilinear')
  if (missed)
    for (let y = 0; y < TILE; y++)
      for (let x = 0; x < TILE; x++)
        if (x < 3 || y < 3 || x >= TILE - 3 || y >= TILE - 3) small.data.set([220, 30, 30], (y * TILE + x) * 3)
  return small.data
}

async function writeSheet(file: string, tiles: Uint8Array[]): Promise<void> {
  const rows = Math.max(1, Math.ceil(tiles.length / PER_ROW))
  const width = PER_ROW * TILE
  const sheet = new Uint8Array(width * rows * TILE * 3).fill(255)
  tiles.forEach((t, i) => {
    const x0 = (i % PER_ROW) * TILE
    const y0 = Math.floor(i / PER_ROW) * TILE
    for (let y = 0; y < TILE; y++) sheet.set(t.subarray(y * TILE * 3, (y + 1) * TILE * 3), ((y0 + y) * width + x0) * 3)
  })
  const sharp = await loadSharp()
  const png = await sharp(sheet, { raw: { width, height: rows * TILE, channels: 3 } })
    .png()
    .toBuffer()
  writeFileAtomic(file, png)
}

/**
 * `datasets inspect --faces detect`: runs the face detector over the split(s), with the crop rule
 * eval uses, and reports the detection rate per class; with `contactSheet`, writes a PNG of the crops
 * and of the images without a face (red frame), so a person can look before trusting a number.
 */
export async function inspectFaces(
  options: Omit<DatasetOptions, 'fold'> & { dataset: string; contactSheet?: string },
): Promise<FacesInspection> {
  const { dataset, contactSheet, ...datasetOptions } = options
  const adapter = await createDataset(dataset, { ...datasetOptions, faces: 'detect' })
  const run = await openFaces(adapter, { ...datasetOptions, faces: 'detect' })
  if (!run) throw new Error('inspectFaces: --faces detect gave no face run')
  const splits = options.split ? [options.split] : adapter.splits()
  const perClass = textRecord<{ samples: number; detected: number }>()
  const missed: FacesInspection['missed'] = []
  const crops: Uint8Array[] = []
  const missedTiles: Uint8Array[] = []
  try {
    for (const split of splits) {
      for await (const sample of adapter.samples(split)) {
        const counts = perClass[sample.label] ?? { samples: 0, detected: 0 }
        perClass[sample.label] = counts
        counts.samples += 1
        let image: RawImage
        try {
          image = await sample.load()
        } catch (error) {
          missed.push({ id: sample.id, source: sample.source, error: messageOf(error) })
          continue
        }
        try {
          const face = await run.crop!(image, sample.source)
          counts.detected += 1
          if (contactSheet && crops.length < MAX_TILES) crops.push(tile(face, false))
        } catch (error) {
          missed.push({ id: sample.id, source: sample.source, error: messageOf(error) })
          if (contactSheet && crops.length + missedTiles.length < MAX_TILES) missedTiles.push(tile(image, true))
        }
      }
    }
    const summary = run.summary(0)
    if (contactSheet) await writeSheet(contactSheet, [...crops, ...missedTiles])
    return {
      detector: summary.detector!,
      sha256: summary.sha256!,
      thresholds: summary.thresholds!,
      crop: summary.crop!,
      samples: summary.samples!,
      detected: summary.detected!,
      detectionRate: summary.detectionRate!,
      multipleFaces: summary.multipleFaces!,
      perClass: adapter.labels
        .filter((label) => perClass[label] !== undefined)
        .map((label) => {
          const c = perClass[label]!
          return { label, ...c, detectionRate: c.samples > 0 ? c.detected / c.samples : 0 }
        }),
      missed,
      ...(contactSheet
        ? { contactSheet: { path: contactSheet, crops: crops.length, missed: missedTiles.length } }
        : {}),
    }
  } finally {
    run.release()
  }
}
