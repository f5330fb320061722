// Which Node.js runs mm2-failback: the range is package.json's engines.node (one policy for npm, the
// README and this check). Plain JavaScript that any Node since 14 parses, so that an older Node is told
// what is wrong instead of failing later on a missing API (e.g. Promise.withResolvers, which the Kafka
// client uses, is absent from Node 20).

/**
 * Why this Node cannot run mm2-failback, or null when it can.
 * @param {string} version process.versions.node, e.g. "20.20.2"
 * @param {string} range engines.node, of the form ">=MAJOR[.MINOR[.PATCH]]"
 * @returns {string | null}
 */
export function unsupportedNode (version, range) {
  const wanted = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim())
  if (wanted === null) return null
  const need = wanted.slice(1, 4).map((part) => Number(part ?? 0))
  const have = version.replace(/^v/, '').split('.').slice(0, 3).map((part) => Number.parseInt(part, 10) || 0)
  for (let i = 0; i < 3; i++) {
    if (have[i] > need[i]) return null
    if (have[i] < need[i]) {
      return `Node.js v${have.join('.')} (${process.execPath}) is too old: mm2-failback needs Node.js ${range.replace(/\s+/g, '')}, ` +
        `as its Kafka client uses APIs older Nodes lack. Install Node.js ${need.join('.')} or later (the project is tested on Node.js 24 LTS).`
    }
  }
  return null
}
