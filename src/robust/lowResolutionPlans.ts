/**
 * The plans of the low-resolution corruption (src/robust/lowResolution.ts): libvips' lanczos3
 * reductions and the linear enlargement's column tables, as both the JavaScript kernel and the
 * WebAssembly glue (src/robust/wasm/lowResolutionKernel.ts) run them.
 */

const TRANSFORM_SCALE = 64
export const INTERPOLATE_SHIFT = 12
/** libvips' tile geometry (libvips/include/vips/private.h, vips_get_tile_size). */
const FATSTRIP_HEIGHT = 16
const TILE_SIZE = 128
/** vips_resize's default reducing gap (sharp does not set it). */
const GAP = 2

/** C's rint in the default rounding mode: halves to even. */
function rint(x: number): number {
  const r = Math.round(x)
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r
}

function lanczos3(x: number): number {
  if (x < -3 || x > 3) return 0
  return sinc(x) * sinc(x / 3)
}

function sinc(x: number): number {
  if (x === 0) return 1
  const px = x * Math.PI
  return Math.sin(px) / px
}

/** libvips' calculate_coefficients for lanczos3 at phase x, then truncated to 12-bit fixed point. */
function fixedMask(points: number, shrink: number, x: number): Int32Array {
  const half = x + points / 2 - 1
  const c = new Float64Array(points)
  let sum = 0
  for (let i = 0; i < points; i++) {
    const l = lanczos3((i - half) / shrink)
    c[i] = l
    sum += l
  }
  const out = new Int32Array(points)
  for (let i = 0; i < points; i++) out[i] = Math.trunc((c[i]! / sum) * (1 << INTERPOLATE_SHIFT))
  return out
}

/** One axis of a lanczos3 reduction: the box shrink before it and, per output index, its taps. */
export interface ReducePlan {
  /** The box shrink factor (1: none) and the length after it. */
  box: number
  boxLength: number
  outLength: number
  /** 0 when the box shrink alone gives the output. */
  points: number
  /** Per output index: the input index of its first tap (may be < 0: edges are copied). */
  first: Int32Array
  /** Per output index: its weights (points of them). */
  masks: Int32Array[]
}

/** The box shrink a reduction by `shrink` starts with (1: none): ⌊in / out / gap⌋. */
function boxFactor(inLength: number, shrink: number): number {
  const outLength = Math.trunc(inLength / shrink + 0.5)
  return outLength > 0 ? Math.max(1, Math.floor(inLength / outLength / GAP)) : 1
}

const plans = new Map<string, ReducePlan | null>()
export const MAX_PLANS = 256

/**
 * The reduction of one axis of `inLength` pixels by `shrink` (as vips_reducev/reduceh get it),
 * with positions summed from the start of each tile of `tile` pixels along the axis, or null
 * where libvips' output length would differ.
 */
function reducePlan(inLength: number, shrink: number, tile: number): ReducePlan | null {
  const key = `${inLength} ${shrink} ${tile}`
  const known = plans.get(key)
  if (known !== undefined) return known
  const plan = makeReducePlan(inLength, shrink, tile)
  if (plans.size >= MAX_PLANS) plans.clear() // images of many sizes: keep memory bounded
  plans.set(key, plan)
  return plan
}

function makeReducePlan(inLength: number, shrink: number, tile: number): ReducePlan | null {
  const outLength = Math.trunc(inLength / shrink + 0.5)
  if (outLength <= 0) return null
  let extra = outLength * shrink - inLength
  let residual = shrink
  const box = boxFactor(inLength, shrink)
  if (box > 1) {
    extra /= box
    residual /= box
  }
  const boxLength = box > 1 ? Math.ceil(inLength / box) : inLength
  if (residual === 1) {
    if (boxLength !== outLength) return null
    return { box, boxLength, outLength, points: 0, first: new Int32Array(0), masks: [] }
  }
  const points = 2 * rint(3 * residual) + 1
  const offset = (1 + extra) / 2 - 1
  const tables: Int32Array[] = []
  for (let t = 0; t <= TRANSFORM_SCALE; t++) tables.push(fixedMask(points, residual, t / TRANSFORM_SCALE))
  const edge = Math.ceil(points / 2) - 1
  const first = new Int32Array(outLength)
  const phases = new Int32Array(outLength)
  // positions are summed from the first index of each region libvips computes (tile rows/columns)
  let position = 0
  for (let j = 0; j < outLength; j++) {
    if (j % tile === 0) position = (j + 0.5) * residual - 0.5 - offset
    const index = Math.trunc(position)
    first[j] = index - edge
    phases[j] = ((Math.trunc(position * TRANSFORM_SCALE * 2) & (TRANSFORM_SCALE * 2 - 1)) + 1) >> 1
    position += residual
  }
  return { box, boxLength, outLength, points, first, masks: Array.from(phases, (p) => tables[p]!) }
}

