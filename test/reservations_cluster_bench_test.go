package e2e_test

import (
	"bytes"
	"context"
	"fmt"
	"maps"
	"math/rand/v2"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kincare/kincare/adapters/redis"
	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/test/loadkit"
	"github.com/kincare/kincare/test/rediscluster"
)

// TestClusterAndOneNodeFullSlotHolds measures full-slot holds (the flash-crowd
// path: a slot of 30 places, every answer after the first 30 is 409
// slot_full) on one redis-server and on a Redis Cluster of three masters
// with a replica each, on this machine, in one run: a kincare on each,
// both up, measured in turn, twice, in one order and then the other:
//
//	(a) a no-op Fiber POST route served by the test process (the floor);
//	(c) POST /v1/slots/{id}/holds through kincare on the deployment, with
//	    CONNS (64) closed-loop connections for SECONDS (10) after WARMUP
//	    (2), USERS (200) parents in turn, a fresh Idempotency-Key each;
//	(e) the engine alone, redis.Reservations.Hold with the per-parent cap
//	    across slots, from CONNS goroutines, on a slot synced full.
//
// On the cluster the slot, each parent's idempotency records and hold
// cap, and the rate counts hash to different masters; once go-redis has
// the slot map, a command goes straight to its node. It logs requests/s,
// p50/p99, answers and CPU per request of kincare and of the Redis
// processes (all six on the cluster: the replicas' replication counts).
// It asserts no speed.
//
//	HOLD_BENCH=1 go test ./test -run TestClusterAndOneNodeFullSlotHolds -v -count=1
func TestClusterAndOneNodeFullSlotHolds(t *testing.T) {
	if os.Getenv("HOLD_BENCH") == "" {
		t.Skip("a benchmark: set HOLD_BENCH=1")
	}
	conns := benchInt("CONNS", 64)
	seconds := time.Duration(benchInt("SECONDS", 10)) * time.Second
	warmup := time.Duration(benchInt("WARMUP", 2)) * time.Second
	nUsers := benchInt("USERS", 200)

	singleURL, singlePID := loadkit.StartRedis(t,
		"needs redis-server on PATH (apt-get install redis-server): holds are measured on real Redis")
	cluster := rediscluster.StartCluster(t)
	deployments := []struct {
		name string
		vars []string
		opts redis.Options
		pids []int
	}{
		{"one redis-server", []string{"REDIS_URL", singleURL}, redis.Options{URL: singleURL}, []int{singlePID}},
		{"cluster, 3 masters + 3 replicas", []string{"REDIS_CLUSTER_ADDRS", cluster.Seeds()},
			redis.Options{ClusterAddrs: cluster.Addrs()}, cluster.Pids()},
	}
	t.Logf("machine: %d CPUs (GOMAXPROCS %d), %s, %s; load average before: %s", runtime.NumCPU(),
		runtime.GOMAXPROCS(0), loadkit.CPUModel(), runtime.Version(), loadkit.LoadAverage())

	noop := benchNoopRoute(t)
	client := benchClient(conns)
	body := []byte(`{"tier":"market"}`)
	var seq atomic.Int64
	nonce := strconv.FormatInt(time.Now().UnixNano(), 36)
	request := func(base, slotID, token string) *http.Request {
		r, _ := http.NewRequest(http.MethodPost, base+"/v1/slots/"+slotID+"/holds", bytes.NewReader(body))
		r.Header.Set("Content-Type", "application/json")
		r.Header.Set("Authorization", "Bearer "+token)
		r.Header.Set("Idempotency-Key", "cb-"+nonce+"-"+strconv.FormatInt(seq.Add(1), 36))
		return r
	}

	type target struct {
		srv    *server
		slotID string
		users  []*person
		procs  map[string]int
	}
	targets := make([]target, len(deployments))
	for i, d := range deployments {
		adminPhone := newPhone()
		env := onRedis(familyEnv("ADMIN_PHONES", adminPhone.national,
			"RATE_LIMIT_IP_PER_MINUTE", "100000000", "RATE_LIMIT_USER_WRITES_PER_MINUTE", "100000000",
			"HOLDS_PER_USER_PER_KIND", "100"), d.vars...)
		srv := startServer(t, config{env: env})
		owner := srv.signUp(t)
		prov := owner.childcareProvider(t, srv.loginExisting(t, adminPhone))
		slot := owner.openDay(t, owner.offering(t, prov.ID, halfDayBody(30, 10)).ID, 3)
		procs := map[string]int{"kincare": srv.cmd.Process.Pid}
		for j, pid := range d.pids {
			procs[fmt.Sprintf("redis-%d", j)] = pid
		}
		targets[i] = target{srv: srv, slotID: slot.SlotID, users: crowd(t, srv, nUsers), procs: procs}
	}

	type row struct {
		name string
		r    loadkit.Result
		cpu  string
	}
	rows := []row{{name: "(a) no-op Fiber POST route", r: benchDrive(client, conns, warmup, seconds, func() *http.Request {
		return request(noop, targets[0].slotID, targets[0].users[0].access)
	})}}
	// Both servers stay up, idle while the other is measured; the second
	// round runs the deployments in the other order, so a change in what
	// else the machine does weighs on both alike.
	for round, order := range [][]int{{0, 1}, {1, 0}} {
		for _, i := range order {
			d, tg := deployments[i], targets[i]
			before := loadkit.CPUTimes(tg.procs)
			r := benchDrive(client, conns, warmup, seconds, func() *http.Request {
				return request(tg.srv.base, tg.slotID, tg.users[seq.Load()%int64(len(tg.users))].access)
			})
			rows = append(rows, row{name: fmt.Sprintf("(c) full-slot holds, %s, round %d", d.name, round+1), r: r,
				cpu: cpuPer(loadkit.CPUTimes(tg.procs).Minus(before), tg.procs, r.Calls())})
		}
	}
	for round, order := range [][]int{{0, 1}, {1, 0}} {
		for _, i := range order {
			r, cpu := engineFullSlot(t, deployments[i].opts, targets[i].procs, conns, warmup, seconds)
			rows = append(rows, row{name: fmt.Sprintf("(e) engine, full slot, %s, round %d", deployments[i].name, round+1),
				r: r, cpu: cpu})
		}
	}
	t.Logf("load average after: %s", loadkit.LoadAverage())
	t.Logf("%-60s %8s %8s %8s %8s %8s", "target", "requests", "req/s", "p50 ms", "p99 ms", "vs (a)")
	for _, x := range rows {
		t.Logf("%-60s %8d %8.0f %8.2f %8.2f %7.1f%%", x.name, x.r.N, x.r.RPS, ms(x.r.P50), ms(x.r.P99),
			100*x.r.RPS/rows[0].r.RPS)
	}
	for _, x := range rows {
		t.Logf("%s: answers %s; CPU per request (warm-up included): %s", x.name,
			loadkit.Outcomes(x.r.Outcomes, " × "), x.cpu)
	}
}

