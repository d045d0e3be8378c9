// Driving the real VS Code workbench (code-server in Chromium) the way a person does: command
// palette, status bar, views, notifications, the output panel. Specs share one Workbench.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Locator, Page } from 'playwright-core';

export interface TreeRow {
  label: string;
  description: string;
  level: number;
  /** undefined for a leaf. */
  expanded: boolean | undefined;
}

export interface StatusBarEntry {
  text: string;
  label: string;
}

export class Workbench {
  constructor(
    readonly page: Page,
    private readonly artifacts: string,
  ) {}

  /** Waits for the workbench to finish restoring (status bar and activity bar drawn). */
  async ready(timeoutMs = 120_000): Promise<void> {
    await this.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
    await this.page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: timeoutMs });
    await this.page.locator('.part.activitybar, .part.sidebar').first().waitFor({ state: 'visible', timeout: timeoutMs });
  }

  // ── command palette ─────────────────────────────────────────────────────────────────────

  /**
   * Runs a command by its palette title, e.g. "Apiary: Show Host Status". The palette lists the
   * commands known when it opens, so one contributed moments ago may need a second opening.
   */
  async runCommand(title: string, timeoutMs = 30_000): Promise<void> {
    const end = Date.now() + timeoutMs;
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    const row = this.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: exactText(title) }) })
      .first();
    for (;;) {
      await this.closeQuickInput();
      await this.page.keyboard.press('F1');
      await input.waitFor({ state: 'visible', timeout: 15_000 });
      await input.fill(`>${title}`);
      const found = await row.waitFor({ state: 'visible', timeout: 5_000 }).then(
        () => true,
        () => false,
      );
      if (found) break;
      if (Date.now() > end) throw new Error(`the command palette has no command "${title}"`);
    }
    await row.click();
    // The command may open a quick pick of its own, so wait for our row to go, not the widget.
    await row.waitFor({ state: 'hidden', timeout: 15_000 });
  }

  async closeQuickInput(): Promise<void> {
    const widget = this.page.locator('.quick-input-widget');
    if (await widget.isVisible()) await this.page.keyboard.press('Escape');
  }

  // ── status bar ──────────────────────────────────────────────────────────────────────────

  /** The status bar item whose accessible label starts with `labelPrefix`. */
  statusBarItem(labelPrefix: string): Locator {
    return this.page.locator(`.part.statusbar .statusbar-item[aria-label^="${cssString(labelPrefix)}"]`).first();
  }

  async readStatusBarItem(labelPrefix: string): Promise<StatusBarEntry | undefined> {
    const item = this.statusBarItem(labelPrefix);
    if (!(await item.count())) return undefined;
    return { text: (await item.innerText()).trim(), label: (await item.getAttribute('aria-label')) ?? '' };
  }

  /** Polls until the item's label starts with `wanted`; returns the entry. */
  async waitForStatusBarItem(wanted: string, timeoutMs = 60_000): Promise<StatusBarEntry> {
    const item = this.statusBarItem(wanted);
    await item.waitFor({ state: 'visible', timeout: timeoutMs });
    return { text: (await item.innerText()).trim(), label: (await item.getAttribute('aria-label')) ?? '' };
  }

  /** Hovers a status bar item and returns its tooltip's text (optionally saving a screenshot of it). */
  async statusBarTooltip(labelPrefix: string, screenshot?: string): Promise<string> {
    await this.statusBarItem(labelPrefix).hover();
    const hover = this.page.locator('.monaco-hover:not(.hidden) .monaco-hover-content, .workbench-hover .hover-contents').first();
    await hover.waitFor({ state: 'visible', timeout: 15_000 });
    const text = await hover.innerText();
    if (screenshot) {
      // The hover fades in: a picture taken at once shows it half transparent.
      await this.page.waitForTimeout(400);
      await this.screenshot(screenshot);
    }
    await this.page.mouse.move(5, 5);
    return text;
  }

  // ── views ───────────────────────────────────────────────────────────────────────────────

  /** Opens a view container from the activity bar by its title (e.g. "Apiary"); leaves it open if it is. */
  async openViewContainer(title: string): Promise<void> {
    const item = this.page
      .locator('.part.activitybar .action-item')
      .filter({ has: this.page.locator(`a.action-label[aria-label^="${cssString(title)}"]`) })
      .first();
    await item.waitFor({ state: 'visible', timeout: 15_000 });
    if ((await item.getAttribute('class'))?.split(/\s+/).includes('checked')) return;
    await item.click();
    await this.page.locator('.part.sidebar .composite.title', { hasText: new RegExp(title, 'i') }).first().waitFor({ state: 'visible', timeout: 15_000 });
  }

  /** A view's pane in the side bar, found by its header title. */
  view(title: string): Locator {
    // Headers are drawn upper-case by CSS, which innerText reflects: match without case.
    return this.page.locator('.part.sidebar .pane').filter({ has: this.page.locator('.pane-header .title', { hasText: exactText(title, 'i') }) }).first();
  }

  /** The rendered rows of a tree view (label, description, nesting level, expanded), read in one go. */
  async treeRows(viewTitle: string): Promise<TreeRow[]> {
    // No named helpers inside: this runs in the page, where tsx's __name wrapper does not exist.
    return this.view(viewTitle)
      .locator('.monaco-list-row')
      .evaluateAll((rows) =>
        rows.map((row) => {
          const expanded = row.getAttribute('aria-expanded');
          return {
            label: (row.querySelector('.label-name')?.textContent ?? '').trim() || (row.getAttribute('aria-label') ?? ''),
            description: (row.querySelector('.label-description')?.textContent ?? '').trim(),
            level: Number(row.getAttribute('aria-level') ?? '1'),
            expanded: expanded === null ? undefined : expanded === 'true',
          };
        }),
      );
  }

  /** Polls `read` until `accept` takes its value; returns that value. */
  async until<T>(what: string, read: () => Promise<T>, accept: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (accept(value)) return value;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; last value: ${JSON.stringify(value)}`);
      await this.page.waitForTimeout(250);
    }
  }

  // ── notifications, editors, output ──────────────────────────────────────────────────────

  /** Messages of the notification toasts currently shown. */
  async notifications(): Promise<string[]> {
    const toasts = this.page.locator('.notifications-toasts .notification-toast .notification-list-item-message');
    return (await toasts.allInnerTexts()).map((t) => t.trim());
  }

  async waitForNotification(pattern: RegExp, timeoutMs = 30_000): Promise<string> {
    const toast = this.page.locator('.notifications-toasts .notification-list-item-message', { hasText: pattern }).first();
    await toast.waitFor({ state: 'visible', timeout: timeoutMs });
    return (await toast.innerText()).trim();
  }

  /** The message of the modal dialog on screen, if any (confirmations, errors from commands). */
  async dialogMessage(): Promise<string | undefined> {
    const box = this.page.locator('.monaco-dialog-box');
    if (!(await box.isVisible())) return undefined;
    return (await box.locator('.dialog-message-text, .dialog-message').first().innerText()).trim();
  }

  /** Presses a button of the modal dialog by its label. */
  async pressDialogButton(label: string): Promise<void> {
    await this.page.locator('.monaco-dialog-box .dialog-buttons a.monaco-button', { hasText: exactText(label) }).first().click();
    await this.page.locator('.monaco-dialog-box').waitFor({ state: 'hidden', timeout: 15_000 });
  }

  /** Title of the active editor tab. */
  async activeEditorTitle(): Promise<string> {
    return (await this.page.locator('.part.editor .tab.active .label-name').first().innerText()).trim();
  }

  /** The whole text of the active editor (not only the lines scrolled into view). */
  async activeEditorText(): Promise<string> {
    return this.editorText(this.page.locator('.part.editor .editor-instance .monaco-editor').first());
  }

  /** Shows an output channel in the panel and returns its whole text. */
  async outputText(channel: string): Promise<string> {
    await this.runCommand('Output: Show Output Channels...');
    // Filter first: with many channels the list is virtualized and ours may not be drawn.
    await this.page.locator('.quick-input-widget .quick-input-box input').fill(channel);
    // Match the label only: a reused list row can keep a stale separator text ("recently used").
    const pick = this.page
      .locator('.quick-input-widget .quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name', { hasText: exactText(channel) }) })
      .first();
    await pick.waitFor({ state: 'visible', timeout: 15_000 });
    await pick.click();
    return this.editorText(this.page.locator('.part.panel .monaco-editor').first());
  }

  /**
   * Monaco renders only the lines in view, so the DOM cannot give a whole document: select all
   * and copy, then read the clipboard (the rig grants clipboard access to the page).
   */
  private async editorText(editor: Locator): Promise<string> {
    const lines = editor.locator('.view-lines');
    await lines.waitFor({ state: 'visible', timeout: 15_000 });
    await lines.click();
    await this.page.evaluate(() => navigator.clipboard.writeText(''));
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.press('Control+C');
    await this.page.keyboard.press('Control+Home');
    const text = await this.page.evaluate(() => navigator.clipboard.readText());
    return normalizeSpaces(text);
  }

  /** Polls `read` until it returns text matching `pattern`. */
  async waitForText(read: () => Promise<string>, pattern: RegExp, timeoutMs = 30_000): Promise<RegExpExecArray> {
    const end = Date.now() + timeoutMs;
    let last = '';
    for (;;) {
      last = await read().catch((e: unknown) => `(${String(e)})`);
      const m = pattern.exec(last);
      if (m) return m;
      if (Date.now() > end) throw new Error(`timed out waiting for ${pattern}; last text:\n${last}`);
      await this.page.waitForTimeout(500);
    }
  }

  // ── screenshots ─────────────────────────────────────────────────────────────────────────

  async screenshot(name: string): Promise<string> {
    mkdirSync(this.artifacts, { recursive: true });
    const file = path.join(this.artifacts, `${name.replace(/[^A-Za-z0-9_.-]+/g, '-')}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }
}

function exactText(text: string, flags = ''): RegExp {
  return new RegExp(`^\\s*${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\s*$`, flags);
}

function cssString(text: string): string {
  return text.replace(/["\\]/g, '\\$&');
}

/** Monaco renders spaces as U+00A0. */
function normalizeSpaces(text: string): string {
  return text.replace(/\u00a0/g, ' ');
}
