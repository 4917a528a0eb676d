/**
 * One handler per contract method: each is a call into a service. Adding a method is one entry
 * in src/shared/contract.ts plus one line here.
 */
import type { EngineInfo } from '../../shared/types';
import type { Cluster } from 'ioredis';
import type { Accounts } from './accounts/sessions';
import type { FailoverDrill } from './cluster/drill';
import { scanCluster } from './cluster/key-scan';
import { AppError } from './errors';
import type { Handlers } from './rpc/router';
import type { ClusterService } from './services/cluster-service';
import type { ClusterOps } from './services/cluster-ops';
import type { DemoLoader } from './services/demo-loader';
import type { SocialService } from './services/social-service';
import type { SyncEngine } from './sync/sync-engine';

export interface HandlerDeps {
  cluster: ClusterService;
  ops: ClusterOps;
  social: SocialService;
  accounts: Accounts;
  demo: DemoLoader;
  sync: SyncEngine;
  drill: FailoverDrill;
  redis: Cluster;
  info: () => EngineInfo;
}

export function createHandlers({ cluster, ops, social, accounts, demo, sync, drill, redis, info }: HandlerDeps): Handlers {
  return {
    'engine.info': async () => info(),

    'cluster.topology': () => cluster.topology(),
    'cluster.keyslot': ({ key }) => cluster.keyslot(key),
    'cluster.scan': (input) => scanCluster(redis, input),
    'cluster.metrics': () => cluster.metrics(),
    'cluster.alerts': () => cluster.alerts(),
    'cluster.failover': ({ nodeId }) => cluster.failover(nodeId),
    'cluster.drill': ({ port, fault, mode, native }) => drill.run({ port, fault, mode, native }),
    'cluster.check': () => ops.check(),
    'cluster.fix': () => ops.fix(),
    'cluster.reshard': ({ to, from, slots, range }) => ops.reshard({ to, from, slots, range }),
    'cluster.rebalance': ({ simulate, weights, threshold }) => ops.rebalance({ simulate, weights, threshold }),
    'cluster.addNode': ({ replicaOf, address }) => ops.addNode({ replicaOf, address }),
    'cluster.removeNode': ({ node }) => ops.removeNode(node),
    'cluster.slotStats': () => ops.slotStats(),
    'cluster.slotInfo': ({ slot }) => ops.slotInfo(slot),
    'cluster.slowlog': ({ perNode }) => ops.slowlog(perNode),
    'cluster.memory': ({ perMaster }) => ops.memory(perMaster),
    'cluster.command': ({ target, args, confirm }) => ops.command(target, args, confirm),
    'cluster.job': async ({ id }) => ({ job: ops.job(id) }),
    'cluster.jobPause': async ({ id }) => ops.pause(id),
    'cluster.jobResume': async ({ id }) => ops.resume(id),
    'cluster.jobCancel': async ({ id }) => ops.cancel(id),

    'users.create': async ({ username, displayName, password }) => social.createUser(username, displayName, await accounts.hash(password)),
    'session.signIn': ({ username, password }, { client }) => accounts.signIn(username, password, client),
    'session.signOut': async (_input, { session }) => {
      if (session) await accounts.signOut(session);
      return { signedOut: session !== null };
    },
    'session.me': (_input, { user }) => {
      if (user === null) throw new AppError('unauthorized', 'This call carries no session: sign in first.');
      return social.getUser(user);
    },
    'users.get': ({ username, viewer }) => social.getUser(username, viewer),
    'users.search': ({ prefix, limit }) => social.searchUsers(prefix, limit),
    'posts.create': ({ author, text }) => social.createPost(author, text),
    'posts.get': ({ id, viewer }) => social.getPost(id, viewer),
    'likes.like': ({ postId, username }) => social.like(postId, username, true),
    'likes.unlike': ({ postId, username }) => social.like(postId, username, false),
    'feeds.get': ({ username, kind, viewer, before }) => social.feed(username, kind, viewer, before),
    'follows.follow': ({ follower, followee }) => social.follow(follower, followee, true),
    'follows.unfollow': ({ follower, followee }) => social.follow(follower, followee, false),
    'follows.list': ({ username, limit }) => social.followingOf(username, limit ?? 1000),
    'suggestions.get': ({ username }) => social.suggestionsFor(username),
    'comments.add': ({ postId, author, text }) => social.addComment(postId, author, text),
    'comments.list': ({ postId, before, beforeId }) => social.listComments(postId, before, beforeId),
    'messages.send': ({ from, to, text }) => social.sendMessage(from, to, text),
    'messages.list': ({ a, b, before, beforeId }) => social.listMessages(a, b, before, beforeId),
    'messages.read': ({ username, other }) => social.readMessages(username, other),
    'conversations.list': ({ username }) => social.conversations(username),
    'trending.get': ({ window }) => social.trendingPosts(window),
    'stats.get': () => social.stats.get(),
    'demo.load': ({ users }) => demo.start(users),
    'demo.status': async () => ({ load: demo.status() }),
    'sync.now': async () => ({ synced: await sync.syncAll() }),
    'sync.status': async () => sync.status(),
  };
}
