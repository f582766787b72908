/**
 * Buckets: the comet's index of sessions by key and of rooms by id, sharded by hash into a power-of-two number of
 * concurrent maps. The push path looks sessions and rooms up here; sessions register here after auth.
 */
package io.jgoim.comet.bucket;
