/** F1's keys and setting: the recent list and build tokens share the user's slot; the threshold is configurable. */
import calculateSlot from 'cluster-key-slot';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/main/core/config';
import { feedGenerationShardOf, keys } from '../../src/main/core/keys';
import { tempDir } from '../helpers/temp-dirs';

const dir = () => tempDir('redk-fanout-config');

describe('hybrid fan-out keys and setting (F1)', () => {
  it('keeps a user\'s recent posts and feed build tokens on the slot of their feeds; the large set is one global key', () => {
    expect(keys.recentPosts('alice')).toBe('{user:alice}:recent');
    expect(keys.feedBuild('alice', 'following')).toBe('{user:alice}:feed:following:build');
    expect(keys.largeAccounts).toBe('feeds:large');
    const slots = new Set([keys.feed('alice', 'all'), keys.feed('alice', 'self'), keys.feedBuild('alice', 'all'), keys.feedBuild('alice', 'self'), keys.recentPosts('alice'), keys.profile('alice')].map((k) => calculateSlot(k)));
    expect(slots.size).toBe(1);
    for (const bad of ['a}b', 'x{', 'col:on', 'has space', '*', '']) {
      expect(() => keys.recentPosts(bad), bad).toThrow(expect.objectContaining({ code: 'invalid_username' }));
      expect(() => keys.feedBuild(bad, 'all'), bad).toThrow(expect.objectContaining({ code: 'invalid_username' }));
    }
  });

  it('spreads the feeds generation over one copy per third of the slots, each user reading one copy', () => {
    const slots = [0, 1, 2].map((s) => calculateSlot(keys.feedGeneration(s)));
    expect(slots.map((slot) => Math.floor(slot / (16384 / 3)))).toEqual([0, 1, 2]);
    const read = new Set(Array.from({ length: 300 }, (_, i) => feedGenerationShardOf(`user${i}`)));
    expect([...read].sort()).toEqual([0, 1, 2]);
    expect(feedGenerationShardOf('alice')).toBe(calculateSlot(keys.feed('alice', 'all')) % 3);
    expect(() => keys.feedGeneration(3)).toThrow(/shard 3/);
  });

  it('reads the threshold from config (default 1000) and REDK_FANOUT_THRESHOLD, and refuses a bad one', () => {
    expect(loadConfig({}, { REDK_DATA_DIR: dir() }).feeds.fanoutThreshold).toBe(1000);
    expect(loadConfig({}, { REDK_DATA_DIR: dir(), REDK_FANOUT_THRESHOLD: '25' }).feeds.fanoutThreshold).toBe(25);
    expect(loadConfig({ feeds: { fanoutThreshold: 7 } }, { REDK_DATA_DIR: dir(), REDK_FANOUT_THRESHOLD: '25' }).feeds.fanoutThreshold).toBe(7);
    expect(() => loadConfig({}, { REDK_DATA_DIR: dir(), REDK_FANOUT_THRESHOLD: 'many' })).toThrow(/REDK_FANOUT_THRESHOLD/);
    expect(() => loadConfig({}, { REDK_DATA_DIR: dir(), REDK_FANOUT_THRESHOLD: '0' })).toThrow(/feeds.fanoutThreshold/);
  });
});
