// The redis package's client (node-redis) is what RedisReplayStore takes: compiled with
// tsc --strict in the repository (tsconfig.json), where redis is a dev dependency. (Not in
// make test-dist's app, which installs no redis: usage.ts declares the client instead.)

import { createClient } from 'redis'
import { RedisReplayStore, type RedisClientLike } from 'hooksig'

const client = createClient({ url: 'redis://127.0.0.1:6379', disableOfflineQueue: true })
const store = new RedisReplayStore(client, { prefix: 'app:' })
const like: RedisClientLike = client
export async function claim(key: string): Promise<boolean> {
  return store.claim(key, 660)
}
console.log(like.isReady)
