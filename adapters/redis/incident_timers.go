package redis

import (
	"context"
	"fmt"
	"strconv"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// IncidentTimers keeps the deadlines of escalation ladders in one sorted
// set (score: the deadline in Unix milliseconds) so a poll reads what is
// due in one call. A marker key says the set was loaded from MongoDB
// since Redis last lost its data; without it the app loads it again. The
// keys share one hash tag, so they live on one Redis Cluster node, and
// carry the deployment's name, so deployments sharing a Redis keep apart.
type IncidentTimers struct {
	rdb         goredis.UniversalClient
	due, loaded string
}

// NewIncidentTimers keeps the timers of deployment name (its job queue).
func NewIncidentTimers(rdb goredis.UniversalClient, name string) *IncidentTimers {
	tag := "kc:{incidents:" + name + "}:"
	return &IncidentTimers{rdb: rdb, due: tag + "due", loaded: tag + "loaded"}
}

func score(t time.Time) float64 { return float64(t.UnixMilli()) }

func (t *IncidentTimers) Set(ctx context.Context, id string, due time.Time) error {
	if err := t.rdb.ZAdd(ctx, t.due, goredis.Z{Score: score(due), Member: id}).Err(); err != nil {
		return fmt.Errorf("redis: set incident timer: %w", err)
	}
	return nil
}

func (t *IncidentTimers) Clear(ctx context.Context, id string) error {
	if err := t.rdb.ZRem(ctx, t.due, id).Err(); err != nil {
		return fmt.Errorf("redis: clear incident timer: %w", err)
	}
	return nil
}

func (t *IncidentTimers) Due(ctx context.Context, now time.Time, limit int) ([]string, error) {
	ids, err := t.rdb.ZRangeByScore(ctx, t.due, &goredis.ZRangeBy{Min: "-inf",
		Max: strconv.FormatInt(now.UnixMilli(), 10), Count: int64(limit)}).Result()
	if err != nil {
		return nil, fmt.Errorf("redis: due incident timers: %w", err)
	}
	return ids, nil
}

func (t *IncidentTimers) Built(ctx context.Context) (bool, error) {
	n, err := t.rdb.Exists(ctx, t.loaded).Result()
	if err != nil {
		return false, fmt.Errorf("redis: incident timers loaded: %w", err)
	}
	return n == 1, nil
}

// Load adds the deadlines and then sets the marker. It never deletes: a
// timer set by a new incident while MongoDB was being read stays, and a
// timer of an incident acknowledged meanwhile is cleared when it fires
// and finds nothing due.
func (t *IncidentTimers) Load(ctx context.Context, deadlines map[string]time.Time) error {
	if len(deadlines) > 0 {
		zs := make([]goredis.Z, 0, len(deadlines))
		for id, due := range deadlines {
			zs = append(zs, goredis.Z{Score: score(due), Member: id})
		}
		if err := t.rdb.ZAdd(ctx, t.due, zs...).Err(); err != nil {
			return fmt.Errorf("redis: load incident timers: %w", err)
		}
	}
	if err := t.rdb.Set(ctx, t.loaded, "1", 0).Err(); err != nil {
		return fmt.Errorf("redis: mark incident timers loaded: %w", err)
	}
	return nil
}
