// Progress goes to stderr, so stdout carries only the report (one JSON object per line with --json).
export function progress(message: string): void {
  process.stderr.write(`  … ${message}\n`);
}
