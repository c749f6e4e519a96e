/** The canonical emotion names, in FER+ order. Every dataset and model declares its order in these names. */
export const EMOTIONS = ['neutral', 'happiness', 'surprise', 'sadness', 'anger', 'disgust', 'fear', 'contempt'] as const

export type Emotion = (typeof EMOTIONS)[number]

/** Spellings seen in dataset folders, label files and model cards, mapped to canonical names. */
const SYNONYMS: ReadonlyMap<string, Emotion> = new Map<string, Emotion>([
  ['neutral', 'neutral'],
  ['neutrality', 'neutral'],
  ['ne', 'neutral'],
  ['calm', 'neutral'],
  ['happiness', 'happiness'],
  ['happy', 'happiness'],
  ['joy', 'happiness'],
  ['ha', 'happiness'],
  ['surprise', 'surprise'],
  ['surprised', 'surprise'],
  ['su', 'surprise'],
  ['sadness', 'sadness'],
  ['sad', 'sadness'],
  ['sa', 'sadness'],
  ['anger', 'anger'],
  ['angry', 'anger'],
  ['an', 'anger'],
  ['disgust', 'disgust'],
  ['disgusted', 'disgust'],
  ['di', 'disgust'],
  ['fear', 'fear'],
  ['fearful', 'fear'],
  ['scared', 'fear'],
  ['fe', 'fear'],
  ['contempt', 'contempt'],
  ['contemptuous', 'contempt'],
  ['co', 'contempt'],
])

/** Canonical name for a spelling (case-insensitive), or undefined when it is not an emotion we know. */
export function parseEmotion(name: string): Emotion | undefined {
  return SYNONYMS.get(name.trim().toLowerCase())
}
