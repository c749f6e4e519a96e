// The eval document's schema id alone, so that writing a document does not build its zod schema.
export const EVAL_SCHEMA = 'ferbench/eval@1'
