// Readable agent names (`BlueLake`, `QuietFalcon`), deterministic from a client key: the same
// key yields the same first choice, and collisions probe the other combinations in a fixed,
// key-dependent order, so nothing random leaks into the log.

const ADJECTIVES = [
  'Amber', 'Bold', 'Blue', 'Brave', 'Bright', 'Calm', 'Clever', 'Coral', 'Crimson', 'Dapper',
  'Eager', 'Early', 'Fair', 'Fleet', 'Gentle', 'Golden', 'Green', 'Happy', 'Hidden', 'Jade',
  'Keen', 'Kind', 'Lively', 'Lucky', 'Mellow', 'Misty', 'Nimble', 'Noble', 'Olive', 'Patient',
  'Plucky', 'Proud', 'Quick', 'Quiet', 'Rapid', 'Red', 'Rosy', 'Rustic', 'Silent', 'Silver',
  'Steady', 'Sunny', 'Swift', 'Tidy', 'Violet', 'Warm', 'Wise', 'Witty',
] as const;

const NOUNS = [
  'Badger', 'Beacon', 'Birch', 'Brook', 'Canyon', 'Cedar', 'Comet', 'Creek', 'Delta', 'Dune',
  'Falcon', 'Fern', 'Finch', 'Fjord', 'Forest', 'Fox', 'Glade', 'Harbor', 'Hawk', 'Heron',
  'Hill', 'Island', 'Lake', 'Lark', 'Maple', 'Meadow', 'Mesa', 'Moon', 'Oak', 'Orchid',
  'Otter', 'Owl', 'Peak', 'Pine', 'Pond', 'Prairie', 'Raven', 'Reef', 'Ridge', 'River',
  'Robin', 'Sparrow', 'Spruce', 'Star', 'Stone', 'Summit', 'Valley', 'Willow',
] as const;

const COMBINATIONS = ADJECTIVES.length * NOUNS.length;
// Coprime with COMBINATIONS (2304 = 2^8·3^2), so probing visits every combination once.
const PROBE_STEP = 1009;

/** FNV-1a, 32 bits: small, stable across platforms and versions. */
export function hashKey(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

function combination(index: number): string {
  return ADJECTIVES[Math.floor(index / NOUNS.length)] + NOUNS[index % NOUNS.length];
}

/**
 * A name for `clientKey` not in `taken` (compared case-insensitively). When every combination
 * is taken, the key's first choice gets a numeric suffix.
 */
export function generateAgentName(clientKey: string, taken: Iterable<string>): string {
  const used = new Set<string>();
  for (const name of taken) used.add(name.toLowerCase());
  const start = hashKey(clientKey) % COMBINATIONS;
  for (let k = 0; k < COMBINATIONS; k++) {
    const name = combination((start + k * PROBE_STEP) % COMBINATIONS);
    if (!used.has(name.toLowerCase())) return name;
  }
  const base = combination(start);
  for (let n = 2; ; n++) {
    const name = `${base}${n}`;
    if (!used.has(name.toLowerCase())) return name;
  }
}
