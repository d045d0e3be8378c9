// Changing user settings the way a person does: "Preferences: Open User Settings (JSON)", edit,
// save. (code-server does not notice the settings file changing under it.)
import { vscodeRig } from './session';

export async function setUserSettings(values: Record<string, unknown>): Promise<void> {
  const { workbench } = vscodeRig();
  await workbench.runCommand('Preferences: Open User Settings (JSON)');
  await workbench.waitForText(() => workbench.activeEditorTitle(), /^settings\.json$/);
  const text = await workbench.activeEditorText();
  const current = text.trim() ? (JSON.parse(text) as Record<string, unknown>) : {};
  const next = JSON.stringify({ ...current, ...values }, null, 2);
  const page = workbench.page;
  await page.evaluate((t) => navigator.clipboard.writeText(t), next);
  await page.locator('.part.editor .editor-instance .monaco-editor .view-lines').first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Control+V');
  await page.keyboard.press('Control+S');
  await page.locator('.part.editor .tab.active:not(.dirty)').waitFor({ state: 'visible', timeout: 15_000 });
  await workbench.runCommand('View: Close All Editors');
}

/** Switches the colour theme and waits until the workbench wears it (`workbenchClass`: ".vs-dark", ".vs:not(.vs-dark)", ".hc-black"). */
export async function setTheme(theme: string, workbenchClass: string): Promise<void> {
  const { workbench } = vscodeRig();
  await setUserSettings({ 'workbench.colorTheme': theme });
  await workbench.page.locator(`.monaco-workbench${workbenchClass}`).waitFor({ state: 'attached', timeout: 15_000 });
  // Webviews receive the new theme's variables a moment after the workbench.
  await workbench.page.waitForTimeout(1000);
}
