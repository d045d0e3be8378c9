// Reading Apiary's webview views (Cost, Learning) in the real workbench. Each webview nests two
// iframes; the inner one holds our page, found by its <title> (every Apiary page shares one
// template, so "a frame with main#root" could be any of them).
import type { Frame } from 'playwright-core';
import { vscodeRig } from './session';

/** The frame of the webview whose page title is `title` ("Apiary Cost"), once its page has drawn. */
export async function webviewFrame(title: string, timeoutMs = 30_000): Promise<Frame> {
  const { workbench } = vscodeRig();
  const end = Date.now() + timeoutMs;
  for (;;) {
    for (const f of workbench.page.frames()) {
      if ((await f.title().catch(() => '')) !== title) continue;
      if (await f.locator('main#root[aria-busy="false"]').count().catch(() => 0)) return f;
    }
    if (Date.now() > end) throw new Error(`the webview "${title}" did not draw within ${timeoutMs / 1000} s`);
    await workbench.page.waitForTimeout(250);
  }
}

/**
 * The drawn page of the webview view in side-bar section `section`. In VS Code for the Web
 * (code-server), webviews that start loading together in a fresh browser race to register the
 * webview service worker, and the loser's host frame can wait forever for a `controllerchange`
 * that never comes: the section stays blank and our page is never even requested (nothing an
 * extension can see or fix — its `resolveWebviewView` ran and its html was set). A person
 * collapses and expands the section, which builds a new webview host frame; so does this, at most
 * twice.
 */
export async function sectionWebview(section: string, title: string, timeoutMs = 20_000): Promise<Frame> {
  const { workbench } = vscodeRig();
  for (let attempt = 0; ; attempt++) {
    try {
      return await webviewFrame(title, timeoutMs);
    } catch (err) {
      if (attempt >= 2) throw err;
      console.log(`      (the ${section} section stayed blank: collapsing and expanding it)`);
      const header = workbench.view(section).locator('.pane-header');
      for (const want of ['false', 'true']) {
        await header.click({ position: { x: 8, y: 10 } });
        await header.locator('xpath=self::*[@aria-expanded="' + want + '"]').waitFor({ state: 'attached', timeout: 5_000 });
      }
    }
  }
}

/** Polls the first `selector` in `frame` until its text matches; returns the text. */
export async function frameText(frame: Frame, selector: string, pattern: RegExp, timeoutMs = 30_000): Promise<string> {
  const end = Date.now() + timeoutMs;
  let last = '';
  for (;;) {
    last = (await frame.locator(selector).first().innerText({ timeout: 2000 }).catch(() => '')).trim();
    if (pattern.test(last)) return last;
    if (Date.now() > end) throw new Error(`timed out waiting for ${selector} to match ${pattern}; last: "${last}"`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/**
 * Gives one section of the Apiary side bar the room, as a person would: "Apiary: Focus on <Name>
 * View" from the palette (opens the side bar and expands the section), then collapse every other
 * expanded section by its header.
 */
export async function showOnlySection(name: string): Promise<void> {
  const { workbench } = vscodeRig();
  await workbench.runCommand(`Apiary: Focus on ${name} View`);
  const headers = workbench.page.locator('.part.sidebar .pane-header');
  await workbench.view(name).waitFor({ state: 'visible', timeout: 15_000 });
  const expanded = () =>
    headers.evaluateAll((hs) => hs.map((h) => ({ title: (h.querySelector('.title')?.textContent ?? '').trim().toLowerCase(), open: h.getAttribute('aria-expanded') === 'true' })));
  const wanted = name.toLowerCase();
  const end = Date.now() + 20_000;
  for (;;) {
    const state = await expanded();
    const wrong = state.findIndex((h) => h.open !== (h.title === wanted));
    if (wrong < 0) return;
    if (Date.now() > end) throw new Error(`could not leave only the ${name} section expanded: ${JSON.stringify(state)}`);
    // Click the twistie end of the header: the middle may hold the view's title actions.
    await headers.nth(wrong).click({ position: { x: 8, y: 10 } });
    await workbench.page.waitForTimeout(300);
  }
}
