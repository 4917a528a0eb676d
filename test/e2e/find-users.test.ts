/**
 * Finding people without knowing their exact username: users.search over the web shell API,
 * the "Find your account" box on the sign-in screen and the side nav's suggestions, on the real
 * `npm run serve` engine (embedded cluster and stores, temp data folder) in Debian's Chromium.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { startServe, type ServeProcess } from '../helpers/serve-process';

const WAIT = { timeout: 20_000 };

async function rpc(serve: ServeProcess, method: string, body: unknown): Promise<{ status: number; json: { ok: boolean; data?: unknown; error?: { code: string } } }> {
  const res = await fetch(`${new URL(serve.url).origin}/rpc/${method}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${serve.token}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as never };
}

const usernames = (page: Page, testId: string) => page.getByTestId(testId).evaluateAll((els) => els.map((e) => e.getAttribute('data-username')));

/** The sign-in results once the engine has answered for `prefix` (not the last answer narrowed while it is on its way). */
async function signInResults(page: Page, prefix: string): Promise<(string | null)[]> {
  const state = page.getByTestId('signin-search-state');
  await expect.poll(async () => [await state.getAttribute('data-status'), await state.getAttribute('data-prefix')], WAIT).toEqual(['ready', prefix]);
  return usernames(page, 'signin-result');
}

describe('finding users: sign-in search and side-nav suggestions', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    serve = await startServe();
    for (const [username, displayName] of [['quinn.adams7', 'Quinn Adams'], ['Quinn_B', 'Quinn B'], ['quill', 'Quill Pen'], ['zed', 'Zed']]) {
      const { status } = await rpc(serve, 'users.create', { username, displayName, password: 'password1' });
      expect(status).toBe(200);
    }
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(serve.url);
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('users.search answers a case-insensitive prefix and refuses a wildcard or a space', async () => {
    const found = await rpc(serve, 'users.search', { prefix: 'QUI' });
    expect(found.json.ok).toBe(true);
    expect(found.json.data).toEqual([
      { username: 'quill', displayName: 'Quill Pen' },
      { username: 'quinn.adams7', displayName: 'Quinn Adams' },
      { username: 'Quinn_B', displayName: 'Quinn B' },
    ]);
    expect((await rpc(serve, 'users.search', { prefix: '', limit: 2 })).json.data).toHaveLength(2);
    for (const prefix of ['qu%', 'qu*', 'qu n', '{q']) {
      const refused = await rpc(serve, 'users.search', { prefix });
      expect([refused.status, refused.json.error?.code]).toEqual([400, 'invalid_input']);
    }
  });

  it('the sign-in screen lists users as you type, says when nobody matches, and a result fills the form for its password', async () => {
    // An empty box shows the first users, so a fresh install has someone to pick.
    expect(await signInResults(page, '')).toEqual(['quill', 'quinn.adams7', 'Quinn_B', 'zed']);
    await page.getByTestId('signin-search').fill('QUIN');
    expect(await signInResults(page, 'QUIN')).toEqual(['quinn.adams7', 'Quinn_B']);
    await page.getByTestId('signin-search').fill('qu_');
    await expect.poll(() => page.getByTestId('signin-search-empty').textContent(), WAIT).toBe('No user starts with “qu_”.');
    await page.getByTestId('signin-search').fill('quinn.');
    expect(await signInResults(page, 'quinn.')).toEqual(['quinn.adams7']);
    await page.locator('[data-testid=signin-result][data-username="quinn.adams7"]').click();
    expect(await page.getByTestId('signin-username').inputValue()).toBe('quinn.adams7');
    await page.getByTestId('signin-password').fill('password1');
    await page.getByTestId('signin-submit').click();
    await expect.poll(() => page.getByTestId('signed-in-as').textContent(), WAIT).toBe('@quinn.adams7');
  });

  it('the side nav suggests people as you type; a click or the arrow keys open one, Enter alone opens the exact name', async () => {
    const find = page.getByTestId('find-user');
    await find.fill('qUi');
    await expect.poll(() => usernames(page, 'find-user-result'), WAIT).toEqual(['quill', 'quinn.adams7', 'Quinn_B']);
    await page.locator('[data-testid=find-user-result][data-username=Quinn_B]').click();
    await page.locator('[data-testid=profile][data-username=Quinn_B]').waitFor(WAIT);
    expect(await find.inputValue()).toBe('');

    await find.fill('Z');
    await expect.poll(() => usernames(page, 'find-user-result'), WAIT).toEqual(['zed']);
    await find.press('ArrowDown');
    await expect.poll(() => page.getByTestId('find-user-result').getAttribute('aria-selected'), WAIT).toBe('true');
    await find.press('Enter');
    await page.locator('[data-testid=profile][data-username=zed]').waitFor(WAIT);

    await find.fill('quill');
    await find.press('Enter');
    await page.locator('[data-testid=profile][data-username=quill]').waitFor(WAIT);
    expect(pageErrors).toEqual([]);
  });
});
