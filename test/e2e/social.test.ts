/**
 * The social client end to end, through the UI only: the real `npm run serve` engine (embedded
 * cluster and stores, temp data folder) in Debian's Chromium, one browser context per person.
 */
import { mkdirSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium } from '../helpers/browser';
import { startServe, type ServeProcess } from '../helpers/serve-process';
import { shellApi } from '../helpers/shell-api';

const SHOTS = 'docs/screenshots';
const WAIT = { timeout: 20_000 };

const text = (locator: Locator) => expect.poll(() => locator.textContent(), WAIT);
const attr = (locator: Locator, name: string) => expect.poll(() => locator.getAttribute(name), WAIT);

const PASSWORD = 'correct horse 1';

async function signUp(page: Page, username: string, displayName: string): Promise<void> {
  await page.getByTestId('signup-username').fill(username);
  await page.getByTestId('signup-display').fill(displayName);
  await page.getByTestId('signup-password').fill(PASSWORD);
  await page.getByTestId('signup-submit').click();
  await text(page.getByTestId('signed-in-as')).toBe(`@${username}`);
}

async function openProfile(page: Page, username: string): Promise<Locator> {
  await page.getByTestId('find-user').fill(username);
  await page.getByTestId('find-user').press('Enter');
  const profile = page.locator(`[data-testid=profile][data-username="${username}"]`);
  await profile.waitFor(WAIT);
  return profile;
}

async function followFromProfile(page: Page, username: string): Promise<void> {
  const profile = await openProfile(page, username);
  await profile.getByTestId('follow-button').click();
  await attr(profile.getByTestId('follow-button'), 'data-following').toBe('true');
}

async function post(page: Page, body: string): Promise<void> {
  await page.getByTestId('nav-home').click();
  await page.getByTestId('composer-text').fill(body);
  await page.getByTestId('composer-text').press('Enter');
  await expect.poll(() => page.getByTestId('composer-text').inputValue(), WAIT).toBe('');
}

/** Scrolls a paged list to its end until it says there is nothing older. */
async function scrollToEnd(list: Locator): Promise<void> {
  await expect
    .poll(async () => {
      await list.evaluate((el) => el.scrollTo(0, el.scrollHeight));
      return list.getByTestId('feed-end').getAttribute('data-state');
    }, WAIT)
    .toBe('end');
}

const postCard = (page: Page, body: string) => page.locator('[data-testid=post]', { hasText: body });

