// Readable agent names (`BlueLake`, `AmberFox`): easy to say in a message, to type in
// `--agent`, and stable for a client key, so an agent that reconnects is recognised.
import { createHash } from 'node:crypto';

const ADJECTIVES = [
  'Amber', 'Azure', 'Bold', 'Brave', 'Bright', 'Blue', 'Calm', 'Clever', 'Copper', 'Coral',
  'Crimson', 'Dusky', 'Eager', 'Gentle', 'Golden', 'Green', 'Hazel', 'Indigo', 'Jade', 'Keen',
  'Lively', 'Lucky', 'Misty', 'Noble', 'Olive', 'Quick', 'Quiet', 'Rapid', 'Rosy', 'Ruby',
  'Sandy', 'Silver', 'Sly', 'Steady', 'Stormy', 'Sunny', 'Swift', 'Teal', 'Tidy', 'Wise',
];

const NOUNS = [
  'Badger', 'Bear', 'Birch', 'Brook', 'Canyon', 'Cedar', 'Cliff', 'Cloud', 'Comet', 'Crane',
  'Creek', 'Dune', 'Falcon', 'Fern', 'Field', 'Finch', 'Fox', 'Glade', 'Hare', 'Harbor',
  'Heron', 'Hill', 'Lake', 'Lark', 'Maple', 'Meadow', 'Moss', 'Otter', 'Owl', 'Pine',
  'Raven', 'Reef', 'River', 'Robin', 'Stone', 'Summit', 'Thistle', 'Valley', 'Willow', 'Wren',
];

/** Every name the generator can produce without a numeric suffix. */
export const NAME_SPACE = ADJECTIVES.length * NOUNS.length;

function nameAt(i: number): string {
  const k = i % NAME_SPACE;
  return ADJECTIVES[Math.floor(k / NOUNS.length)]! + NOUNS[k % NOUNS.length]!;
}

/**
 * The name for `clientKey`: the first of its own sequence of candidates that `taken` does not
 * refuse. Deterministic, so the same key over the same registry gets the same name.
 */
export function generateName(clientKey: string, taken: (name: string) => boolean): string {
  const digest = createHash('sha256').update(clientKey).digest();
  const start = digest.readUInt32BE(0);
  // A stride coprime with NAME_SPACE visits every name once before repeating.
  let stride = (digest.readUInt32BE(4) % NAME_SPACE) | 1;
  while (gcd(stride, NAME_SPACE) !== 1) stride += 2;
  for (let i = 0; i < NAME_SPACE; i++) {
    const name = nameAt(start + i * stride);
    if (!taken(name)) return name;
  }
  const base = nameAt(start);
  for (let n = 2; ; n++) {
    if (!taken(`${base}${n}`)) return `${base}${n}`;
  }
}

function gcd(a: number, b: number): number {
  return b === 0 ? a : gcd(b, a % b);
}
