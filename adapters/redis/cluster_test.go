package redis_test

import (
	"context"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/adapters/redis"
	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/test/rediscluster"
)

// The whole suite runs against a cluster when REDIS_CLUSTER_ADDRS is set
// (CI does); these tests start clusters of their own, for what only a
// cluster has: slots on several nodes, and a master that dies.

func clusterEngine(t *testing.T, c *rediscluster.Cluster) (*engine, *goredis.ClusterClient) {
	t.Helper()
	rdb, err := redis.Connect(context.Background(), redis.Options{ClusterAddrs: c.Addrs()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	return &engine{t: t, ctx: context.Background(), eng: redis.NewReservations(rdb, t.Name()), rdb: rdb,
		now: time.Now().UTC().Truncate(time.Millisecond)}, rdb.(*goredis.ClusterClient)
}

// nodeTrips counts the pipelines each node's client sends (commands are
// left out: go-redis reloads the slot map with CLUSTER SLOTS on a node of
// its choice, and loads scripts on every node).
type nodeTrips struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *nodeTrips) reset() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n = map[string]int{}
}

func (c *nodeTrips) snapshot() map[string]int {
	c.mu.Lock()
	defer c.mu.Unlock()
	out := make(map[string]int, len(c.n))
	for k, v := range c.n {
		out[k] = v
	}
	return out
}

type nodeHook struct {
	addr  string
	trips *nodeTrips
}

func (h nodeHook) count() {
	h.trips.mu.Lock()
	defer h.trips.mu.Unlock()
	h.trips.n[h.addr]++
}

func (h nodeHook) DialHook(next goredis.DialHook) goredis.DialHook          { return next }
func (h nodeHook) ProcessHook(next goredis.ProcessHook) goredis.ProcessHook { return next }
func (h nodeHook) ProcessPipelineHook(next goredis.ProcessPipelineHook) goredis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []goredis.Cmder) error { h.count(); return next(ctx, cmds) }
}

// A page of availability spans slots on every master: go-redis splits
// the pipeline by node, so it costs one round trip per node, all at once;
// and a node that forgot the script (a promoted replica never loaded it)
// costs a SCRIPT LOAD and one more.
func TestAvailabilityAcrossTheClusterIsOneRoundTripPerNode(t *testing.T) {
	t.Parallel()
	c := rediscluster.StartCluster(t)
	e, rdb := clusterEngine(t, c)
	trips := &nodeTrips{n: map[string]int{}}
	if err := rdb.ForEachShard(e.ctx, func(_ context.Context, n *goredis.Client) error {
		n.AddHook(nodeHook{addr: n.Options().Addr, trips: trips})
		return nil
	}); err != nil {
		t.Fatal(err)
	}

	var ids []string
	masters := map[string]bool{}
	for len(ids) < 30 {
		st := e.slot(3, 1)
		ids = append(ids, st.SlotID)
		m, err := c.MasterOf(e.ctx, "kc:{slot:"+st.SlotID+"}:m")
		if err != nil {
			t.Fatal(err)
		}
		masters[m] = true
	}
	if len(masters) != 3 {
		t.Fatalf("30 slots live on %d masters; want all 3", len(masters))
	}
	e.hold(ids[0], unique("m"), reservation.Inclusive)

	for _, step := range []struct {
		name     string
		flush    bool
		maxTrips int
	}{{"cold", false, 2}, {"warm", false, 1}, {"scripts flushed", true, 2}} {
		if step.flush {
			if err := rdb.ScriptFlush(e.ctx).Err(); err != nil {
				t.Fatal(err)
			}
		}
		trips.reset()
		got, err := e.eng.Remaining(e.ctx, ids, e.now)
		if err != nil {
			t.Fatalf("%s: %v", step.name, err)
		}
		if len(got) != len(ids) || !got[0].Known || got[0].Inclusive != 0 || got[0].Market != 2 || got[1].Market != 2 {
			t.Fatalf("%s: remaining %+v", step.name, got)
		}
		byNode := trips.snapshot()
		for m := range masters {
			if byNode[m] == 0 || byNode[m] > step.maxTrips {
				t.Errorf("%s: %d round trips to %s; want 1 to %d", step.name, byNode[m], m, step.maxTrips)
			}
		}
	}
}

