import { z } from 'zod'

/**
 * The model registry's one schema (docs/zoo.md): published FER models ferbench can fetch, each pinned
 * by the sha256 and size of every file, with its licence, the card that feeds it and the claims it
 * answers. src/zoo/registryData.ts holds the entries; src/zoo/registry.ts validates them on load.
 */
const sha256 = z.string().regex(/^[0-9a-f]{64}$/, 'a lowercase hex sha256 (64 digits)')
const entryName = z.string().regex(/^[a-z0-9][a-z0-9.-]*$/, 'lowercase letters, digits, dots and dashes')

export const zooFileSchema = z.strictObject({
  /** The file's name in the cache folder (a tfjs model.json names its weight files: they keep their names). */
  name: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/),
  url: z.url({ protocol: /^https$/ }),
  sha256,
  bytes: z.number().int().positive(),
  /** `model`: the file ferbench opens (an .onnx, or a tfjs model.json); `weights`: a file it reads. */
  role: z.enum(['model', 'weights']),
})

export const zooEntrySchema = z
  .strictObject({
    name: entryName,
    aliases: z.array(entryName).default([]),
    title: z.string().min(1),
    files: z.array(zooFileSchema).min(1),
    licence: z.strictObject({
      /** SPDX id or the licence's name. */
      name: z.string().min(1),
      /** Where the licence is stated. */
      statedAt: z.string().min(1),
      /** Set when the licence limits use (research only, non-commercial): shown before every pull. */
      restriction: z.string().optional(),
    }),
    /** The built-in preset (src/card/presets.ts) that feeds this model. */
    preset: z.string().min(1),
    /** Where the card's input, scale, channel order and label order were checked against the publisher's own code. */
    cardCheckedAgainst: z.string().min(1),
    /** Claim ids (`ferbench claims`) this model answers. */
    claims: z.array(z.string()).default([]),
    /** The dataset a user must obtain to check the claims, and where (ferbench never downloads data). */
    dataset: z.string().min(1),
    notes: z.string().optional(),
  })
  .superRefine((entry, ctx) => {
    const models = entry.files.filter((f) => f.role === 'model')
    if (models.length !== 1)
      ctx.addIssue({
        code: 'custom',
        path: ['files'],
        message: `needs exactly one file with role 'model', has ${models.length}`,
      })
    const names = new Set<string>()
    for (const f of entry.files) {
      if (names.has(f.name))
        ctx.addIssue({ code: 'custom', path: ['files'], message: `file name '${f.name}' appears twice` })
      names.add(f.name)
    }
  })

export type ZooFile = z.output<typeof zooFileSchema>
export type ZooEntry = z.output<typeof zooEntrySchema>
export type ZooEntryInput = z.input<typeof zooEntrySchema>
