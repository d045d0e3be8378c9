// The `locks` section of `.apiary/config.json` (local to this workspace's host, never committed):
//   { "locks": { "mode": "enforce" | "advisory", "inactiveAfterSeconds": 300, "forceReleaseAfterSeconds": 900 } }
// Read again whenever the file changes (a cheap stat per decision; hot reads such as lock_check
// stat it at most once a second), so switching a workspace to
// advisory needs no host restart. A missing file gives the defaults; an invalid one also does,
// with a warning saying what was ignored, so a typo never stops the host.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { type CoordinationPolicy, DEFAULT_POLICY } from './core/policy';

const locksSchema = z.object({
  mode: z.enum(['enforce', 'advisory']).default(DEFAULT_POLICY.lockMode),
  inactiveAfterSeconds: z.number().int().min(1).optional(),
  forceReleaseAfterSeconds: z.number().int().min(1).optional(),
  /** For case-insensitive file systems. */
  nocase: z.boolean().optional(),
});

const fileSchema = z.object({ locks: locksSchema.optional() }).loose();

export const CONFIG_FILE = 'config.json';

export function policyFrom(raw: unknown): { policy: CoordinationPolicy; warning: string | null } {
  const parsed = fileSchema.safeParse(raw);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    return { policy: { ...DEFAULT_POLICY }, warning: `invalid locks settings (${issues}): using the defaults` };
  }
  const locks = parsed.data.locks;
  if (!locks) return { policy: { ...DEFAULT_POLICY }, warning: null };
  return {
    policy: {
      ...DEFAULT_POLICY,
      lockMode: locks.mode,
      ...(locks.inactiveAfterSeconds ? { inactiveAfterMs: locks.inactiveAfterSeconds * 1000 } : {}),
      ...(locks.forceReleaseAfterSeconds ? { forceReleaseAfterMs: locks.forceReleaseAfterSeconds * 1000 } : {}),
      ...(locks.nocase !== undefined ? { nocase: locks.nocase } : {}),
    },
    warning: null,
  };
}

/** The workspace's coordination policy, re-read when the config file's mtime or size changes. */
export class PolicySource {
  private stamp = '';
  private checkedAt = 0;
  private current: CoordinationPolicy = { ...DEFAULT_POLICY };

  constructor(
    private readonly apiaryDir: string,
    private readonly warn: (message: string) => void = () => {},
  ) {}

  /**
   * The policy; `maxAgeMs` lets a hot read (lock_check) reuse one checked that recently instead of
   * a file-system stat per call. Decisions pass nothing: they always see the file as it is now.
   */
  get(maxAgeMs = 0): CoordinationPolicy {
    const checkedAt = Date.now();
    if (maxAgeMs > 0 && this.stamp !== '' && checkedAt - this.checkedAt < maxAgeMs) return this.current;
    this.checkedAt = checkedAt;
    const file = path.join(this.apiaryDir, CONFIG_FILE);
    let stamp = 'missing';
    try {
      const st = fs.statSync(file);
      stamp = `${st.mtimeMs}:${st.size}`;
    } catch {
      // no file: defaults
    }
    if (stamp === this.stamp) return this.current;
    this.stamp = stamp;
    if (stamp === 'missing') {
      this.current = { ...DEFAULT_POLICY };
      return this.current;
    }
    let raw: unknown;
    try {
      raw = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (err) {
      this.warn(`${file} is not JSON (${err instanceof Error ? err.message : String(err)}): using the default lock settings`);
      this.current = { ...DEFAULT_POLICY };
      return this.current;
    }
    const { policy, warning } = policyFrom(raw);
    if (warning) this.warn(`${file}: ${warning}`);
    this.current = policy;
    return policy;
  }
}
