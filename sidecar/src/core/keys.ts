// Composite map keys. Parts are joined with U+0000, which Kafka topic names, cluster aliases and
// (in practice) group ids never contain, so two different tuples never share a key.

const SEPARATOR = '\u0000'

/** One string key for a tuple of names and numbers. */
export function compositeKey (...parts: ReadonlyArray<string | number | bigint>): string {
  return parts.join(SEPARATOR)
}

/** The key of a topic-partition. */
export function partitionKey (topic: string, partition: number): string {
  return compositeKey(topic, partition)
}