// A master killed mid-traffic: calls on its slots fail as
// store_unavailable (never another error) until its replica takes over,
// then succeed within moments, not at go-redis' next periodic reload;
// readiness says so throughout, and a hold the master had replicated is
// still there.
func TestAClusterClientFollowsAFailover(t *testing.T) {
	t.Parallel()
	c := rediscluster.StartCluster(t)
	e, rdb := clusterEngine(t, c)
	health := redis.NewHealth(rdb, redis.Cluster)
	top, err := health.Report(e.ctx)
	if want := (redis.Topology{Mode: redis.Cluster, State: "ok", Masters: 3, Replicas: 3}); err != nil || top != want {
		t.Fatalf("healthy cluster: %+v, %v; want %+v", top, err, want)
	}

	st := e.slot(30, 10)
	kept := e.hold(st.SlotID, unique("m"), reservation.Market)
	master, err := c.MasterOf(e.ctx, "kc:{slot:"+st.SlotID+"}:m")
	if err != nil {
		t.Fatal(err)
	}
	// WAIT on the slot's own master (a cluster client sends a keyless
	// command to any node): all of the slot's writes so far, the hold
	// included, have reached the replica.
	node, err := rdb.MasterForKey(e.ctx, "kc:{slot:"+st.SlotID+"}:m")
	if err != nil {
		t.Fatal(err)
	}
	if n, err := node.Wait(e.ctx, 1, time.Second).Result(); err != nil || n != 1 {
		t.Fatalf("WAIT: %d replicas, %v", n, err)
	}
	if err := c.Kill(master); err != nil {
		t.Fatal(err)
	}
	killed := time.Now()

	// Hold until the replica serves: every failure must be an outage.
	ctx, cancel := context.WithTimeout(e.ctx, 30*time.Second)
	defer cancel()
	var failures int
	var sawUnready bool
	for ctx.Err() == nil {
		_, err := e.eng.Hold(e.ctx, e.request(st.SlotID, unique("m"), reservation.Market))
		if err == nil {
			break
		}
		failures++
		if !fault.Is(err, fault.ErrStoreUnavailable) {
			t.Fatalf("during the failover: %v; want store_unavailable", err)
		}
		if _, err := health.Report(e.ctx); err != nil {
			sawUnready = true
		}
		time.Sleep(50 * time.Millisecond)
	}
	recovered := time.Since(killed)
	promoted, err := c.WaitFailover(ctx, master)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s killed; %d holds refused as store_unavailable; holds granted again after %s, on %s",
		master, failures, recovered.Round(time.Millisecond), promoted)
	if failures == 0 {
		t.Error("no hold failed while the slot's master was dead")
	}
	if !sawUnready {
		t.Error("readiness never said a master was dead and its slots unserved")
	}
	if recovered > 8*time.Second {
		t.Errorf("holds failed for %s after the kill; the slot map was not reloaded on failure", recovered)
	}
	if h := e.lookup(kept.ID); h.Status != reservation.Held {
		t.Errorf("a replicated hold after failover: %+v", h)
	}
	top, err = health.Report(e.ctx)
	if want := (redis.Topology{Mode: redis.Cluster, State: "ok", Masters: 3, Replicas: 2}); err != nil || top != want {
		t.Errorf("after failover: %+v, %v; want %+v", top, err, want)
	}
	var rem []reservations.Remaining
	if rem, err = e.eng.Remaining(e.ctx, []string{st.SlotID}, e.now); err != nil || rem[0].Market != 18 {
		t.Errorf("remaining after failover: %+v, %v; want 18 market places", rem, err)
	}
}
