// How the partitions of the coordination topic are dealt over the instances at a rebalance
// (docs/design.md §2.7): balanced (shares differ by at most one), and sticky, so that a rebalance moves
// as little as it can. Each partition stays with the member that owned it before when that member is
// still there and its quota allows, partition 0 first: the writer of the cluster's reverse offset syncs
// keeps its seat when another instance joins, instead of handing it over for nothing.
//
// Members are ordered by their instance (one id per sidecar process, the same in the group of every
// cluster), not by the member id the coordinator hands out: the groups of two clusters with the same
// instances then deal each instance the same partition numbers, and an instance reads on every cluster
// only the partitions it owns (the same numbers hold the same groups), instead of the union of two
// unrelated shares, which for two instances was often every partition.

export interface MemberClaim {
  memberId: string
  /** The sidecar process the member belongs to (the same on every cluster); members without one sort by memberId. */
  instance?: string
  /** The partitions the member owned before this rebalance. */
  previous: readonly number[]
}

/** Per member id, the partitions it owns after the rebalance, ascending. Pure and deterministic. */
export function stickyAssignment (members: readonly MemberClaim[], partitionCount: number): Map<string, number[]> {
  const order = (member: MemberClaim): string => `${member.instance ?? ''}\u0000${member.memberId}`
  const sorted = [...members].sort((a, b) => (order(a) < order(b) ? -1 : order(a) > order(b) ? 1 : 0))
  const result = new Map<string, number[]>(sorted.map((member) => [member.memberId, []]))
  if (sorted.length === 0) return result
  const base = Math.floor(partitionCount / sorted.length)
  // This many members may hold one partition more than `base`.
  let extra = partitionCount % sorted.length
  const capacity = (memberId: string): number => {
    const held = result.get(memberId)!.length
    if (held < base) return 1
    return held === base && extra > 0 ? 1 : 0
  }
  const take = (memberId: string, partition: number): void => {
    const held = result.get(memberId)!
    if (held.length === base) extra--
    held.push(partition)
    owner.set(partition, memberId)
  }
  const owner = new Map<number, string>()
  // Keep: partition by partition, ascending (0, the writer's seat, first), the first claimant in member order.
  const claimants = new Map<number, string[]>()
  for (const member of sorted) {
    for (const partition of new Set(member.previous)) {
      if (!Number.isInteger(partition) || partition < 0 || partition >= partitionCount) continue
      claimants.set(partition, [...(claimants.get(partition) ?? []), member.memberId])
    }
  }
  for (let partition = 0; partition < partitionCount; partition++) {
    const keeper = claimants.get(partition)?.find((memberId) => capacity(memberId) > 0)
    if (keeper !== undefined) take(keeper, partition)
  }
  // Deal the rest to the members holding least (member order breaks ties).
  for (let partition = 0; partition < partitionCount; partition++) {
    if (owner.has(partition)) continue
    let chosen: string | undefined
    for (const member of sorted) {
      if (capacity(member.memberId) === 0) continue
      if (chosen === undefined || result.get(member.memberId)!.length < result.get(chosen)!.length) chosen = member.memberId
    }
    take(chosen!, partition)
  }
  for (const held of result.values()) held.sort((a, b) => a - b)
  return result
}

/** The member's claim as it travels in the group protocol's subscription user data. */
export function encodeClaim (previous: readonly number[], instance?: string): Uint8Array {
  return new TextEncoder().encode(JSON.stringify({ v: 1, owned: previous, ...(instance === undefined ? {} : { instance }) }))
}

/**
 * A member's claim as the leader reads it: the partitions it owned and its instance. One that cannot be
 * read (another version, garbage) claims nothing and names no instance.
 */
export function readClaim (bytes: Uint8Array | null | undefined): { owned: number[], instance?: string } {
  if (bytes === null || bytes === undefined || bytes.length === 0) return { owned: [] }
  try {
    const parsed = JSON.parse(new TextDecoder().decode(bytes)) as { owned?: unknown, instance?: unknown }
    const owned = Array.isArray(parsed.owned) ? parsed.owned.filter((value): value is number => Number.isInteger(value)) : []
    return typeof parsed.instance === 'string' ? { owned, instance: parsed.instance } : { owned }
  } catch {
    return { owned: [] }
  }
}
