import { readFile } from 'node:fs/promises'
import { existsSync } from 'node:fs'
import path from 'node:path'

/**
 * RAF-DB's manual attribute annotations, `basic/Annotation/manual/<image>_manu_attri.txt`
 * (`<image>` = `train_00001`, `test_0001`): five lines of landmark coordinates `x y` (eye centres,
 * nose tip, mouth corners), then one code per line: gender (0 male, 1 female, 2 unsure), race
 * (0 Caucasian, 1 African-American, 2 Asian), age group (0: 0–3, 1: 4–19, 2: 20–39, 3: 40–69, 4: 70+),
 * as RAF-DB's readme defines them. Values are reported by name.
 */
const RAFDB_ATTRIBUTES = {
  gender: ['male', 'female', 'unsure'],
  race: ['caucasian', 'african-american', 'asian'],
  age: ['0-3', '4-19', '20-39', '40-69', '70+'],
} as const
export type RafdbAttribute = keyof typeof RAFDB_ATTRIBUTES
export const RAFDB_ATTRIBUTE_NAMES = Object.keys(RAFDB_ATTRIBUTES) as RafdbAttribute[]
export const RAFDB_MANUAL_DIR = path.join('Annotation', 'manual')

function rafdbAttributeFile(root: string, stem: string): string {
  return path.join(root, RAFDB_MANUAL_DIR, `${stem}_manu_attri.txt`)
}

/** Parses one attribute file's text; the message names the file and line when it does not parse. */
function parseRafdbAttributes(text: string, file: string): Record<RafdbAttribute, string> {
  const lines = text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '')
  if (lines.length < 8)
    throw new Error(
      `${file}: ${lines.length} non-empty line(s); expected 5 landmark lines, then gender, race and age codes`,
    )
  for (let i = 0; i < 5; i++) {
    if (!/^-?\d+(\.\d+)?\s+-?\d+(\.\d+)?$/.test(lines[i]!))
      throw new Error(`${file} line ${i + 1}: expected a landmark 'x y', got '${lines[i]!.slice(0, 40)}'`)
  }
  const out = {} as Record<RafdbAttribute, string>
  RAFDB_ATTRIBUTE_NAMES.forEach((name, k) => {
    const text = lines[5 + k]!
    const names: readonly string[] = RAFDB_ATTRIBUTES[name]
    const code = /^\d+$/.test(text) ? Number(text) : NaN
    if (!(code >= 0 && code < names.length))
      throw new Error(
        `${file} line ${6 + k}: ${name} code '${text.slice(0, 20)}'; expected 0–${names.length - 1} (${names.map((n, i) => `${i} ${n}`).join(', ')})`,
      )
    out[name] = names[code]!
  })
  return out
}

/** The attributes of one image; none when its file is absent (the sample counts in the '(none)' group). */
export async function readRafdbAttributes(root: string, stem: string): Promise<ReadonlyMap<string, string>> {
  const file = rafdbAttributeFile(root, stem)
  if (!existsSync(file)) return new Map()
  const parsed = parseRafdbAttributes(await readFile(file, 'utf8'), file)
  return new Map(RAFDB_ATTRIBUTE_NAMES.map((name) => [name, parsed[name]]))
}
