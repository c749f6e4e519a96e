import { usageError } from '../base/errors.js'
import { EMOTIONS, parseEmotion, type Emotion } from '../base/emotions.js'

/** `--class-map '0=neutral,1=happiness,…'` → ordered entries (folder or label name → emotion). */
export function parseClassMap(text: string): Array<[string, Emotion]> {
  const entries: Array<[string, Emotion]> = []
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter((p) => p !== '')) {
    const at = part.indexOf('=')
    if (at <= 0) throw usageError(`--class-map: '${part}' is not NAME=EMOTION (e.g. 0=neutral,1=happiness)`)
    const key = part.slice(0, at).trim()
    const value = part.slice(at + 1).trim()
    const emotion = parseEmotion(value)
    if (!emotion)
      throw usageError(`--class-map: '${value}' (for ${key}) is not an emotion; use one of ${EMOTIONS.join(', ')}`)
    if (entries.some(([k]) => k === key)) throw usageError(`--class-map: '${key}' is mapped twice`)
    if (entries.some(([, e]) => e === emotion)) throw usageError(`--class-map: two names map to ${emotion}`)
    entries.push([key, emotion])
  }
  if (entries.length === 0) throw usageError(`--class-map is empty; expected e.g. '0=neutral,1=happiness'`)
  return entries
}
