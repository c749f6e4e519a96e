import { readFileSync } from 'node:fs'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { generateFixtures } from '../../tools/fixtures/generate.js'
import { FIXTURES, tempDir } from '../helpers/cli.js'

describe('fixtures', () => {
  it('the committed fer2013 fixtures and oracle models are exactly what the seeded script writes', async () => {
    const dir = tempDir()
    await generateFixtures(dir, ['oracle models', 'fer2013'])
    for (const file of [
      'fer2013/fer2013.csv',
      'fer2013/icml_face_data.csv',
      'models/oracle.onnx',
      'models/oracle-batch1.onnx',
      'models/oracle.onnx.ferbench.json',
    ]) {
      expect(readFileSync(path.join(dir, file)).equals(readFileSync(path.join(FIXTURES, file))), file).toBe(true)
    }
  })
})
