import path from 'node:path'
import { writeFileAtomic } from '../../src/base/atomicWrite.js'
import { PACKAGE_ROOT } from '../../src/base/paths.js'
import { DOCUMENT_SCHEMAS, schemaFileName, schemaText, type DocumentKind } from '../../src/results/index.js'

/** `npm run schemas`: writes schemas/<kind>.schema.json from the zod schemas. */
for (const kind of Object.keys(DOCUMENT_SCHEMAS) as DocumentKind[]) {
  const file = path.join(PACKAGE_ROOT, 'schemas', schemaFileName(kind))
  writeFileAtomic(file, schemaText(kind))
  console.log(`wrote ${path.relative(PACKAGE_ROOT, file)}`)
}
