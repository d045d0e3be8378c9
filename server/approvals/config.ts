// The `approvals` section of `.apiary/config.json`:
//   { "approvals": { "autoApprove": { "command": true }, "threshold": 0.8, "timeoutSeconds": 600, "defaultOutcome": "rejected" } }
// Re-read when the file changes (a stat per request); an invalid section is ignored with a
// warning so a typo never stops the host.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { approvalSettingsSchema, type ApprovalSettingsInput } from '../../shared/approvalsSchemas';

const fileSchema = z.object({ approvals: approvalSettingsSchema.optional() }).loose();

export class ApprovalConfigFile {
  private stamp = '';
  private current: ApprovalSettingsInput | undefined;

  constructor(
    private readonly apiaryDir: string,
    private readonly warn: (message: string) => void = () => {},
  ) {}

  get(): ApprovalSettingsInput | undefined {
    const file = path.join(this.apiaryDir, 'config.json');
    let stamp = 'missing';
    try {
      const st = fs.statSync(file);
      stamp = `${st.mtimeMs}:${st.size}`;
    } catch {
      // no file: defaults
    }
    if (stamp === this.stamp) return this.current;
    this.stamp = stamp;
    this.current = undefined;
    if (stamp === 'missing') return undefined;
    try {
      const parsed = fileSchema.safeParse(JSON.parse(fs.readFileSync(file, 'utf8')));
      if (parsed.success) this.current = parsed.data.approvals;
      else this.warn(`${file}: invalid approvals settings (${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}): using the defaults`);
    } catch (err) {
      this.warn(`${file} is not JSON (${err instanceof Error ? err.message : String(err)}): using the default approval settings`);
    }
    return this.current;
  }
}
