/**
 * The cluster inspector end to end, through the UI only: the real `npm run serve` engine (its
 * embedded cluster runs with a 2 s node timeout) in Debian's Chromium. The failover drill is run
 * from the panel and the topology view must then show the promoted replica owning 0-5460.
 */
import calculateSlot from 'cluster-key-slot';
import { mkdirSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { startServe, type ServeProcess } from '../helpers/serve-process';

const SHOTS = 'docs/screenshots';
const WAIT = { timeout: 20_000 };
const DRILL_WAIT = { timeout: 90_000 };

const text = (locator: Locator, wait = WAIT) => expect.poll(() => locator.textContent(), wait);
const attr = (locator: Locator, name: string, wait = WAIT) => expect.poll(() => locator.getAttribute(name), wait);

/** The shard card whose master is `address`. */
const shardOf = (page: Page, address: string) => page.locator(`[data-testid=shard][data-master="${address}"]`);

describe('npm run serve in Chromium: the cluster inspector', () => {
  let serve: ServeProcess;
  let browser: Browser;
  let page: Page;
  const pageErrors: string[] = [];
  /** Slot 0's master and its replica before the drill, read from the topology view. */
  let firstMaster = '';
  let firstReplica = '';
  /** Every master and the slot ranges it owned before the drill. */
  let owners: { master: string; start: number; end: number }[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    serve = await startServe();
    browser = await launchChromium();
    const context = await browser.newContext({ viewport: { width: 1360, height: 900 }, colorScheme: 'light' });
    page = await context.newPage();
    page.on('pageerror', (e) => pageErrors.push(e.message));
    await page.goto(serve.url);
    await page.getByTestId('section-cluster').click();
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('draws the 6 nodes as a diagram, the shards with replication lag, and the slot map', async () => {
    await page.getByTestId('graph-node').nth(5).waitFor(WAIT);
    expect(await page.getByTestId('graph-node').count()).toBe(6);
    expect(await page.locator('[data-testid=graph-node][data-role=master]').count()).toBe(3);
    expect(await page.locator('[data-testid=graph-node][data-health=ok]').count()).toBe(6);
    // Replication links are edges of the diagram (React Flow draws them once nodes are measured).
    await expect.poll(() => page.locator('.react-flow__edge').count(), WAIT).toBe(3);
    expect(await page.getByTestId('node-row').count()).toBe(6);
    expect(await page.getByTestId('slot-range').allTextContents()).toEqual(['0-5460', '5461-10922', '10923-16383']);
    expect(await page.getByTestId('slot-segment').evaluateAll((els) => els.map((e) => e.getAttribute('data-range')))).toEqual(['0-5460', '5461-10922', '10923-16383']);
    // Lag appears once the first INFO round has answered (master offset - replica offset).
    await text(page.getByTestId('replication-lag').first()).toMatch(/\d+(\.\d)? (B|KB|MB)/);

    const shard = page.locator('[data-testid=shard]', { has: page.locator('[data-testid=slot-range]', { hasText: /^0-5460$/ }) });
    firstMaster = (await shard.getAttribute('data-master')) ?? '';
    firstReplica = (await shard.locator('[data-testid=node-row][data-role=replica]').getAttribute('data-address')) ?? '';
    owners = await page.getByTestId('shard').evaluateAll((els) =>
      els.flatMap((el) => {
        const master = el.getAttribute('data-master') ?? '';
        const ranges: string[] = el.querySelector('[data-testid=slot-range]')?.textContent?.split(', ') ?? [];
        return ranges.map((r) => {
          const [start, end = start] = r.split('-').map(Number) as [number, number?];
          return { master, start, end };
        });
      }),
    );
    expect(firstMaster).toBe(`127.0.0.1:${serve.portBase}`);
    expect(firstReplica).toBe(`127.0.0.1:${serve.portBase + 3}`);
  });

  it('the key explorer shows where a key lives, and scans every master', async () => {
    await page.getByTestId('cluster-tab-keys').click();
    const key = '{user:alice}:feed:all';
    await page.getByTestId('keyslot-input').fill(key);
    await page.getByTestId('keyslot-submit').click();
    const slot = calculateSlot(key);
    await text(page.getByTestId('keyslot-slot')).toBe(String(slot));
    expect(slot).toBe(calculateSlot('user:alice'));
    expect(await page.getByTestId('keyslot-hashtag').textContent()).toBe('{user:alice}');
    const owner = owners.find((o) => o.start <= slot && slot <= o.end)?.master;
    expect(owner).toBeTruthy();
    expect(await page.getByTestId('keyslot-master').textContent()).toBe(owner);
    expect(await page.getByTestId('keyslot-replicas').textContent()).toMatch(/^127\.0\.0\.1:\d+ $/);
    await page.getByTestId('slot-mark').waitFor(WAIT);

    await page.getByTestId('scan-pattern').fill('*');
    await page.getByTestId('scan-submit').click();
    await page.locator('[data-testid=scan-progress][data-done=true]').or(page.getByTestId('scan-more')).first().waitFor(WAIT);
    expect(await page.getByTestId('scan-progress').textContent()).toMatch(/of 3 masters scanned/);
  });

  it('the metrics panel charts every node live', async () => {
    await page.getByTestId('cluster-tab-metrics').click();
    await expect.poll(async () => Number(await page.getByTestId('metrics-panel').getAttribute('data-samples')), WAIT).toBeGreaterThanOrEqual(2);
    expect(await page.getByTestId('metric-chart').count()).toBe(7);
    const ops = page.locator('[data-testid=metric-chart][data-metric=ops]');
    await expect.poll(() => ops.locator('.recharts-line').count(), WAIT).toBe(6);
    // Replication as time series: the lag chart has a value for each of the 3 replicas (masters
    // draw nothing there), and each rule is written next to its figure.
    const lag = page.locator('[data-testid=metric-chart][data-metric=repl-lag]');
    await expect.poll(() => lag.getAttribute('class'), WAIT).not.toMatch(/chart-empty/);
    expect(await page.locator('[data-testid=metric-chart][data-metric=hit-rate] [data-testid=metric-rule]').textContent()).toMatch(/below 50% over the last 60 s, once it saw at least 100 lookups/);
    expect(await page.getByTestId('metrics-row').count()).toBe(6);
  });

  it('runs the failover drill from the panel: the timeline is drawn live and the replica takes over 0-5460', { timeout: 150_000 }, async () => {
    await page.getByTestId('cluster-tab-failover').click();
    // Defaults: the owner of slot 0, stopped for real.
    expect(await page.getByTestId('drill-master').inputValue()).toBe(String(serve.portBase));
    expect(await page.getByTestId('drill-mode-crash').isChecked()).toBe(true);
    await page.getByTestId('drill-run').click();
    await expect.poll(() => page.getByTestId('drill-run').isDisabled(), WAIT).toBe(true);

    // Steps arrive as events while the call is still running.
    await page.locator('[data-testid=drill-step][data-step="crashing master"]').waitFor(DRILL_WAIT);
    expect(await page.getByTestId('drill-result').count()).toBe(0);

    await page.getByTestId('drill-result').waitFor(DRILL_WAIT);
    expect(await page.getByTestId('drill-lost-acked').textContent()).toBe('0');
    expect(await page.getByTestId('drill-promoted').textContent()).toBe(firstReplica);
    expect(Number((await page.getByTestId('drill-acked').textContent())?.replace(/,/g, ''))).toBeGreaterThan(0);
    expect(await page.getByTestId('drill-unavailable').textContent()).toMatch(/\d+( ms|\.\d+ s)/);
    const steps = await page.getByTestId('drill-step').evaluateAll((els) => els.map((e) => e.getAttribute('data-step')));
    // On a failure, say what each step said (a failed restart names its reason).
    const told = (await page.getByTestId('drill-step').allTextContents()).join(' | ');
    expect(steps, told).toEqual(expect.arrayContaining(['crashing master', 'process exited', 'forced failover', 'promoted', 'restarted', 'rejoined', 'verified']));
    expect(await page.getByTestId('drill-detection').textContent()).toContain('Red K supervisor');
    expect(await page.getByTestId('drill-run').isDisabled()).toBe(false);
    await page.screenshot({ path: `${SHOTS}/failover-drill.png`, fullPage: true });

    await page.getByTestId('cluster-tab-topology').click();
    await text(shardOf(page, firstReplica).getByTestId('slot-range')).toBe('0-5460');
    // The old master came back as a replica of the promoted node.
    await attr(shardOf(page, firstReplica).locator(`[data-testid=node-row][data-address="${firstMaster}"]`), 'data-role', DRILL_WAIT).toBe('replica');
    await attr(page.locator(`[data-testid=graph-node][data-address="${firstReplica}"]`), 'data-slots').toBe('0-5460');
    expect(await page.locator(`[data-testid=graph-node][data-address="${firstReplica}"]`).getAttribute('data-role')).toBe('master');
    await expect.poll(() => page.locator('[data-testid=graph-node][data-health=ok]').count(), DRILL_WAIT).toBe(6);
    await text(page.getByTestId('replication-lag').first()).toMatch(/\d/);
    await page.screenshot({ path: `${SHOTS}/inspector-topology.png`, fullPage: true });
  });

  it('promotes a replica with CLUSTER FAILOVER from the panel', async () => {
    const master = `127.0.0.1:${serve.portBase + 1}`;
    const replica = `127.0.0.1:${serve.portBase + 4}`;
    await page.getByTestId('cluster-tab-failover').click();
    await page.locator(`[data-testid=promote-row][data-address="${replica}"]`).getByTestId('promote-replica').click();
    await attr(page.getByTestId('promote-result'), 'data-promoted').toBe('true');
    expect(await page.getByTestId('promote-result').textContent()).toContain(`${master} now replicates it`);
    await page.getByTestId('cluster-tab-topology').click();
    await text(shardOf(page, replica).getByTestId('slot-range')).toBe('5461-10922');
    expect(pageErrors).toEqual([]);
  });
});
