import { fileURLToPath } from 'node:url'
import path from 'node:path'

/** The package root (where package.json and fixtures/ live), from dist/core or src/core. */
export const PACKAGE_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..')

export const FIXTURES_DIR = path.join(PACKAGE_ROOT, 'fixtures')

/** The bundled demo: an oracle model and a miniature fer2013.csv, both made by the fixture script. */
export const DEMO = {
  model: path.join(FIXTURES_DIR, 'models', 'oracle.onnx'),
  dataset: 'fer2013',
  data: path.join(FIXTURES_DIR, 'fer2013', 'fer2013.csv'),
  split: 'PrivateTest',
} as const
