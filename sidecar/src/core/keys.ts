// Composite map keys, built on hot paths (every group commit builds several). Each part is written
// so that no two different tuples share a key whatever their parts contain (a group id may hold any
// character, U+0000 included): a number as `n<digits>|`, a string (or bigint, as its digits) as
// `s<length>:<text>`. Reading from the start, each part ends where its own prefix says it does.

/** One string key for a tuple of names and numbers. */
export function compositeKey (...parts: ReadonlyArray<string | number | bigint>): string {
  let key = ''
  for (const part of parts) {
    if (typeof part === 'number') key += `n${part}|`
    else {
      const text = typeof part === 'bigint' ? part.toString() : part
      key += `s${text.length}:${text}`
    }
  }
  return key
}

/** The key of a topic-partition. */
export function partitionKey (topic: string, partition: number): string {
  return compositeKey(topic, partition)
}
