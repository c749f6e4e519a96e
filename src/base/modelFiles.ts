import { createHash } from 'node:crypto'
import { existsSync, readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import { modelError } from './errors.js'
import { readJsonFile } from './jsonFile.js'
import { sha256File } from './provenance.js'

/** One file a model is made of: its path relative to the model file's folder ('/' separators). */
export interface ModelFileEntry {
  path: string
  bytes: number
  sha256: string
}

/**
 * What a model is, byte for byte: every file it is made of and one hash over all of them.
 * - `files`: the model file first, then the files it loads: a tfjs `model.json`'s weight shards in
 *   `weightsManifest` order; an ONNX file's external-data files in order of first use.
 * - `sha256`: for a one-file model, the sha256 of that file (what `sha256sum` prints); for several
 *   files, the sha256 of the text `sha256sum` prints for them in that order — one line
 *   `<sha256 hex>  <relative path>\n` per file — so `(cd <model folder> && sha256sum model.json
 *   group1-shard1of1.bin) | sha256sum` gives the same value.
 * - `bytes`: the sum of the files' sizes.
 * See docs/identity.md.
 */
export interface ModelIdentity {
  sha256: string
  bytes: number
  files: ModelFileEntry[]
}

/** The files besides `model` that it loads (absolute), or [] for a one-file model. */
async function modelCompanionFiles(model: string): Promise<string[]> {
  if (/\.json$/i.test(model)) return tfjsWeightFiles(model)
  if (/\.onnx$/i.test(model)) return onnxExternalDataFiles(model)
  return []
}

function tfjsWeightFiles(model: string): string[] {
  let json: { weightsManifest?: Array<{ paths?: unknown }> } | null
  try {
    json = readJsonFile(model, { what: 'a TensorFlow.js model.json', fail: modelError }) as typeof json
  } catch {
    return [] // not a tfjs model.json: the runner says why
  }
  const dir = path.dirname(model)
  const manifest = Array.isArray(json?.weightsManifest) ? json.weightsManifest : []
  const paths = manifest.flatMap((group) =>
    Array.isArray(group?.paths) ? group.paths.filter((p): p is string => typeof p === 'string') : [],
  )
  return [...new Set(paths.map((p) => path.resolve(dir, p)))]
}

/** ONNX initializers stored outside the file (TensorProto.data_location = EXTERNAL, key `location`). */
async function onnxExternalDataFiles(model: string): Promise<string[]> {
  const bytes = readFileSync(model)
  // The key 'location' occurs in the file only when some tensor names an external file: skip decoding otherwise.
  if (bytes.indexOf('location') < 0) return []
  // Loaded here only: most models have no external data and never need the protobuf decoder.
  const { default: onnxProto } = await import('onnx-proto')
  let decoded: InstanceType<typeof onnxProto.onnx.ModelProto>
  try {
    decoded = onnxProto.onnx.ModelProto.decode(bytes)
  } catch {
    return [] // not an ONNX protobuf: the runner says why
  }
  const dir = path.dirname(model)
  const files: string[] = []
  for (const t of decoded.graph?.initializer ?? []) {
    if (t.dataLocation !== onnxProto.onnx.TensorProto.DataLocation.EXTERNAL) continue
    const location = t.externalData?.find((e) => e.key === 'location')?.value
    if (location) files.push(path.resolve(dir, location))
  }
  return [...new Set(files)]
}

const relative = (dir: string, file: string): string => path.relative(dir, file).split(path.sep).join('/')

/** Hashes every file of a model (see ModelIdentity). A listed file that is missing is a model error (exit 4). */
export async function modelIdentity(model: string): Promise<ModelIdentity> {
  if (!existsSync(model)) throw modelError(`${model}: model file not found`)
  const companions = await modelCompanionFiles(model)
  const dir = path.dirname(path.resolve(model))
  const files: ModelFileEntry[] = []
  for (const file of [path.resolve(model), ...companions]) {
    if (!existsSync(file))
      throw modelError(`${model}: '${relative(dir, file)}', a file the model loads, is missing (looked for ${file})`)
    files.push({ path: relative(dir, file), bytes: statSync(file).size, sha256: await sha256File(file) })
  }
  return { sha256: combinedSha256(files), bytes: files.reduce((n, f) => n + f.bytes, 0), files }
}

/** The one-file hash, or sha256 of the `sha256sum` lines of every file in order. */
export function combinedSha256(files: readonly ModelFileEntry[]): string {
  if (files.length === 1) return files[0]!.sha256
  return createHash('sha256')
    .update(files.map((f) => `${f.sha256}  ${f.path}\n`).join(''))
    .digest('hex')
}