/** The reductions of sharp's `resize(w, h, { fit: 'fill' })` (lanczos3), vertical then horizontal. */
interface DownPlans {
  /** Undefined where the axis keeps its length. */
  vertical: ReducePlan | undefined
  horizontal: ReducePlan | undefined
}

/** The plans of sharp's `resize(w, h, { fit: 'fill' })` of a width × height image, or undefined. */
export function downPlans(width: number, height: number, w: number, h: number): DownPlans | undefined {
  // sharp: shrink factors W/w and H/h, passed to vips_resize as scales 1/f; vips_resize keeps
  // each axis at least 1 pixel and hands reducev/reduceh the factor 1/scale
  const hscale = Math.max(1 / (width / w), 1 / width)
  const vscale = Math.max(1 / (height / h), 1 / height)
  if (hscale > 1 || vscale > 1) return undefined
  // libvips computes the output in tiles: full-width strips of 16 rows, or 128×128 tiles once a
  // vertical box shrink is in the pipeline (shrinkv asks for small tiles); a horizontal box
  // shrink (after the vertical reduction) asks for its input 16 rows at a time
  const smallTiles = vscale < 1 && boxFactor(height, 1 / vscale) > 1
  const horizontalBox = hscale < 1 && boxFactor(width, 1 / hscale) > 1
  let vertical: ReducePlan | undefined
  let horizontal: ReducePlan | undefined
  if (vscale < 1) {
    const plan = reducePlan(height, 1 / vscale, smallTiles && !horizontalBox ? TILE_SIZE : FATSTRIP_HEIGHT)
    if (!plan || plan.outLength !== h) return undefined
    vertical = plan
  } else if (height !== h) return undefined
  if (hscale < 1) {
    const plan = reducePlan(width, 1 / hscale, smallTiles ? TILE_SIZE : Number.POSITIVE_INFINITY)
    if (!plan || plan.outLength !== w) return undefined
    horizontal = plan
  } else if (width !== w) return undefined
  return { vertical, horizontal }
}

/**
 * The inverse scales of sharp's `resize(W, H, { fit: 'fill', kernel: 'linear' })` of a w × h
 * image (horizontal ia, vertical id), 'copy' where it keeps the size, or undefined.
 */
export function upScales(w: number, h: number, W: number, H: number): { ia: number; id: number } | 'copy' | undefined {
  const hscale = Math.max(1 / (w / W), 1 / w)
  const vscale = Math.max(1 / (h / H), 1 / h)
  if (hscale < 1 || vscale < 1) return undefined
  if (hscale === 1 && vscale === 1) return 'copy'
  // vips_affine with matrix [a 0; 0 d] (a scale of 1 passed as 1): its inverse, output area and
  // input displacement
  const a = hscale
  const d = vscale
  const inverse = 1 / (a * d)
  if (Math.trunc(a * w + 0.5) !== W || Math.trunc(d * h + 0.5) !== H) return undefined
  return { ia: inverse * d, id: inverse * a }
}

/** Per output column of an enlargement: its two input columns (element offsets) and 12-bit weight. */
interface UpColumns {
  x0: Int32Array
  x1: Int32Array
  fx: Int32Array
}

/** The last enlargements' column tables (a robust run asks for the same five per image size). */
const upPlans = new Map<string, UpColumns>()

export function upColumns(w: number, W: number, ia: number, channels: number): UpColumns {
  const key = `${w} ${W} ${ia} ${channels}`
  const known = upPlans.get(key)
  if (known) return known
  const x0 = new Int32Array(W)
  const x1 = new Int32Array(W)
  const fx = new Int32Array(W)
  let ix = 0.5 // ia·0 − idx, idx = 0.5 − 1 after the one-pixel border affine adds
  for (let x = 0; x < W; x++) {
    const i = Math.trunc(ix)
    fx[x] = Math.trunc((ix - i) * (1 << INTERPOLATE_SHIFT))
    // the input is embedded with a one-pixel border of copied edges: column e is e − 1
    x0[x] = Math.min(w - 1, Math.max(0, i - 1)) * channels
    x1[x] = Math.min(w - 1, Math.max(0, i)) * channels
    ix += ia
  }
  const columns = { x0, x1, fx }
  if (upPlans.size >= MAX_PLANS) upPlans.clear() // images of many sizes: keep memory bounded
  upPlans.set(key, columns)
  return columns
}
