import { existsSync } from 'node:fs'
import { fileURLToPath } from 'node:url'

/** A compiled module beside this one; from the TypeScript sources (tests), the built one in dist/. */
export function builtSibling(file: string): URL {
  const sibling = new URL(`./${file}`, import.meta.url)
  return existsSync(fileURLToPath(sibling)) ? sibling : new URL(`../../dist/runners/${file}`, import.meta.url)
}
