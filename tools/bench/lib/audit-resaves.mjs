// Realistic faces and their re-saved copies, for the duplicate audit's calibration (tools/bench/audit-calibration.mjs)
// and speed benchmark (tools/bench/audit-speed.mjs). Seeded: the same seed gives the same images.
//
// Faces, all 48×48 gray like FER2013:
//   - REAL photographs when the npm package @vladmandic/face-api is installed (it is not a dependency of
//     ferbench: `npm install --no-save @vladmandic/face-api@1.7.15`, or pass its demo folder): the 22 faces of its
//     demo/sample1–6.jpg, cropped by hand-placed boxes (REAL_FACE_BOXES, forehead to chin with a margin, as
//     FER2013 crops are), converted to gray, resized with lanczos3 and stored as JPEG q85;
//   - synthetic faces of tools/fixtures/realisticFace.ts (3-D shading, 1/f texture, hair, background, pose,
//     light, camera blur and noise), then JPEG q70–92 as FER2013's were; each identity photographed twice,
//     with another expression the second time: the hard negatives (one person, two pictures).
// Re-saves (RESAVES): one function per transformation class, each at its stated strength.
import { existsSync } from 'node:fs'
import path from 'node:path'
import { ROOT } from './cli.mjs'

const { seededRandom } = await import(path.join(ROOT, 'dist/base/prng.js'))
const { loadSharp } = await import(path.join(ROOT, 'dist/base/sharpModule.js'))
const face = await import(path.join(ROOT, 'tools/dist/tools/fixtures/realisticFace.js'))
const t = await import(path.join(ROOT, 'tools/dist/tools/fixtures/imageTransforms.js'))
export { seededRandom }

/** Face boxes in @vladmandic/face-api's demo photos: file, centre x, centre y, side (pixels of the 1920-pixel-wide original). */
export const REAL_FACE_BOXES = [
  ['sample1.jpg', 510, 480, 260],
  ['sample1.jpg', 920, 544, 260],
  ['sample1.jpg', 1580, 320, 280],
  ['sample2.jpg', 460, 290, 260],
  ['sample2.jpg', 990, 350, 240],
  ['sample2.jpg', 1540, 260, 260],
  ['sample3.jpg', 680, 480, 260],
  ['sample3.jpg', 1180, 360, 260],
  ['sample3.jpg', 1600, 430, 240],
  ['sample4.jpg', 350, 320, 240],
  ['sample4.jpg', 750, 190, 240],
  ['sample4.jpg', 1080, 260, 220],
  ['sample4.jpg', 1360, 240, 240],
  ['sample5.jpg', 480, 1050, 280],
  ['sample5.jpg', 670, 540, 240],
  ['sample5.jpg', 860, 220, 220],
  ['sample5.jpg', 1190, 280, 220],
  ['sample5.jpg', 1490, 540, 260],
  ['sample6.jpg', 360, 620, 260],
  ['sample6.jpg', 750, 510, 240],
  ['sample6.jpg', 1270, 440, 260],
  ['sample6.jpg', 1600, 410, 240],
]

/** The demo folder of @vladmandic/face-api: `dir` if given, else node_modules; undefined when absent. */
export function faceApiDemoDir(dir) {
  const candidate = dir ?? path.join(ROOT, 'node_modules', '@vladmandic', 'face-api', 'demo')
  return existsSync(path.join(candidate, 'sample1.jpg')) ? candidate : undefined
}

/** The real faces, 48×48 gray, JPEG q85 (see the header). */
export async function realFaces(demoDir) {
  const sharp = await loadSharp()
  const out = []
  for (const [file, cx, cy, side] of REAL_FACE_BOXES) {
    const jpeg = await sharp(path.join(demoDir, file))
      .extract({ left: Math.round(cx - side / 2), top: Math.round(cy - side / 2), width: side, height: side })
      .grayscale()
      .resize(48, 48, { kernel: 'lanczos3' })
      .jpeg({ quality: 85 })
      .toBuffer()
    const { data } = await sharp(jpeg).extractChannel(0).raw().toBuffer({ resolveWithObject: true })
    out.push({ width: 48, height: 48, data: new Uint8Array(data), source: `${file} @ ${cx},${cy} side ${side}` })
  }
  return out
}

