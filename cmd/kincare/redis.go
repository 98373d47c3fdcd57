package main

import (
	"github.com/kincare/kincare/adapters/config"
	"github.com/kincare/kincare/adapters/redis"
)

// redisOptions is the Redis deployment the configuration names: one node,
// a Redis Cluster or a master behind Sentinels. Every Redis user in the
// process shares the one client made from it, the job queue included:
// asynq's RedisClusterClientOpt and RedisFailoverClientOpt would build
// the same go-redis clients, each with pools of its own, to the same
// nodes.
func redisOptions(cfg config.Config) redis.Options {
	return redis.Options{
		URL: cfg.RedisURL, ClusterAddrs: cfg.RedisClusterAddrs,
		SentinelAddrs: cfg.RedisSentinelAddrs, MasterName: cfg.RedisSentinelMaster,
		Username: cfg.RedisUsername, Password: cfg.RedisPassword, SentinelPassword: cfg.RedisSentinelPassword,
		TLS: cfg.RedisTLS, TLSCAFile: cfg.RedisTLSCAFile,
	}
}

// redisMode names the deployment for logs and /readyz.
func redisMode(cfg config.Config) redis.Mode {
	if cfg.EmbeddedRedis() {
		return redis.Embedded
	}
	return redisOptions(cfg).Mode()
}
