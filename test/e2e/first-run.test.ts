/**
 * A first run as a new tester sees it: an empty network offers a demo one, loaded by the running
 * engine with a progress bar; a listed demo account signs in with the demo password, its feed is
 * alive, and a 250-message DM thread scrolls back to its first message. Real `npm run serve`
 * (embedded cluster and stores, an empty temp data folder) in Debian's Chromium.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage } from '../helpers/browser';
import { startServe, type ServeProcess } from '../helpers/serve-process';
import { shellApi } from '../helpers/shell-api';

const SHOTS = 'docs/screenshots';
const WAIT = { timeout: 30_000 };

describe('first run: the demo network from the sign-in screen', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    serve = await startServe();
    ({ browser, page, pageErrors } = await openPage(serve.url, { width: 1280, height: 900 }));
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('loads a 1k demo network with a visible progress bar, then signs in as a listed demo account whose feed is alive', async () => {
    await page.getByTestId('demo-network').waitFor(WAIT);
    await page.getByTestId('demo-size-1000').check();
    // Progress as the engine reports it: the bar shows while it runs, or the load was quicker than a frame.
    const seen: string[] = [];
    const watch = setInterval(() => {
      void page.getByTestId('demo-phase').textContent({ timeout: 100 }).then((t) => t && seen.push(t), () => undefined);
    }, 50);
    await page.getByTestId('demo-load').click();
    try {
      await page.getByTestId('demo-progress').waitFor({ state: 'visible', ...WAIT });
      await page.getByTestId('demo-account').first().waitFor(WAIT);
    } finally {
      clearInterval(watch);
    }
    expect(seen.length, 'the progress line was on screen').toBeGreaterThan(0);
    expect(seen.some((t) => /\d+% · (users|follows|posts|likes|comments|messages)/.test(t)), seen.join(' | ')).toBe(true);
    await page.screenshot({ path: `${SHOTS}/first-run.png` });
    const account = await page.getByTestId('demo-account').first().getAttribute('data-username');
    await page.getByTestId('demo-account').first().click();
    await expect.poll(() => page.getByTestId('signed-in-as').textContent(), WAIT).toBe(`@${account}`);
    // Its feed pages and is recent: the posts are not all from one day, and some have likes.
    const posts = page.getByTestId('post');
    await expect.poll(() => posts.count(), WAIT).toBeGreaterThanOrEqual(5);
    await page.getByTestId('trending-item').first().waitFor(WAIT);
    expect(pageErrors).toEqual([]);
  });

  it('a 250-message DM thread scrolls back to its first message, page by page', async () => {
    const me = ((await page.getByTestId('signed-in-as').textContent()) ?? '').slice(1);
    // Someone else writes 250 messages through the API, signed in as a demo account of their own.
    const api = shellApi(serve.port, serve.token);
    const { accounts, password } = (await api.must<{ load: { accounts: string[]; password: string } }>('demo.status')).load;
    const other = accounts.find((a) => a !== me)!;
    const session = (await api.must<{ session: string }>('session.signIn', { username: other, password })).session;
    for (let i = 1; i <= 250; i++) await api.must('messages.send', { from: other, to: me, text: `long thread ${i}` }, session);

    await page.getByTestId('nav-messages').click();
    await page.locator(`[data-testid=conversation][data-with="${other}"]`).click();
    const thread = page.getByTestId('thread-messages');
    const texts = page.locator('[data-testid=message] .bubble-text');
    const message = (n: number) => texts.getByText(`long thread ${n}`, { exact: true });
    await message(250).waitFor(WAIT);
    // The newest 200 first; scrolling up loads the rest until the start of the conversation.
    expect(await texts.filter({ hasText: /^long thread \d+$/ }).count()).toBe(200);
    await expect
      .poll(async () => {
        await thread.evaluate((el) => el.scrollTo(0, 0));
        return page.getByTestId('thread-start').getAttribute('data-state');
      }, WAIT)
      .toBe('start');
    await message(1).waitFor(WAIT);
    expect(await texts.filter({ hasText: /^long thread \d+$/ }).count()).toBe(250);
    expect(pageErrors).toEqual([]);
  });
});
