/**
 * One handler per contract method. A method whose feature is not built yet answers a clear
 * not_implemented error (never made-up data) until its module lands.
 */
import type { MethodName } from '../../shared/contract';
import type { EngineInfo } from '../../shared/types';
import { notImplemented } from './errors';
import type { Handlers } from './rpc/router';
import type { ClusterService } from './services/cluster-service';

export interface HandlerDeps {
  cluster: ClusterService;
  info: () => EngineInfo;
}

function pending(method: MethodName, feature: string) {
  return async (): Promise<never> => {
    throw notImplemented(method, feature);
  };
}

const SOCIAL = 'the social data layer (stores and caches)';

export function createHandlers({ cluster, info }: HandlerDeps): Handlers {
  return {
    'engine.info': async () => info(),

    'cluster.topology': () => cluster.topology(),
    'cluster.keyslot': ({ key }) => cluster.keyslot(key),
    'cluster.metrics': () => cluster.metrics(),
    'cluster.alerts': () => cluster.alerts(),
    'cluster.failover': ({ nodeId }) => cluster.failover(nodeId),
    'cluster.drill': pending('cluster.drill', 'the measured failover drill'),

    'users.create': pending('users.create', SOCIAL),
    'users.get': pending('users.get', SOCIAL),
    'posts.create': pending('posts.create', SOCIAL),
    'posts.get': pending('posts.get', SOCIAL),
    'likes.like': pending('likes.like', SOCIAL),
    'likes.unlike': pending('likes.unlike', SOCIAL),
    'feeds.get': pending('feeds.get', SOCIAL),
    'follows.follow': pending('follows.follow', SOCIAL),
    'follows.unfollow': pending('follows.unfollow', SOCIAL),
    'suggestions.get': pending('suggestions.get', SOCIAL),
    'comments.add': pending('comments.add', SOCIAL),
    'comments.list': pending('comments.list', SOCIAL),
    'messages.send': pending('messages.send', SOCIAL),
    'messages.list': pending('messages.list', SOCIAL),
    'messages.read': pending('messages.read', SOCIAL),
    'conversations.list': pending('conversations.list', SOCIAL),
    'trending.get': pending('trending.get', SOCIAL),
    'stats.get': pending('stats.get', SOCIAL),
    'sync.now': pending('sync.now', 'the sync engine'),
    'sync.status': pending('sync.status', 'the sync engine'),
  };
}