// engineFullSlot drives redis.Reservations.Hold on one slot synced with
// all 30 places seated, as the HTTP route calls it (with the per-parent
// cap across slots), from conns goroutines.
func engineFullSlot(t *testing.T, opts redis.Options, procs map[string]int, conns int,
	warmup, d time.Duration) (loadkit.Result, string) {
	t.Helper()
	procs = maps.Clone(procs)
	ctx := context.Background()
	rdb, err := redis.Connect(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	defer rdb.Close()
	eng := redis.NewReservations(rdb, "bench")
	now := time.Now()
	slotID := "benchslot" + strconv.FormatInt(now.UnixNano(), 36)
	seated := map[reservation.Tier][]string{}
	for i := range 30 {
		tier := reservation.Market
		if i < 10 {
			tier = reservation.Inclusive
		}
		seated[tier] = append(seated[tier], reservation.HoldID(slotID, fmt.Sprintf("seat%d", i)))
	}
	if err := eng.Sync(ctx, reservations.SlotState{SlotID: slotID, Kind: "childcare_offering", Version: 1,
		Capacity: reservation.Capacity{Total: 30, InclusiveQuota: 10}, Seated: seated,
		Rules:    reservation.Rules{HoldTTL: reservation.DefaultHoldTTL, MaxHoldsPerUser: 2, HoldsCloseAt: now.Add(24 * time.Hour)},
		ForgetAt: now.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	delete(procs, "kincare")
	before := loadkit.CPUTimes(procs)
	r := loadkit.Drive(conns, warmup, d, func(_ int, n int64, rng *rand.Rand) loadkit.Call {
		user := "benchuser" + strconv.Itoa(rng.IntN(10_000))
		req := reservations.HoldRequest{HoldID: reservation.HoldID(slotID, "h"+strconv.FormatInt(n, 36)+
			strconv.Itoa(rng.IntN(1<<30))), SlotID: slotID, UserID: user, Tier: reservation.Market,
			Fingerprint: "market", Kind: "childcare_offering", KindLimit: 100, Now: time.Now()}
		return func() (string, int) {
			_, err := eng.Hold(ctx, req)
			switch {
			case err == nil:
				return "granted", 1
			case strings.Contains(err.Error(), "slot_full"):
				return "slot_full", 1
			default:
				return "error: " + err.Error(), 1
			}
		}
	})
	return r, cpuPer(loadkit.CPUTimes(procs).Minus(before), procs, r.Calls())
}

// cpuPer is each process's CPU per call, Redis processes summed.
func cpuPer(cpu loadkit.CPU, procs map[string]int, calls int) string {
	var redisMicros float64
	var out []string
	for name := range procs {
		if strings.HasPrefix(name, "redis-") {
			redisMicros += cpu.MicrosPer(name, calls)
		}
	}
	if _, ok := procs["kincare"]; ok {
		out = append(out, fmt.Sprintf("kincare %.1f µs", cpu.MicrosPer("kincare", calls)))
	}
	return strings.Join(append(out, fmt.Sprintf("redis %.1f µs", redisMicros)), ", ")
}
