// Generated image pairs for calibrating the duplicate audit (tools/bench/audit-calibration.mjs) and for
// the audit speed benchmark: copies of one picture that must be found (re-encoded, brighter,
// shifted, rescaled, mirrored) and different faces that must not.
import path from 'node:path'
import { ROOT } from './cli.mjs'

const { seededRandom } = await import(path.join(ROOT, 'dist/base/prng.js'))
const { synthFace } = await import(path.join(ROOT, 'tools/dist/tools/fixtures/synthFace.js'))
const { bandFace } = await import(path.join(ROOT, 'tools/dist/tools/fixtures/imageFixture.js'))
export { seededRandom, synthFace, bandFace }

const { brightness, contrast, mirror, shift, rescale, jpegRoundTrip } = await import(
  path.join(ROOT, 'tools/dist/tools/fixtures/imageTransforms.js')
)
export { brightness, contrast, mirror, shift, rescale, jpegRoundTrip }

/** The copies of one picture the audit must find, by name. Mirrored copies are their own kind. */
export async function copiesOf(g) {
  return {
    'jpeg q50': await jpegRoundTrip(g, 50),
    'jpeg q75': await jpegRoundTrip(g, 75),
    'jpeg q95': await jpegRoundTrip(g, 95),
    'brightness +10%': brightness(g, 1.1),
    'brightness -10%': brightness(g, 0.9),
    'contrast +10%': contrast(g, 1.1),
    'contrast -10%': contrast(g, 0.9),
    'shift 1 px': shift(g, 1, 0),
    'shift 2 px': shift(g, 2, 0),
    'shift 2 px diagonal': shift(g, 2, 2),
    'rescale 0.9': rescale(g, 0.9),
    'rescale 1.1': rescale(g, 1.1),
    'jpeg q60 + brightness +8% + shift 1 px': await jpegRoundTrip(shift(brightness(g, 1.08), 1, 1), 60),
    'mirrored (jpeg q85)': await jpegRoundTrip(mirror(g), 85),
  }
}
