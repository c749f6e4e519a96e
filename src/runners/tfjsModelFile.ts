import { readFileSync, statSync } from 'node:fs'
import path from 'node:path'
import type * as tf from '@tensorflow/tfjs-core'
import { modelError } from '../base/errors.js'
import { isInside, requireModelFile } from '../base/inputFile.js'
import { readJsonFile } from '../base/jsonFile.js'
import { loadTfjsGraph } from './tfjsModule.js'

/**
 * TensorFlow.js model files on disk: `model.json` (a graph model as tfjs-converter emits it, or a
 * layers model as tfjs-layers / the Keras converter emits it) plus the binary weight shards its
 * `weightsManifest` lists, relative to the JSON file. Read with node:fs; tfjs-node is not needed.
 */
export type TfjsModelKind = 'graph' | 'layers'

export interface TfjsModelJson {
  kind: TfjsModelKind
  json: tf.io.ModelJSON
  /** The shard files in manifest order, absolute. */
  shards: string[]
}

export function isTfjsModelPath(modelPath: string): boolean {
  return /\.json$/i.test(modelPath) && !/\.ferbench\.json$/i.test(modelPath)
}

/** Graph vs layers: the `format` field when present, else the topology's shape (GraphDef `node` list vs Keras `class_name`). */
export function tfjsModelKind(json: tf.io.ModelJSON, file: string): TfjsModelKind {
  if (json.format === 'graph-model') return 'graph'
  if (json.format === 'layers-model') return 'layers'
  const topology = json.modelTopology as Record<string, unknown> | undefined
  if (topology && Array.isArray(topology.node)) return 'graph'
  if (topology && (typeof topology.class_name === 'string' || typeof topology.model_config === 'object'))
    return 'layers'
  throw modelError(
    `${file}: not a TensorFlow.js model.json (no "format" of graph-model/layers-model and no recognisable modelTopology)`,
  )
}

export function readTfjsModelJson(file: string): TfjsModelJson {
  const json = readJsonFile(file, {
    what: 'a TensorFlow.js model.json',
    fail: modelError,
    missing: 'model file not found',
  }) as tf.io.ModelJSON
  if (json === null || typeof json !== 'object' || json.modelTopology === undefined) {
    throw modelError(`${file}: not a TensorFlow.js model.json (missing "modelTopology")`)
  }
  const kind = tfjsModelKind(json, file)
  const dir = path.dirname(file)
  const shards = (json.weightsManifest ?? []).flatMap((group) => group.paths.map((p) => shardPath(file, dir, p)))
  return { kind, json, shards }
}

/**
 * A weightsManifest path resolved beside model.json. Shards must lie inside the model's folder:
 * an absolute path or one with `../` that leaves it is refused (exit 4), never read.
 */
function shardPath(file: string, dir: string, listed: unknown): string {
  if (typeof listed !== 'string' || listed === '')
    throw modelError(
      `${file}: weightsManifest path ${JSON.stringify(listed)} is not a file name (expected shard files beside model.json)`,
    )
  const resolved = path.resolve(dir, listed)
  if (path.isAbsolute(listed) || path.win32.isAbsolute(listed) || !isInside(dir, resolved)) {
    throw modelError(
      `${file}: weightsManifest path '${listed}' lies outside the model's folder ${path.resolve(dir)} (weight shards must be files inside the folder of model.json)`,
    )
  }
  return resolved
}

/** Bytes of the JSON plus every weight shard (what a user downloads); shards must be regular files. */
export function tfjsModelBytes(file: string, model: TfjsModelJson): number {
  return model.shards.reduce((n, f) => n + requireModelFile(f, `a weight shard listed in ${file}`), statSync(file).size)
}

/** Reads every shard and checks the bytes match what the manifest's weight specs need. */
function readWeights(file: string, manifest: tf.io.WeightsManifestConfig): [tf.io.WeightsManifestEntry[], ArrayBuffer] {
  const specs = manifest.flatMap((group) => group.weights)
  const dir = path.dirname(file)
  const buffers: Buffer[] = []
  for (const group of manifest) {
    for (const shard of group.paths) {
      const resolved = shardPath(file, dir, shard)
      requireModelFile(resolved, `weight shard '${shard}' listed in the weightsManifest of ${file}`)
      buffers.push(readFileSync(resolved))
    }
  }
  const all = Buffer.concat(buffers)
  const bytesPerElement = new Map([
    ['float32', 4],
    ['int32', 4],
    ['bool', 1],
    ['uint8', 1],
    ['float16', 2],
  ])
  let needed = 0
  for (const spec of specs) {
    const elements = spec.shape.reduce((a, b) => a * b, 1)
    const quant = spec.quantization
    const width = quant
      ? quant.dtype === 'float16'
        ? 2
        : quant.dtype === 'uint16'
          ? 2
          : 1
      : bytesPerElement.get(spec.dtype)
    if (width === undefined)
      throw modelError(`${file}: weight '${spec.name}' has dtype '${spec.dtype}', which ferbench does not read`)
    needed += elements * width
  }
  if (all.byteLength < needed) {
    throw modelError(
      `${file}: weight shards hold ${all.byteLength} bytes but the manifest's ${specs.length} weights need ${needed}`,
    )
  }
  return [specs, all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength) as ArrayBuffer]
}

/** A tfjs IOHandler that loads `model.json` and its shards from the local disk. */
export function fileLoadHandler(file: string): tf.io.IOHandler {
  return {
    async load(): Promise<tf.io.ModelArtifacts> {
      const { json } = readTfjsModelJson(file)
      const { core } = await loadTfjsGraph()
      return core.io.getModelArtifactsForJSON(json, async (manifest) => readWeights(file, manifest))
    },
  }
}
