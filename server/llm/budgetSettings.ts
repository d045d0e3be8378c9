// Budget settings (US dollars, null removes a cap) applied to the caps in force (micro-dollars).
import { ApiaryError } from '../../shared/errors';
import type { BudgetCaps, BudgetScope } from '../../shared/llm';
import { usdToMicros } from '../../shared/llm';
import { budgetSettingsParamsSchema } from '../../shared/llmSchemas';

export function applyBudgetSettings(current: BudgetCaps, settings: unknown): BudgetCaps {
  const parsed = budgetSettingsParamsSchema.safeParse(settings ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ApiaryError(
      'invalid_params',
      `Invalid budget settings: ${issue?.path.join('.') || 'params'}: ${issue?.message ?? 'invalid'}`,
      'Caps are positive US dollar amounts: dayUsd, cellUsd, runUsd, monthUsd; null removes one.',
    );
  }
  const caps: BudgetCaps = { ...current };
  const fields: Array<[BudgetScope, number | null | undefined]> = [
    ['day', parsed.data.dayUsd],
    ['cell', parsed.data.cellUsd],
    ['run', parsed.data.runUsd],
    ['month', parsed.data.monthUsd],
  ];
  for (const [scope, usd] of fields) {
    if (usd === null) delete caps[scope];
    else if (usd !== undefined) caps[scope] = usdToMicros(usd);
  }
  return caps;
}
