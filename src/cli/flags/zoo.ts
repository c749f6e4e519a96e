import { Flags } from '@oclif/core'

/** --cache-dir: where `models pull` keeps verified models (docs/zoo.md). */
export const cacheDirFlag = Flags.custom<string>({
  description:
    'model cache folder (default: $FERBENCH_CACHE_DIR, else $XDG_CACHE_HOME/ferbench, else ~/.cache/ferbench); --model zoo:<name> reads $FERBENCH_CACHE_DIR the same way',
})
