// Composite map keys. A tuple is encoded as its JSON array, so no two different tuples share a key
// whatever their parts contain (a group id may hold any character, U+0000 included).

/** One string key for a tuple of names and numbers. */
export function compositeKey (...parts: ReadonlyArray<string | number | bigint>): string {
  return JSON.stringify(parts.map((part) => typeof part === 'bigint' ? part.toString() : part))
}

/** The key of a topic-partition. */
export function partitionKey (topic: string, partition: number): string {
  return compositeKey(topic, partition)
}
