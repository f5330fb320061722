// A set of partition numbers as an operator reads it in a log line: sorted, runs collapsed ("0-16, 33, 40-41").

export function partitionRanges (partitions: Iterable<number>): string {
  const sorted = [...new Set(partitions)].sort((a, b) => a - b)
  const parts: string[] = []
  for (let start = 0; start < sorted.length;) {
    let end = start
    while (end + 1 < sorted.length && sorted[end + 1] === sorted[end]! + 1) end++
    parts.push(end === start ? `${sorted[start]}` : `${sorted[start]}-${sorted[end]}`)
    start = end + 1
  }
  return parts.join(', ')
}
