package rediscluster

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
)

// Cluster is a Redis Cluster of three masters, each with one replica.
type Cluster struct {
	dir       string
	mu        sync.Mutex
	nodes     []*node
	temp      bool              // dir is ours to remove
	replicaOf map[string]string // each master's replica, as the cluster formed
}

// StartCluster starts a cluster for t and stops it when t ends. Without
// redis-server on PATH it skips t, saying why.
func StartCluster(t testing.TB) *Cluster {
	t.Helper()
	skipUnlessAvailable(t)
	c, err := LaunchCluster(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(c.Close)
	return c
}

// clusterNodeTimeout is how long a master may be silent before the others
// fail it and its replica takes over: short, so tests do not wait long.
const clusterNodeTimeout = 1000

// LaunchCluster starts six nodes under dir (a fresh temporary directory
// when dir is empty), joins them into a cluster with redis-cli (three
// masters, one replica each), and waits until every slot is served and
// every replica is in sync. Close stops it.
func LaunchCluster(dir string) (c *Cluster, err error) {
	c = &Cluster{dir: dir, replicaOf: map[string]string{}}
	if dir == "" {
		if c.dir, err = os.MkdirTemp("", "kincare-redis-cluster-"); err != nil {
			return nil, err
		}
		c.temp = true
	}
	defer func() {
		if err != nil {
			c.Close()
		}
	}()
	for range 6 {
		n, err := startNode(c.dir, true, func(port, bus int) []string {
			return append(dataNodeArgs(c.dir, port), "--cluster-enabled", "yes",
				"--cluster-config-file", "nodes-"+strconv.Itoa(port)+".conf",
				"--cluster-port", strconv.Itoa(bus),
				"--cluster-node-timeout", strconv.Itoa(clusterNodeTimeout),
				// A replica may always take over: its data is as fresh as
				// replication makes it, and losing that tail is the point.
				"--cluster-replica-validity-factor", "0")
		})
		if err != nil {
			return c, err
		}
		c.nodes = append(c.nodes, n)
	}
	args := []string{"--cluster", "create"}
	args = append(args, c.Addrs()...)
	args = append(args, "--cluster-replicas", "1", "--cluster-yes")
	if out, err := exec.Command("redis-cli", args...).CombinedOutput(); err != nil {
		return c, fmt.Errorf("rediscluster: redis-cli --cluster create: %v: %s", err, out)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	if err := poll(ctx, "cluster to form", c.healthy); err != nil {
		return c, err
	}
	return c, c.noteReplicas(ctx)
}

// Close stops every node and removes a directory LaunchCluster made.
func (c *Cluster) Close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range c.nodes {
		if n.alive() {
			n.kill()
		}
	}
	if c.temp {
		_ = os.RemoveAll(c.dir)
	}
}

// Addrs lists every node, killed ones included, as host:port: the seeds
// for REDIS_CLUSTER_ADDRS.
func (c *Cluster) Addrs() []string {
	out := make([]string, len(c.nodes))
	for i, n := range c.nodes {
		out[i] = n.addr
	}
	return out
}

// Pids are the nodes' process ids, for their CPU time.
func (c *Cluster) Pids() []int {
	out := make([]int, len(c.nodes))
	for i, n := range c.nodes {
		out[i] = n.cmd.Process.Pid
	}
	return out
}

// Seeds is Addrs joined with commas.
func (c *Cluster) Seeds() string { return strings.Join(c.Addrs(), ",") }

// Client is a cluster client of the test's own, closed when t ends.
func (c *Cluster) Client(t testing.TB) *goredis.ClusterClient {
	rdb := goredis.NewClusterClient(&goredis.ClusterOptions{Addrs: c.Addrs()})
	t.Cleanup(func() { _ = rdb.Close() })
	return rdb
}

// MasterOf is the address of the master that serves key's hash slot now.
func (c *Cluster) MasterOf(ctx context.Context, key string) (string, error) {
	var addr string
	err := c.onLiveNode(ctx, func(rdb *goredis.Client) error {
		slot, err := rdb.ClusterKeySlot(ctx, key).Result()
		if err != nil {
			return err
		}
		ranges, err := rdb.ClusterSlots(ctx).Result()
		if err != nil {
			return err
		}
		for _, r := range ranges {
			if int64(r.Start) <= slot && slot <= int64(r.End) && len(r.Nodes) > 0 {
				addr = r.Nodes[0].Addr
				return nil
			}
		}
		return fmt.Errorf("slot %d is not served", slot)
	})
	return addr, err
}

// Kill ends the node at addr with SIGKILL: whatever it had not sent its
// replica is lost. It asks nothing first (the replicas were noted when the
// cluster formed), so it lands at the instant the caller chose.
func (c *Cluster) Kill(addr string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, n := range c.nodes {
		if n.addr == addr {
			n.kill()
			return nil
		}
	}
	return fmt.Errorf("rediscluster: no node %s", addr)
}

// noteReplicas records which node replicates which master, for
// WaitFailover to know whom to expect as the new master.
func (c *Cluster) noteReplicas(ctx context.Context) error {
	for _, n := range c.live() {
		rdb := n.client()
		repl, err := rdb.Info(ctx, "replication").Result()
		_ = rdb.Close()
		if err != nil {
			return err
		}
		if infoField(repl, "role") == "slave" {
			c.mu.Lock()
			c.replicaOf[infoField(repl, "master_host")+":"+infoField(repl, "master_port")] = n.addr
			c.mu.Unlock()
		}
	}
	return nil
}

// WaitFailover waits until the cluster is whole again without the killed
// master dead: its replica serves its slots and every live node says
// cluster_state:ok. It returns the promoted replica's address.
func (c *Cluster) WaitFailover(ctx context.Context, dead string) (string, error) {
	var promoted string
	err := poll(ctx, "replica of "+dead+" to take over", func(ctx context.Context) error {
		if err := c.healthy(ctx); err != nil {
			return err
		}
		return c.onLiveNode(ctx, func(rdb *goredis.Client) error {
			shards, err := rdb.ClusterSlots(ctx).Result()
			if err != nil {
				return err
			}
			for _, s := range shards {
				if len(s.Nodes) > 0 && s.Nodes[0].Addr == dead {
					return fmt.Errorf("%s still serves slots %d-%d", dead, s.Start, s.End)
				}
			}
			c.mu.Lock()
			promoted = c.replicaOf[dead]
			c.mu.Unlock()
			for _, n := range c.live() {
				if n.addr == promoted {
					if role, err := roleOf(ctx, n); err != nil || role != "master" {
						return fmt.Errorf("%s is %s (%v), not yet master", promoted, role, err)
					}
					return nil
				}
			}
			return fmt.Errorf("%s had no live replica to take over", dead)
		})
	})
	return promoted, err
}

// Masters lists the live nodes that are masters now.
func (c *Cluster) Masters(ctx context.Context) []string {
	var out []string
	for _, n := range c.live() {
		if role, _ := roleOf(ctx, n); role == "master" {
			out = append(out, n.addr)
		}
	}
	return out
}

// healthy: every live node says cluster_state:ok with all 16384 slots,
// and every live replica's link to its master is up.
func (c *Cluster) healthy(ctx context.Context) error {
	for _, n := range c.live() {
		rdb := n.client()
		info, err := rdb.ClusterInfo(ctx).Result()
		if err == nil && (infoField(info, "cluster_state") != "ok" || infoField(info, "cluster_slots_ok") != "16384") {
			err = fmt.Errorf("%s: cluster_state %s, %s slots ok", n.addr, infoField(info, "cluster_state"),
				infoField(info, "cluster_slots_ok"))
		}
		if err == nil {
			var repl string
			if repl, err = rdb.Info(ctx, "replication").Result(); err == nil && infoField(repl, "role") == "slave" &&
				infoField(repl, "master_link_status") != "up" {
				err = fmt.Errorf("%s: replica not in sync with %s:%s", n.addr, infoField(repl, "master_host"),
					infoField(repl, "master_port"))
			}
		}
		_ = rdb.Close()
		if err != nil {
			return err
		}
	}
	return nil
}

func (c *Cluster) live() []*node {
	c.mu.Lock()
	defer c.mu.Unlock()
	var out []*node
	for _, n := range c.nodes {
		if n.alive() {
			out = append(out, n)
		}
	}
	return out
}

// onLiveNode runs fn on the first live node that answers.
func (c *Cluster) onLiveNode(ctx context.Context, fn func(*goredis.Client) error) error {
	var err error
	for _, n := range c.live() {
		rdb := n.client()
		err = fn(rdb)
		_ = rdb.Close()
		if err == nil {
			return nil
		}
	}
	if err == nil {
		err = fmt.Errorf("rediscluster: no live node")
	}
	return err
}

func roleOf(ctx context.Context, n *node) (string, error) {
	rdb := n.client()
	defer rdb.Close()
	info, err := rdb.Info(ctx, "replication").Result()
	if err != nil {
		return "", err
	}
	return infoField(info, "role"), nil
}
