/**
 * Build step (`npm run build`): writes oclif.manifest.json at the package root from the compiled
 * command classes in dist/commands, so that oclif lists commands, prints --version and --help
 * without importing any command module (and with them sharp, onnxruntime-node, tfjs, zod schemas).
 * Run after tsc: the manifest describes dist/ and must be regenerated whenever dist/ changes.
 */
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { Plugin } from '@oclif/core'
import { writeFileAtomic } from '../base/atomicWrite.js'

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')
const plugin = new Plugin({
  root,
  type: 'core',
  ignoreManifest: true,
  errorOnManifestCreate: true,
  respectNoCacheDefault: true,
})
await plugin.load()
const target = path.join(root, 'oclif.manifest.json')
// atomically: a CLI started meanwhile reads the old manifest or the new one, never half of one
writeFileAtomic(target, `${JSON.stringify(plugin.manifest, null, 2)}\n`)
console.log(
  `wrote ${path.relative(process.cwd(), target) || target}: ${Object.keys(plugin.manifest.commands).length} commands`,
)
