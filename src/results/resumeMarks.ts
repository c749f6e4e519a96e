import { z } from 'zod'

/**
 * What `--resume` does with one field of a run's spec, declared beside the field's schema:
 * `fixed`, taken from the partial result (giving one of its `flags` again is a usage error), or
 * `overridable`, taken from the resumed command line. `flags`: the command-line flags that set the
 * field (none: the run derives it, e.g. the working directory). `fields`: an object whose own
 * fields carry their marks.
 */
export interface ResumeMark {
  resume: 'fixed' | 'overridable'
  flags: readonly string[]
  fields?: true
}

/** The marks, kept apart from zod's global registry so that the JSON Schemas written from these schemas do not change. */
const marks = z.registry<ResumeMark>()

function mark<T extends z.ZodType>(schema: T, what: ResumeMark): T {
  marks.add(schema as z.ZodType, what)
  return schema
}

/** A field a partial result fixes; `flags` set it on the command line (`--resume` refuses them). */
export function fixed<T extends z.ZodType>(schema: T, ...flags: string[]): T {
  return mark(schema, { resume: 'fixed', flags })
}

/** A field a resumed run takes from its own command line (`flags`), not from the partial result. */
export function overridable<T extends z.ZodType>(schema: T, ...flags: string[]): T {
  return mark(schema, { resume: 'overridable', flags })
}

/** An object field fixed as a whole, whose own fields carry their marks (and flags). */
export function fixedFields<T extends z.ZodObject>(schema: T): T {
  return mark(schema, { resume: 'fixed', flags: [], fields: true })
}

/** A field of a spec and its mark (undefined: unmarked); `path` is dotted (`datasetOptions.labels`). */
export interface MarkedField {
  path: string
  mark: ResumeMark | undefined
}

type Wrapped = z.core.$ZodType & { _zod: { def: { innerType?: z.core.$ZodType } } }

/** The schema and the schemas it wraps (optional, default, nullable …), outermost first. */
function layers(schema: z.core.$ZodType): z.core.$ZodType[] {
  const all: z.core.$ZodType[] = []
  for (let s: z.core.$ZodType | undefined = schema; s; s = (s as Wrapped)._zod.def.innerType) all.push(s)
  return all
}

/** Every field of an object schema with its mark (looked up through optional and default wrappers), walking into `fixedFields` objects. */
export function markedFields(schema: z.ZodObject, prefix = ''): MarkedField[] {
  return Object.entries(schema.shape).flatMap(([key, field]) => {
    const wrapped = layers(field)
    const found = wrapped.map((s) => marks.get(s)).find((m) => m !== undefined)
    const path = `${prefix}${key}`
    const inner = wrapped.at(-1)
    if (found?.fields && inner?._zod.def.type === 'object')
      return [{ path, mark: found }, ...markedFields(inner as z.ZodObject, `${path}.`)]
    return [{ path, mark: found }]
  })
}

/** The flags of the fields marked `resume` (each once, in declaration order). */
export function flagsMarked(fields: readonly MarkedField[], resume: ResumeMark['resume']): string[] {
  return [...new Set(fields.flatMap((f) => (f.mark?.resume === resume ? f.mark.flags : [])))]
}
