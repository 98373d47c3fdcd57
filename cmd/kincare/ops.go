package main

import (
	"crypto/hmac"
	"crypto/sha256"

	"github.com/hibiken/asynqmon"
	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/adapters/config"
	httpapi "github.com/kincare/kincare/adapters/http"
)

// opsOptions are the platform admins' web views: the asynq dashboard
// (asynqmon) over the Redis the jobs use — embedded miniredis or real
// Redis (standalone, Sentinel or Cluster) alike, through the client the
// rest of kincare uses — and the key that signs their cookie, derived
// from the token key for this one purpose.
func opsOptions(cfg config.Config, rdb goredis.UniversalClient, tokenKey []byte) httpapi.OpsOptions {
	mac := hmac.New(sha256.New, tokenKey)
	mac.Write([]byte("kincare ops cookie key v1"))
	return httpapi.OpsOptions{
		Queues: asynqmon.New(asynqmon.Options{RootPath: httpapi.OpsQueuesPath, RedisConnOpt: sharedRedis{rdb}}),
		Key:    mac.Sum(nil),
		// Plain HTTP in development (browsers keep Secure cookies on
		// localhost, but not on a LAN address).
		Insecure: cfg.Env != config.EnvProduction,
	}
}

// sharedRedis hands asynqmon the client kincare already holds. asynqmon
// closes it only from its Close, which kincare never calls: the client
// is closed with the rest at shutdown.
type sharedRedis struct{ c goredis.UniversalClient }

func (s sharedRedis) MakeRedisClient() any { return s.c }
