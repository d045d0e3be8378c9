// The workspace token every MCP request must carry (`Authorization: Bearer <token>`). It lives
// in `.apiary/token` (mode 0600): whoever can read the workspace's local state may use the host.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export const TOKEN_FILE = 'token';

const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43,}$/;

export function tokenPath(apiaryDir: string): string {
  return path.join(apiaryDir, TOKEN_FILE);
}

/** 32 random bytes, base64url: safe in headers, env variables and shell lines. */
export function newToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Writes atomically with mode 0600, so no reader ever sees a half-written or readable-by-all token. */
export function writeToken(file: string, token: string): void {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  fs.writeFileSync(tmp, token + '\n', { mode: 0o600 });
  fs.renameSync(tmp, file);
}

/** The token in the file, or null when there is none (or it is not one of ours). */
export function readToken(file: string): string | null {
  try {
    const text = fs.readFileSync(file, 'utf8').trim();
    return TOKEN_PATTERN.test(text) ? text : null;
  } catch {
    return null;
  }
}

/**
 * Returns the workspace token, creating it on first use. A file that is not a token is replaced;
 * one that others may read is made private again. `notes` says what was repaired.
 */
export function ensureToken(file: string): { token: string; created: boolean; notes: string[] } {
  const notes: string[] = [];
  const existing = readToken(file);
  if (existing) {
    if (process.platform !== 'win32' && (fs.statSync(file).mode & 0o077) !== 0) {
      fs.chmodSync(file, 0o600);
      notes.push(`${file} was readable by others: made it private (0600)`);
    }
    return { token: existing, created: false, notes };
  }
  if (fs.existsSync(file)) notes.push(`${file} held no valid token: replaced it`);
  const token = newToken();
  writeToken(file, token);
  return { token, created: true, notes };
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** Constant-time comparison: hashing first makes both sides the same length. */
export function tokensEqual(given: string, expected: string): boolean {
  return timingSafeEqual(digest(given), digest(expected));
}

/** The host's current token: checked on every request, rotated in memory and on disk at once. */
export class TokenStore {
  /**
   * The current token's bytes. Each request's token is compared in constant time when it has the
   * same length; only a wrong length returns early, and every token has the same, public length
   * (43 base64url characters), so that tells nothing. No hash per request.
   */
  private current: Buffer;
  private readonly listeners: Array<() => void> = [];

  constructor(
    readonly file: string,
    initial: string,
  ) {
    this.current = Buffer.from(initial, 'utf8');
  }

  static open(apiaryDir: string): { store: TokenStore; notes: string[] } {
    const file = tokenPath(apiaryDir);
    const { token, notes } = ensureToken(file);
    return { store: new TokenStore(file, token), notes };
  }

  matches(given: string): boolean {
    const bytes = Buffer.from(given, 'utf8');
    return bytes.length === this.current.length && timingSafeEqual(bytes, this.current);
  }

  /** Replaces the token; from now on the old one is refused. */
  rotate(): void {
    const next = newToken();
    writeToken(this.file, next);
    this.current = Buffer.from(next, 'utf8');
    for (const l of this.listeners) l();
  }

  onRotated(listener: () => void): void {
    this.listeners.push(listener);
  }
}
