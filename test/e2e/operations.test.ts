/**
 * Cluster operations end to end, through the UI (issue 13): the real `npm run serve` engine in
 * Debian's Chromium. The Operations panel draws keys per slot, moves 4,000 slots with live
 * progress on the map, checks the cluster clean afterwards, its console runs DBSIZE on every
 * master and asks before a write, and it adds a master and removes it again.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPage } from '../helpers/browser';
import { startServe, type ServeProcess } from '../helpers/serve-process';
import { shellApi } from '../helpers/shell-api';

const SHOTS = 'docs/screenshots';
const WAIT = { timeout: 30_000 };

describe('npm run serve in Chromium: cluster operations', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  let pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    serve = await startServe();
    // Some data for the heat map: users, posts and likes through the API.
    const api = shellApi(serve.port, serve.token);
    const sessions: string[] = [];
    for (let u = 0; u < 12; u++) sessions.push(await api.signUp(`op${u}`));
    const posts: string[] = [];
    for (let p = 0; p < 60; p++) posts.push((await api.must<{ id: string }>('posts.create', { author: `op${p % 12}`, text: `post ${p}` }, sessions[p % 12])).id);
    await Promise.all(posts.map((id, i) => api.must('likes.like', { postId: id, username: `op${i % 12}` }, sessions[i % 12])));
    ({ browser, page, pageErrors } = await openPage(serve.url, { width: 1360, height: 1000 }));
    await page.getByTestId('section-cluster').click();
    await page.getByTestId('cluster-tab-operations').click();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('draws keys per slot, and moves 4,000 slots with live progress on the map', async () => {
    await page.getByTestId('heat-map').waitFor(WAIT);
    expect(await page.getByTestId('heat-col').count()).toBe(256);
    const keysShown = await page.getByTestId('heat-col').evaluateAll((els) => els.reduce((n, e) => n + Number(e.getAttribute('data-keys')), 0));
    expect(keysShown).toBeGreaterThan(100);
    await page.getByTestId('heat-map').hover({ position: { x: 40, y: 30 } });
    await expect.poll(() => page.getByTestId('slot-readout').textContent(), WAIT).toMatch(/^slot \d+: \d+ keys on 127\.0\.0\.1:\d+/);
    await page.screenshot({ path: `${SHOTS}/heat-map.png`, fullPage: true });
    // Dragging across the map picks a range for the reshard form, as slot numbers under the pointer.
    const box = (await page.getByTestId('heat-map').boundingBox())!;
    await page.mouse.move(box.x + box.width * 0.25, box.y + 30);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.375, box.y + 30, { steps: 5 });
    await page.getByTestId('heat-drag').waitFor(WAIT);
    await page.mouse.up();
    const [a, b] = (await page.getByTestId('reshard-range').inputValue()).split('-').map(Number);
    expect(Math.abs(a! - 4096), `range start ${a}`).toBeLessThanOrEqual(64);
    expect(Math.abs(b! - 6144), `range end ${b}`).toBeLessThanOrEqual(64);
    expect(await page.getByTestId('heat-drag').count(), 'the selection is gone once the range is taken').toBe(0);

    const first = `127.0.0.1:${serve.portBase}`;
    const second = `127.0.0.1:${serve.portBase + 1}`;
    await page.getByTestId('reshard-from').selectOption(first);
    await page.getByTestId('reshard-to').selectOption(second);
    await page.getByTestId('reshard-slots').fill('4000');
    await page.getByTestId('reshard-start').click();
    const progress = page.getByTestId('job-progress');
    // Caught in the middle: some slots done, not all, drawn on the map as pending.
    await expect.poll(async () => {
      const [state, done] = [await progress.getAttribute('data-state'), Number(await progress.getAttribute('data-done'))];
      return state === 'running' && done > 50 && done < 3900;
    }, WAIT).toBe(true);
    await page.locator('.heat-col-pending').first().waitFor(WAIT);
    await page.screenshot({ path: `${SHOTS}/resharding.png`, fullPage: true });
    await expect.poll(() => progress.getAttribute('data-state'), { timeout: 120_000 }).toBe('done');
    expect(await progress.getAttribute('data-done')).toBe('4000');
    await expect.poll(() => page.getByTestId('slot-segment').evaluateAll((els) => els.map((e) => `${e.getAttribute('data-owner')} ${e.getAttribute('data-range')}`)), WAIT).toContain(`${second} 1461-10922`);

    await page.getByTestId('cluster-check').click();
    await expect.poll(() => page.getByTestId('check-result').getAttribute('data-ok'), WAIT).toBe('true');
  }, 180_000);

  it('the console runs DBSIZE on every master, and asks before a write', async () => {
    await page.getByTestId('console-target').selectOption('masters');
    await page.getByTestId('console-input').fill('DBSIZE');
    await page.getByTestId('console-run').click();
    await expect.poll(() => page.getByTestId('console-row').count(), WAIT).toBe(3);
    const rows = await page.getByTestId('console-row').allTextContents();
    for (const row of rows) expect(row).toMatch(/127\.0\.0\.1:\d+ master\d+/);
    await page.getByTestId('console-input').fill('SET {e2e}:x 1');
    await page.getByTestId('console-run').click();
    await page.getByTestId('console-confirm').waitFor(WAIT);
    expect(await page.getByTestId('console-confirm').textContent()).toMatch(/confirm/);
    await page.getByTestId('console-confirm-yes').click();
    await expect.poll(async () => (await page.getByTestId('console-row').allTextContents()).some((t) => t.includes('"OK"')), WAIT).toBe(true);
    expect(pageErrors).toEqual([]);
  }, 60_000);

  it('adds a master from the panel, then removes it', async () => {
    expect(await page.getByTestId('ops-node').count()).toBe(6);
    await page.getByTestId('add-master').click();
    await expect.poll(() => page.getByTestId('ops-node').count(), { timeout: 60_000 }).toBe(7);
    await expect.poll(() => page.getByTestId('node-result').textContent(), WAIT).toMatch(/^Added master 127\.0\.0\.1:\d+/);
    const added = (await page.getByTestId('node-result').textContent())!.match(/127\.0\.0\.1:\d+/)![0];
    expect(await page.locator(`[data-testid=ops-node][data-address="${added}"]`).getAttribute('data-role')).toBe('master');
    await page.locator(`[data-testid=ops-node][data-address="${added}"] [data-testid=remove-node]`).click();
    await expect.poll(() => page.getByTestId('ops-node').count(), { timeout: 60_000 }).toBe(6);
    await expect.poll(() => page.getByTestId('node-result').textContent(), WAIT).toMatch(new RegExp(`^Removed master ${added.replace(/\./g, '\\.')}`));
    expect(pageErrors).toEqual([]);
  }, 120_000);
});