describe('npm run serve in Chromium: the social client', () => {
  let serve: ServeProcess;
  let browser: Browser;
  const pages: Record<'alice' | 'bob' | 'carol' | 'dave', Page> = {} as never;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    mkdirSync(SHOTS, { recursive: true });
    serve = await startServe();
    browser = await launchChromium();
    for (const name of ['alice', 'bob', 'carol', 'dave'] as const) {
      const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
      const page = await context.newPage();
      page.on('pageerror', (e) => pageErrors.push(`${name}: ${e.message}`));
      await page.goto(serve.url);
      pages[name] = page;
    }
  });
  afterAll(async () => {
    await browser?.close();
    await serve?.stop();
  });

  it('signs up four people; a bad or taken username reads as an error, not a blank screen', async () => {
    const { alice, bob, carol, dave } = pages;
    await signUp(alice, 'alice', 'Alice Liddell');

    await dave.getByTestId('signup-username').fill('bad name{x}');
    await dave.getByTestId('signup-password').fill(PASSWORD);
    await dave.getByTestId('signup-submit').click();
    await attr(dave.getByTestId('error'), 'data-code').toBe('invalid_username');
    await dave.getByTestId('signup-username').fill('dave');
    await dave.getByTestId('signup-password').fill('short');
    await dave.getByTestId('signup-submit').click();
    await attr(dave.getByTestId('error'), 'data-code').toBe('invalid_input');
    expect(await dave.getByTestId('error').textContent()).toContain('at least 8 characters');
    await dave.getByTestId('signup-username').fill('alice');
    await dave.getByTestId('signup-password').fill(PASSWORD);
    await dave.getByTestId('signup-submit').click();
    await attr(dave.getByTestId('error'), 'data-code').toBe('conflict');
    expect(await dave.getByTestId('error').textContent()).toContain('taken');

    await signUp(bob, 'bob', 'Bob Builder');
    await signUp(carol, 'carol', 'Carol Danvers');
    await signUp(dave, 'dave', 'Dave Grohl');
    expect(await bob.getByTestId('shell-kind').textContent()).toBe('web shell');
  });

  it('follows from profiles: carol follows dave, bob follows alice and carol', async () => {
    const { bob, carol } = pages;
    await followFromProfile(carol, 'dave');
    await followFromProfile(bob, 'alice');
    const aliceProfile = bob.locator('[data-testid=profile][data-username=alice]');
    await text(aliceProfile.getByTestId('count-followers')).toBe('1');
    await followFromProfile(bob, 'carol');
    await text(bob.locator('[data-testid=profile][data-username=carol]').getByTestId('count-following')).toBe('1');
  });

  it("a post shows in its author's self feed and in a follower's following feed", async () => {
    const { alice, bob, carol } = pages;
    await post(carol, 'Trying out Red K. Every like here is a Lua script on one hash slot.');
    await post(alice, 'Down the rabbit hole: my first post on Red K!');
    await post(alice, 'Hash tags keep {user:alice} keys on one slot, so feeds and counters move together.');

    await alice.getByTestId('feed-tab-self').click();
    await postCard(alice, 'Down the rabbit hole').waitFor(WAIT);
    expect(await alice.getByTestId('post').count()).toBe(2);

    await bob.getByTestId('nav-home').click();
    await bob.getByTestId('feed-tab-following').click();
    await postCard(bob, 'Down the rabbit hole').waitFor(WAIT);
    await postCard(bob, 'Trying out Red K').waitFor(WAIT);
    expect(await bob.getByTestId('post').count()).toBe(3);
  });

  it('bob likes the post (count changes, saved once a replica has it) and comments on it', async () => {
    const { bob } = pages;
    const card = postCard(bob, 'Down the rabbit hole');
    expect(await card.getByTestId('like-count').textContent()).toBe('0');
    await card.getByTestId('like-button').click();
    await text(card.getByTestId('like-count')).toBe('1');
    await attr(card.getByTestId('like-saved'), 'data-state').toBe('saved');
    expect(await card.getByTestId('like-button').getAttribute('aria-pressed')).toBe('true');

    await card.getByTestId('comments-toggle').click();
    await card.getByTestId('comment-input').fill('Welcome, Alice! Mind the Cheshire cat.');
    await card.getByTestId('comment-input').press('Enter');
    await card.getByTestId('comment').filter({ hasText: 'Mind the Cheshire cat' }).waitFor(WAIT);
    await text(card.getByTestId('comment-count')).toBe('1');

    // Liking carol's post too makes the trending rail worth a look in the screenshot.
    await postCard(bob, 'Trying out Red K').getByTestId('like-button').click();
    await text(postCard(bob, 'Trying out Red K').getByTestId('like-count')).toBe('1');
    await attr(postCard(bob, 'Trying out Red K').getByTestId('like-saved'), 'data-state').toBe('saved');
    await bob.getByTestId('trending-item').nth(1).waitFor(WAIT);
    await bob.screenshot({ path: `${SHOTS}/feed.png` });
  });

  it('the Redis drawer lists each call with its commands, keys, slots and nodes; Escape closes it', async () => {
    const { bob } = pages;
    await bob.getByTestId('drawer-toggle').click();
    const drawer = bob.getByTestId('redis-drawer');
    await drawer.waitFor(WAIT);
    const like = drawer.locator('[data-testid=trace-call][data-method="likes.like"]').first();
    await like.waitFor(WAIT);
    if ((await like.getAttribute('open')) === null) await like.locator('summary').click();
    expect(await like.getByTestId('trace-command').count()).toBeGreaterThan(0);
    expect(await like.textContent()).toContain('{post:');
    await bob.screenshot({ path: `${SHOTS}/redis-drawer.png` });
    await bob.keyboard.press('Escape');
    await drawer.waitFor({ state: 'detached', ...WAIT });
    expect(await bob.getByTestId('drawer-toggle').evaluate((el) => el.ownerDocument.activeElement === el)).toBe(true);
  });

  it('alice sends bob a DM: bob sees the unread badge live, reads it, and his reply reaches alice live', async () => {
    const { alice, bob } = pages;
    const profile = await openProfile(alice, 'bob');
    await profile.getByTestId('profile-message').click();
    await alice.locator('[data-testid=thread][data-with=bob]').waitFor(WAIT);
    await alice.getByTestId('message-text').fill('Hi Bob! Thanks for the like. Tea at four?');
    await alice.getByTestId('message-text').press('Enter');
    await alice.getByTestId('message').filter({ hasText: 'Tea at four' }).waitFor(WAIT);

    await text(bob.getByTestId('nav-unread')).toBe('1');
    await bob.getByTestId('nav-messages').click();
    const conversation = bob.locator('[data-testid=conversation][data-with=alice]');
    await text(conversation.getByTestId('unread-badge')).toBe('1');
    await conversation.click();
    await bob.getByTestId('message').filter({ hasText: 'Tea at four' }).waitFor(WAIT);
    await conversation.getByTestId('unread-badge').waitFor({ state: 'detached', ...WAIT });
    await bob.getByTestId('nav-unread').waitFor({ state: 'detached', ...WAIT });

    await bob.getByTestId('message-text').fill('Four it is. I will bring the jam tarts.');
    await bob.getByTestId('message-send').click();
    await alice.getByTestId('message').filter({ hasText: 'jam tarts' }).waitFor(WAIT);
    await bob.getByTestId('message').filter({ hasText: 'jam tarts' }).waitFor(WAIT);
    await bob.screenshot({ path: `${SHOTS}/dm-thread.png` });
  });

  it('bob follows dave from who-to-follow (carol, whom bob follows, follows dave)', async () => {
    const { bob } = pages;
    await bob.getByTestId('nav-home').click();
    const suggestion = bob.locator('[data-testid=suggestion][data-username=dave]');
    await suggestion.waitFor(WAIT);
    expect(await suggestion.textContent()).toContain('1 mutual connection');
    await suggestion.getByTestId('follow-button').click();
    await suggestion.waitFor({ state: 'detached', ...WAIT });
    const dave = await openProfile(bob, 'dave');
    await text(dave.getByTestId('count-followers')).toBe('2');
    await attr(dave.getByTestId('follow-button'), 'data-following').toBe('true');
  });

  it('a failed like rolls back with a readable error; a failed feed offers a retry; a reload keeps the session', async () => {
    const { alice } = pages;
    await alice.reload();
    await text(alice.getByTestId('signed-in-as')).toBe('@alice');
    await alice.getByTestId('feed-tab-self').click();
    const card = postCard(alice, 'Down the rabbit hole');
    await text(card.getByTestId('like-count')).toBe('1');

    const down = { code: 'cluster_unavailable', message: 'Redis node 127.0.0.1:7000 is down; its replica has not taken over yet.' };
    await alice.route('**/rpc/likes.like', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ ok: false, error: down }) }));
    await card.getByTestId('like-button').click();
    await attr(card.getByTestId('error'), 'data-code').toBe('cluster_unavailable');
    expect(await card.getByTestId('error').textContent()).toContain('is down');
    expect(await card.getByTestId('like-count').textContent()).toBe('1');
    expect(await card.getByTestId('like-button').getAttribute('aria-pressed')).toBe('false');
    await alice.unroute('**/rpc/likes.like');
    await card.getByTestId('like-button').click();
    await text(card.getByTestId('like-count')).toBe('2');
    await card.getByTestId('error').waitFor({ state: 'detached', ...WAIT });

    const storeDown = { code: 'store_unavailable', message: 'The document store at mongodb://127.0.0.1:27017 does not answer.' };
    await alice.route('**/rpc/feeds.get', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: JSON.stringify({ ok: false, error: storeDown }) }));
    await alice.getByTestId('feed-refresh').click();
    const error = alice.locator('[data-testid=error][data-code=store_unavailable]');
    await error.waitFor(WAIT);
    expect(await error.textContent()).toContain('database');
    await alice.unroute('**/rpc/feeds.get');
    await error.getByRole('button', { name: 'Try again' }).click();
    await card.waitFor(WAIT);
  });

  it('a new post by someone bob follows is offered live at the top of his feed', async () => {
    const { alice, bob } = pages;
    await bob.getByTestId('nav-home').click();
    await bob.getByTestId('feed-tab-following').click();
    await bob.getByTestId('feed-refresh').click();
    await postCard(bob, 'Down the rabbit hole').waitFor(WAIT);
    expect(await bob.getByTestId('fresh-posts').count()).toBe(0);
    await post(alice, 'Posted while Bob was reading.');
    await text(bob.getByTestId('fresh-posts')).toContain('1 new post');
    expect(await postCard(bob, 'Posted while Bob was reading').count()).toBe(0);
    await bob.getByTestId('fresh-posts').click();
    await postCard(bob, 'Posted while Bob was reading').waitFor(WAIT);
    expect(await bob.getByTestId('fresh-posts').count()).toBe(0);
  });

  it("a feed longer than one page: scrolling to its end loads older posts, to the last one", async () => {
    const { dave } = pages;
    // 70 posts straight through the web shell API (typing them would take minutes), with the
    // session dave's page signed in with.
    const session = await dave.evaluate<string | null>("localStorage.getItem('redk.session.token')");
    expect(session).toMatch(/\.dave$/);
    const shell = shellApi(serve.port, serve.token);
    for (let i = 1; i <= 70; i++) await shell.must('posts.create', { author: 'dave', text: `Dave's note number ${i}` }, session);
    await dave.getByTestId('nav-home').click();
    await dave.getByTestId('feed-tab-self').click();
    await dave.getByTestId('feed-refresh').click();
    await postCard(dave, "Dave's note number 70").waitFor(WAIT);
    const list = dave.locator('[role=feed]');
    await attr(list.getByTestId('feed-end'), 'data-state').toBe('more');
    // Scroll to the end until the oldest post is there and the list says it is complete.
    await scrollToEnd(list);
    expect(await list.getByTestId('feed-end').textContent()).toContain('70 posts');
    await dave.locator('[data-testid=post]', { hasText: /Dave's note number 1(?!\d)/ }).waitFor(WAIT);

    // The same on dave's profile, seen by carol.
    const profile = await openProfile(pages.carol, 'dave');
    const posts = profile.locator('[role=feed]');
    await scrollToEnd(posts);
    expect(await posts.getByTestId('feed-end').textContent()).toContain('70 posts');
  });

  it("a profile shows the engine's word on following, even when this browser forgot it", async () => {
    const { bob } = pages;
    await bob.evaluate("localStorage.removeItem('redk.follows.bob')");
    await bob.reload();
    await text(bob.getByTestId('signed-in-as')).toBe('@bob');
    const profile = await openProfile(bob, 'alice');
    await attr(profile.getByTestId('follow-button'), 'data-following').toBe('true');
  });

  it('a follow made in another browser is known at sign-in: that user\'s new posts are offered live', async () => {
    const { carol } = pages;
    // "Another browser": the API with sessions of its own for carol and bob.
    const shell = shellApi(serve.port, serve.token);
    const signIn = async (username: string) => (await shell.must<{ session: string }>('session.signIn', { username, password: PASSWORD })).session;
    const sessions: Record<string, string> = { carol: await signIn('carol'), bob: await signIn('bob') };
    const api = async (method: string, body: { follower?: string; author?: string; followee?: string; text?: string }) => {
      await shell.must(method, body, sessions[body.follower ?? body.author ?? '']);
    };
    await api('follows.follow', { follower: 'carol', followee: 'bob' });
    try {
      // This browser forgets whom carol follows; signing in asks the engine (follows.list).
      await carol.evaluate("localStorage.removeItem('redk.follows.carol')");
      await carol.reload();
      await text(carol.getByTestId('signed-in-as')).toBe('@carol');
      const remembered = () => carol.evaluate("JSON.parse(localStorage.getItem('redk.follows.carol') ?? '{}')");
      await expect.poll(remembered, WAIT).toEqual({ bob: true, dave: true });
      await carol.getByTestId('nav-home').click();
      await carol.getByTestId('feed-tab-following').click();
      await carol.getByTestId('feed-refresh').click();
      await postCard(carol, "Dave's note number 70").waitFor(WAIT);
      // The pill counts posts that arrive after the list on screen has loaded.
      await expect.poll(() => carol.getByTestId('feed-refresh').isEnabled(), WAIT).toBe(true);
      expect(await carol.getByTestId('fresh-posts').count()).toBe(0);
      await api('posts.create', { author: 'bob', text: 'Bob, followed from another browser' });
      await text(carol.getByTestId('fresh-posts')).toContain('1 new post');
    } finally {
      await api('follows.unfollow', { follower: 'carol', followee: 'bob' });
    }
  });

  it('the Cluster tab still shows the cluster, and signing out returns to sign-in', async () => {
    const { bob } = pages;
    await bob.getByTestId('section-cluster').click();
    await bob.getByTestId('node-row').nth(5).waitFor(WAIT);
    expect(await bob.getByTestId('node-row').count()).toBe(6);
    await bob.getByTestId('section-social').click();
    await bob.getByTestId('sign-out').click();
    await bob.getByTestId('recent-user').first().waitFor(WAIT);
    expect(await bob.getByTestId('recent-user').allTextContents()).toEqual([expect.stringContaining('bob')]);
    // Signed out for real: a reload stays on the sign-in screen.
    await bob.reload();
    await bob.getByTestId('signin-password').waitFor(WAIT);
    expect(await bob.getByTestId('signed-in-as').count()).toBe(0);
    // A wrong password reads as an error; the right one signs back in.
    await bob.getByTestId('recent-user').first().click();
    expect(await bob.getByTestId('signin-username').inputValue()).toBe('bob');
    await bob.getByTestId('signin-password').fill('not the password');
    await bob.getByTestId('signin-submit').click();
    await attr(bob.getByTestId('error'), 'data-code').toBe('invalid_credentials');
    expect(await bob.getByTestId('error').textContent()).toContain('Wrong username or password');
    await bob.getByTestId('signin-password').fill(PASSWORD);
    await bob.getByTestId('signin-submit').click();
    await text(bob.getByTestId('signed-in-as')).toBe('@bob');
    expect(pageErrors).toEqual([]);
  });
});
