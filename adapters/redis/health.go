package redis

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"sync/atomic"

	goredis "github.com/redis/go-redis/v9"
)

// Embedded is miniredis in this process, reached like one node.
const Embedded Mode = "embedded"

// Health tells /readyz whether Redis can serve this replica, and in what
// shape: a cluster is ready when it says cluster_state:ok and every
// master it maps slots to answers; one node or Sentinel's master when it
// answers as a master (not a replica, which would refuse every write).
type Health struct {
	rdb  goredis.UniversalClient
	mode Mode
}

func NewHealth(rdb goredis.UniversalClient, mode Mode) *Health { return &Health{rdb: rdb, mode: mode} }

// Topology is what /readyz shows of the deployment: counts, never
// addresses (/readyz answers anyone who can reach the port).
type Topology struct {
	Mode Mode `json:"mode"`
	// State is "ok", or what keeps Redis from serving: the cluster's
	// state ("fail" while a shard has no master), or "replica".
	State string `json:"state"`
	// Masters answering (a cluster's shards; 1 otherwise) and the
	// replicas connected to them.
	Masters  int `json:"masters"`
	Replicas int `json:"replicas"`
}

// ErrNotServing is Redis answering but unable to serve writes.
var ErrNotServing = errors.New("redis: not serving")

// Ping implements the readiness check.
func (h *Health) Ping(ctx context.Context) error {
	_, err := h.Report(ctx)
	return err
}

// Report answers the topology, and an error when Redis cannot serve; the
// topology is filled as far as it could be read either way.
func (h *Health) Report(ctx context.Context) (any, error) {
	t := Topology{Mode: h.mode}
	switch c := h.rdb.(type) {
	case *goredis.ClusterClient:
		return t, h.cluster(ctx, c, &t)
	default:
		if h.mode == Embedded {
			t.State, t.Masters = "ok", 1
			return t, h.rdb.Ping(ctx).Err()
		}
		info, err := h.rdb.Info(ctx, "replication").Result()
		if err != nil {
			return t, fmt.Errorf("redis: readiness: %w", err)
		}
		t.State, t.Replicas = "ok", connectedReplicas(info)
		if role := field(info, "role"); role != "master" {
			t.State = "replica"
			return t, fmt.Errorf("%w: the node is a %s", ErrNotServing, role)
		}
		t.Masters = 1
		return t, nil
	}
}

func (h *Health) cluster(ctx context.Context, c *goredis.ClusterClient, t *Topology) error {
	info, err := c.ClusterInfo(ctx).Result()
	if err != nil {
		return fmt.Errorf("redis: readiness: cluster info: %w", err)
	}
	t.State = field(info, "cluster_state")
	var masters, replicas atomic.Int64
	// ForEachMaster reloads the slot map first, so a master that failed
	// over is not asked, and its promoted replica is.
	err = c.ForEachMaster(ctx, func(ctx context.Context, m *goredis.Client) error {
		repl, err := m.Info(ctx, "replication").Result()
		if err != nil {
			return err
		}
		masters.Add(1)
		replicas.Add(int64(connectedReplicas(repl)))
		return nil
	})
	t.Masters, t.Replicas = int(masters.Load()), int(replicas.Load())
	if err != nil {
		return fmt.Errorf("redis: readiness: a master does not answer: %w", err)
	}
	if t.State != "ok" {
		return fmt.Errorf("%w: cluster_state:%s", ErrNotServing, t.State)
	}
	return nil
}

// field reads one "name:value" line of INFO or CLUSTER INFO.
func field(info, name string) string {
	for _, line := range strings.Split(info, "\n") {
		if v, ok := strings.CutPrefix(strings.TrimSpace(line), name+":"); ok {
			return v
		}
	}
	return ""
}

func connectedReplicas(info string) int {
	n, _ := strconv.Atoi(field(info, "connected_slaves"))
	return n
}

// String is the topology in a line, for /readyz's answer when not ready.
func (t Topology) String() string {
	return fmt.Sprintf("%s: state %s, %d masters answering, %d replicas", t.Mode, t.State, t.Masters, t.Replicas)
}
