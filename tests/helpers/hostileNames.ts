/**
 * Names every plain object already answers to (Object.prototype's members), and `__proto__`, whose
 * assignment replaces an object's prototype instead of adding a key: fed as folder names, labels,
 * slice columns and values, presets, card labels and document keys by the prototype-key tests.
 */
export const HOSTILE = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf'] as const

/** The hostile names a result document can carry as keys (every one but `__proto__`, which readers refuse). */
export const HOSTILE_KEYS = HOSTILE.filter((n) => n !== '__proto__')
