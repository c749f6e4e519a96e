import { Flags } from '@oclif/core'
import { DEFAULT_HISTORY_STORE } from '../../leaderboard/historyStore.js'

/** --store: the history store folder (default .ferbench-history). */
export const storeFlag = Flags.custom<string>({ description: 'history store folder', default: DEFAULT_HISTORY_STORE })