/** `identities` synthetic people, each in two shots (another expression in the second), JPEG q70–92. */
export async function syntheticPairs(random, identities) {
  const quality = () => 70 + Math.floor(random() * 23)
  const out = []
  for (let k = 0; k < identities; k++) {
    const id = face.randomIdentity(random)
    const shot = face.randomShot(random)
    const first = await t.jpegRoundTrip(face.renderRealisticFace(id, shot, random), quality())
    const second = await t.jpegRoundTrip(face.renderRealisticFace(id, face.otherShot(shot, random), random), quality())
    out.push([first, second])
  }
  return out
}

/** One synthetic face (one identity, one shot), JPEG q70–92. */
export async function syntheticFace(random) {
  return t.jpegRoundTrip(face.realisticFace(random), 70 + Math.floor(random() * 23))
}

const between = (random, a, b) => a + (b - a) * random()
const logBetween = (random, a, b) => Math.exp(between(random, Math.log(a), Math.log(b)))

/** The transformation classes of a re-save, each with its stated strength and a generator. */
export const RESAVES = {
  photometric: {
    strength: 'brightness ×0.85–1.15, contrast ×0.85–1.15 about 128, gamma 0.8–1.25 (all three; clipped to 0–255)',
    make: async (g, r) =>
      t.gamma(t.contrast(t.brightness(g, between(r, 0.85, 1.15)), between(r, 0.85, 1.15)), logBetween(r, 0.8, 1.25)),
  },
  shift: {
    strength: 'moved by (dx, dy) whole pixels, |dx|, |dy| ≤ 3, not both 0 (edges replicated)',
    make: async (g, r) => {
      let dx = 0
      let dy = 0
      while (dx === 0 && dy === 0) {
        dx = Math.round(between(r, -3.49, 3.49))
        dy = Math.round(between(r, -3.49, 3.49))
      }
      return t.shift(g, dx, dy)
    },
  },
  scale: {
    strength:
      'zoomed about the centre by 0.90–0.96 or 1.04–1.10 (bilinear), or cropped to 90–95 % of the side anywhere in the frame and resized back',
    make: async (g, r) => {
      const k = r()
      if (k < 0.25) return t.rescale(g, between(r, 0.9, 0.96))
      if (k < 0.5) return t.rescale(g, between(r, 1.04, 1.1))
      return t.cropResize(g, between(r, 0.9, 0.95), r(), r())
    },
  },
  'jpeg/blur': {
    strength: 'JPEG quality 50–95, or Gaussian blur σ 0.5–1.0 px, or that blur then JPEG 50–95',
    make: async (g, r) => {
      const k = r()
      const q = Math.round(between(r, 50, 95))
      if (k < 0.4) return t.jpegRoundTrip(g, q)
      if (k < 0.7) return t.blur(g, between(r, 0.5, 1))
      return t.jpegRoundTrip(t.blur(g, between(r, 0.5, 1)), q)
    },
  },
  mirror: {
    strength: 'mirrored left-right, then JPEG quality 75–95',
    make: async (g, r) => t.jpegRoundTrip(t.mirror(g), Math.round(between(r, 75, 95))),
  },
  combined: {
    strength:
      'all at once: shift |dx|, |dy| ≤ 2 px; zoom 0.95–1.05 or crop to 95–100 %; brightness and contrast ×0.9–1.1, gamma 0.85–1.18; half of them blurred σ 0.5–0.7 px; 30 % mirrored; JPEG quality 60–95',
    make: async (g, r) => {
      let x = t.shift(g, Math.round(between(r, -2.49, 2.49)), Math.round(between(r, -2.49, 2.49)))
      x = r() < 0.5 ? t.rescale(x, between(r, 0.95, 1.05)) : t.cropResize(x, between(r, 0.95, 1), r(), r())
      x = t.gamma(t.contrast(t.brightness(x, between(r, 0.9, 1.1)), between(r, 0.9, 1.1)), logBetween(r, 0.85, 1.18))
      if (r() < 0.5) x = t.blur(x, between(r, 0.5, 0.7))
      if (r() < 0.3) x = t.mirror(x)
      return t.jpegRoundTrip(x, Math.round(between(r, 60, 95)))
    },
  },
}
