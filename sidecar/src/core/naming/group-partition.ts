// Where a consumer group lives: the partition of __consumer_offsets that holds its commits and whose
// leader is its coordinator, as every Kafka broker computes it (classic and KIP-848 coordinators alike):
// Utils.abs(groupId.hashCode()) % offsets.topic.num.partitions. Instances of the sidecar own groups by
// owning these partitions (docs/design.md §2.7).

/** Java's String.hashCode: h = 31 * h + c over the UTF-16 code units, in 32-bit arithmetic. */
export function javaStringHashCode (text: string): number {
  let hash = 0
  for (let index = 0; index < text.length; index++) hash = (Math.imul(31, hash) + text.charCodeAt(index)) | 0
  return hash
}

/** The __consumer_offsets partition of `groupId` on a cluster whose topic has `partitionCount` partitions. */
export function groupPartition (groupId: string, partitionCount: number): number {
  const hash = javaStringHashCode(groupId)
  // Kafka's Utils.abs maps Integer.MIN_VALUE to 0, where Math.abs would overflow.
  const positive = hash === -2147483648 ? 0 : Math.abs(hash)
  return positive % partitionCount
}
