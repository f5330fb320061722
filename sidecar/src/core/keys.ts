// Composite map keys, built on hot paths (every group commit builds several). Each part is written
// so that no two different tuples share a key whatever their parts contain (a group id may hold any
// character, U+0000 included): a number as `n<digits>|`, a string (or bigint, as its digits) as
// `s<length>:<text>`. Reading from the start, each part ends where its own prefix says it does.

/**
 * One string key for a tuple of names and numbers. Joined, not appended: `+=` makes a tree of string
 * pieces, and a key kept in a map (a store entry, a gauge's last value) kept every piece alive, several
 * hundred bytes for a key of 50 characters.
 */
export function compositeKey (...parts: ReadonlyArray<string | number | bigint>): string {
  const pieces: string[] = []
  for (const part of parts) {
    if (typeof part === 'number') pieces.push('n', String(part), '|')
    else {
      const text = typeof part === 'bigint' ? part.toString() : part
      pieces.push('s', String(text.length), ':', text)
    }
  }
  return pieces.join('')
}

/** The key of a topic-partition. */
export function partitionKey (topic: string, partition: number): string {
  return compositeKey(topic, partition)
}
