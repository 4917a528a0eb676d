import { mkdirSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { portIsFree } from '../helpers/ports';
import { startServe, type ServeProcess } from '../helpers/serve-process';

describe('npm run serve in Chromium: the cluster overview', () => {
  let serve: ServeProcess;
  let browser: Browser;

  beforeAll(async () => {
    serve = await startServe();
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('shows 6 nodes and the 3 slot ranges, live, from the web shell', async () => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(serve.url);
    await page.getByTestId('node-row').nth(5).waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('node-row').count()).toBe(6);
    expect(await page.locator('[data-testid=node-row][data-role=master]').count()).toBe(3);
    expect(await page.locator('[data-testid=node-row][data-role=replica]').count()).toBe(3);
    expect(await page.getByTestId('slot-range').allTextContents()).toEqual(['0-5460', '5461-10922', '10923-16383']);
    expect(await page.getByTestId('cluster-state').textContent()).toBe('cluster_state:ok');
    expect(await page.getByTestId('shell-kind').textContent()).toBe('web shell');
    // The token left the address bar once read.
    expect(page.url()).not.toContain('token=');
    await page.getByText('live', { exact: true }).waitFor({ timeout: 10_000 });
    mkdirSync('test-results', { recursive: true });
    await page.screenshot({ path: 'test-results/cluster-overview.png', fullPage: true });
    expect(errors).toEqual([]);
  });

  it('a page without the token gets a readable error, not a blank screen', async () => {
    const page = await browser.newPage();
    await page.goto(serve.url.replace(/\?token=.*/, ''));
    // Each part of the page that asked the engine says so (the cluster view, the sign-in search):
    // at least one of them names the missing token.
    const alert = page.getByRole('alert').filter({ hasText: 'token' }).first();
    await alert.waitFor({ timeout: 10_000 });
    expect(await alert.textContent()).toContain('token');
  });

  it('stopping serve stops the cluster it started', async () => {
    expect(await serve.stop()).toBe(0);
    for (let p = serve.portBase; p < serve.portBase + 6; p++) expect(await portIsFree(p)).toBe(true);
  });
});
