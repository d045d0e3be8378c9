// The failure knowledge base: signatures seen in failed attempts, what fixed them when a later
// attempt of the same cell (or kind) passed, and the lines a retry prompt should carry.
import type { Outcome } from '../../shared/learning';
import { extractSignatures, type Signature, type SignatureRule, DEFAULT_RULES } from './signatures';

export interface FailureEntry {
  signature: string;
  family: string;
  example: string;
  seen: number;
  kinds: Set<string>;
  /** Patterns of the attempt that passed after this failure, most recent first. */
  fixes: string[];
}

export class FailureBase {
  private readonly entries = new Map<string, FailureEntry>();
  /** Signatures of the last failed attempt per cell (or kind when no cell), waiting for a fix. */
  private readonly open = new Map<string, string[]>();

  constructor(private readonly rules: SignatureRule[] = DEFAULT_RULES) {}

  observe(o: Outcome): void {
    const key = o.cell ?? `kind:${o.kind}`;
    if (!o.success) {
      const sigs = o.verificationOutput ? extractSignatures(o.verificationOutput, this.rules) : [];
      for (const s of sigs) this.note(s, o.kind);
      if (sigs.length) this.open.set(key, [...(this.open.get(key) ?? []), ...sigs.map((s) => s.signature)]);
      return;
    }
    const pending = this.open.get(key);
    if (!pending) return;
    this.open.delete(key);
    const fix = o.patterns.length ? o.patterns.join('; ') : `passed${o.tier ? ` on the ${o.tier} tier` : ''} after ${o.retries} retr${o.retries === 1 ? 'y' : 'ies'}`;
    for (const sig of pending) {
      const e = this.entries.get(sig);
      if (e && !e.fixes.includes(fix)) e.fixes.unshift(fix);
      if (e && e.fixes.length > 3) e.fixes.length = 3;
    }
  }

  private note(s: Signature, kind: string): void {
    const e = this.entries.get(s.signature);
    if (e) {
      e.seen += 1;
      e.kinds.add(kind);
      e.example = s.example;
    } else this.entries.set(s.signature, { ...s, seen: 1, kinds: new Set([kind]), fixes: [] });
  }

  /** Lines for a retry prompt: each signature in `output` we have seen before, with its fixes. */
  relevantFailures(output: string, limit = 5): string[] {
    const lines: string[] = [];
    for (const s of extractSignatures(output, this.rules)) {
      const e = this.entries.get(s.signature);
      if (!e) continue;
      const fix = e.fixes.length ? ` What fixed it before: ${e.fixes.join(' | ')}.` : ' No fix recorded yet.';
      lines.push(`KNOWN FAILURE (${e.seen}x): ${e.signature}.${fix}`);
      if (lines.length >= limit) break;
    }
    return lines;
  }

  list(): FailureEntry[] {
    return [...this.entries.values()].sort((a, b) => b.seen - a.seen);
  }
}
