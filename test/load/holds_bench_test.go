package load

import (
	"context"
	"errors"
	"fmt"
	"hash/maphash"
	"io"
	"log/slog"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	goredis "github.com/redis/go-redis/v9"
	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/adapters/embedded"
	"github.com/kincare/kincare/adapters/redis"
	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/test/loadkit"
)

// TestHoldEngines does the same hold work two ways, CONNS (64)
// goroutines for SECONDS (10) each after WARMUP (1) seconds, and prints
// holds/s, p50/p99 and what was answered:
//
//   - the reservation engine kincare runs, redis.Reservations.Hold (one
//     Lua script per hold) on a real redis-server: REDIS_URL, or one
//     started on a free loopback port; also with the per-parent cap
//     across slots (KindLimit, a second script), as the HTTP route runs it;
//   - a MongoDB-only design written here: a slot's live holds are an
//     array in its document, and a hold loads the slot, drops expired
//     holds, checks the tier's places and the parent's cap, appends, and
//     writes back only if nobody wrote since, retrying on conflict (the
//     versioned-update pattern of adapters/mongo). It runs two ways: as
//     the repositories run on the embedded store (a per-document lock in
//     the process, write by _id), and as they run on MongoDB (filter
//     {_id, version}). MongoDB is MONGODB_URI, else the embedded FerretDB
//     (SQLite) in this process, with MONGO_POOL connections (4, kincare's
//     embedded default; 100 with MONGODB_URI).
//
// Two workloads, the same for every engine: one slot of 30 places (10 at
// the 普惠 price) that a crowd fills and then keeps asking for (most
// answers "full"); and SLOTS (1104: 12 sessions a day for 92 days) slots
// of 500 places (200 普惠) where nearly every hold is granted. USERS
// (10000) parents take turns, every third asks for a 普惠 place, each
// attempt has a fresh hold id. After each run it checks that no slot
// holds more than its places. It asserts no speed.
//
//	HOLD_BENCH=1 go test ./test/load -run TestHoldEngines -v -count=1 -timeout 30m
func TestHoldEngines(t *testing.T) {
	if os.Getenv("HOLD_BENCH") == "" {
		t.Skip("a benchmark: set HOLD_BENCH=1")
	}
	conns := envInt(t, "CONNS", 64)
	seconds := time.Duration(envInt(t, "SECONDS", 10)) * time.Second
	warmup := time.Duration(envInt(t, "WARMUP", 1)) * time.Second
	nSlots := max(envInt(t, "SLOTS", 1104), 1)
	nUsers := max(envInt(t, "USERS", 10000), 1)
	ctx := context.Background()

	rdb, redisName, redisPID := holdRedis(t)
	coll, mongoName := holdMongo(t)
	t.Logf("machine: %d CPUs (GOMAXPROCS %d), %s; Redis: %s; MongoDB: %s; load average before: %s",
		runtime.NumCPU(), runtime.GOMAXPROCS(0), runtime.Version(), redisName, mongoName, loadkit.LoadAverage())

	users := make([]string, nUsers)
	for i := range users {
		users[i] = fmt.Sprintf("u%05d", i)
	}
	nonce := strconv.FormatInt(time.Now().UnixNano(), 36)
	workloads := []holdWorkload{
		{name: "contended: 1 slot of 30", slots: 1, capacity: 30, quota: 10, perUser: 2},
		{name: fmt.Sprintf("granting: %d slots of 500", nSlots), slots: nSlots, capacity: 500, quota: 200, perUser: 10},
	}
	engines := []holdEngine{
		redisEngine(rdb, 0),
		redisEngine(rdb, 100),
		mongoEngine(coll, true),
		mongoEngine(coll, false),
	}
	procs := map[string]int{"redis-server": redisPID, "test process": os.Getpid()}
	var results []holdResult
	for wi, w := range workloads {
		for ei, e := range engines {
			slotIDs := make([]string, w.slots)
			for i := range slotIDs {
				slotIDs[i] = fmt.Sprintf("bench%s-w%de%d-%04d", nonce, wi, ei, i)
			}
			if err := e.seed(ctx, w, slotIDs); err != nil {
				t.Fatalf("%s, %s: seed: %v", w.name, e.name, err)
			}
			before := loadkit.CPUTimes(procs)
			d := loadkit.Drive(conns, warmup, seconds, func(_ int, n int64, rng *rand.Rand) loadkit.Call {
				return func() (string, int) {
					slot := slotIDs[rng.IntN(len(slotIDs))]
					tier := reservation.Market
					if n%3 == 0 {
						tier = reservation.Inclusive
					}
					return e.hold(ctx, slot, reservation.HoldID(slot, "h"+strconv.FormatInt(n, 36)),
						users[n%int64(len(users))], tier, time.Now())
				}
			})
			r := holdResult{workload: w.name, engine: e.name, Result: d, granted: d.Outcomes["granted"],
				cpu: loadkit.CPUTimes(procs).Minus(before)}
			stored, err := e.check(ctx, w, slotIDs)
			if err != nil {
				t.Errorf("%s, %s: %v", w.name, e.name, err)
			}
			r.stored = stored
			results = append(results, r)
			e.clean(ctx, slotIDs)
			t.Logf("%s, %s: %d attempts, %.0f/s, p99 %.3f ms", w.name, e.name, r.N, r.RPS, holdMS(r.P99))
		}
	}
	t.Logf("load average after: %s", loadkit.LoadAverage())
	report := func(w string) {
		var ref holdResult
		for _, r := range results {
			if r.workload == w && r.engine == engines[0].name {
				ref = r
			}
		}
		t.Logf("== %s", w)
		t.Logf("%-62s %8s %8s %8s %8s %9s %9s %10s", "engine", "attempts", "holds/s", "p50 ms", "p99 ms", "max ms",
			"granted", "Redis ÷ it")
		for _, r := range results {
			if r.workload != w {
				continue
			}
			t.Logf("%-62s %8d %8.0f %8.3f %8.3f %9.1f %9d %9.1f×", r.engine, r.N, r.RPS, holdMS(r.P50), holdMS(r.P99),
				holdMS(r.Max), r.granted, ref.RPS/r.RPS)
		}
		for _, r := range results {
			if r.workload != w {
				continue
			}
			attempts := r.Calls()
			t.Logf("%s: answers %s (warm-up: %s); tries per attempt %.2f; units held after: %d of %d granted; "+
				"CPU per attempt: redis-server %.1f µs, test process (driver, FerretDB) %.1f µs", r.engine,
				loadkit.Outcomes(r.Outcomes, " "), loadkit.Outcomes(r.Warm, " "), float64(r.Tries)/float64(attempts),
				r.stored, r.granted+r.Warm["granted"],
				r.cpu.MicrosPer("redis-server", attempts), r.cpu.MicrosPer("test process", attempts))
		}
	}
	for _, w := range workloads {
		report(w.name)
	}
	t.Logf("target: Redis ≥ 3× the MongoDB-only design (holds/s of the same workload)")
}

type holdWorkload struct {
	name                            string
	slots, capacity, quota, perUser int
}

// holdEngine is one way of admitting holds.
type holdEngine struct {
	name string
	seed func(ctx context.Context, w holdWorkload, slotIDs []string) error
	// hold answers granted, replayed, full, closed, limit, conflict (the
	// write lost every try) or error, and how many tries it made.
	hold func(ctx context.Context, slotID, holdID, userID string, tier reservation.Tier, now time.Time) (string, int)
	// check counts the live holds stored, and fails when a slot holds
	// more than its places in a tier.
	check func(ctx context.Context, w holdWorkload, slotIDs []string) (int, error)
	clean func(ctx context.Context, slotIDs []string)
}

// ---------------------------------------------------------------------------
// Redis: the engine kincare runs.

func redisEngine(rdb goredis.UniversalClient, kindLimit int) holdEngine {
	eng := redis.NewReservations(rdb, "bench")
	name := "Redis: Reservations.Hold (one Lua script)"
	if kindLimit > 0 {
		name = fmt.Sprintf("Redis: Hold + per-parent cap across slots (%d)", kindLimit)
	}
	return holdEngine{
		name: name,
		seed: func(ctx context.Context, w holdWorkload, slotIDs []string) error {
			now := time.Now()
			for _, id := range slotIDs {
				if err := eng.Sync(ctx, reservations.SlotState{SlotID: id, Kind: "childcare_offering", Version: 1,
					Capacity: reservation.Capacity{Total: w.capacity, InclusiveQuota: w.quota},
					Rules: reservation.Rules{HoldTTL: reservation.DefaultHoldTTL, MaxHoldsPerUser: w.perUser,
						HoldsCloseAt: now.Add(24 * time.Hour)},
					ForgetAt: now.Add(2 * time.Hour)}); err != nil {
					return err
				}
			}
			return nil
		},
		hold: func(ctx context.Context, slotID, holdID, userID string, tier reservation.Tier, now time.Time) (string, int) {
			_, err := eng.Hold(ctx, reservations.HoldRequest{HoldID: holdID, SlotID: slotID, UserID: userID,
				Tier: tier, Fingerprint: string(tier), Kind: "childcare_offering", KindLimit: kindLimit, Now: now})
			return holdOutcome(err), 1
		},
		check: func(ctx context.Context, w holdWorkload, slotIDs []string) (int, error) {
			held := 0
			for chunk := range slices.Chunk(slotIDs, 500) {
				rem, err := eng.Remaining(ctx, chunk, time.Now())
				if err != nil {
					return 0, err
				}
				for _, r := range rem {
					if r.Market < 0 || r.Inclusive < 0 || !r.Known {
						return 0, fmt.Errorf("slot %s: %+v", r.SlotID, r)
					}
					held += w.capacity - r.Market - r.Inclusive
				}
			}
			return held, nil
		},
		clean: func(ctx context.Context, slotIDs []string) {
			// The keys forget themselves (ForgetAt, and each hold's
			// expiry); a REDIS_URL shared with others keeps them that long.
		},
	}
}

func holdOutcome(err error) string {
	switch {
	case err == nil:
		return "granted"
	case errors.Is(err, reservation.ErrSlotFull):
		return "full"
	case errors.Is(err, reservation.ErrHoldLimit):
		return "limit"
	case errors.Is(err, reservation.ErrSlotClosed):
		return "closed"
	case errors.Is(err, reservations.ErrStateMissing):
		return "missing"
	default:
		return "error"
	}
}

// ---------------------------------------------------------------------------
// MongoDB only: the holds in the slot's document.

type mongoSlot struct {
	ID       string      `bson:"_id"`
	Version  int64       `bson:"version"`
	Capacity int         `bson:"capacity"`
	Quota    int         `bson:"inclusiveQuota"`
	PerUser  int         `bson:"maxHoldsPerUser"`
	TTLMs    int64       `bson:"holdTtlMs"`
	Holds    []mongoHold `bson:"holds"`
}

type mongoHold struct {
	ID   string `bson:"id"`
	User string `bson:"user"`
	Tier string `bson:"tier"`
	Exp  int64  `bson:"exp"` // unix ms
}

// mongoTries and mongoBackoff are adapters/mongo's maxUpdateTries and
// conflictBackoff.
const mongoTries = 8

func mongoBackoff(attempt int, took time.Duration) {
	if attempt+1 >= mongoTries {
		return
	}
	time.Sleep(rand.N(min(max(took, time.Millisecond)<<attempt, time.Second)))
}

func mongoEngine(coll *mongo.Collection, guarded bool) holdEngine {
	name := "MongoDB only: lock per document in process, write by _id"
	if !guarded {
		name = "MongoDB only: write if {_id, version} unchanged"
	}
	var locks [256]sync.Mutex
	seed := maphash.MakeSeed()
	// try is one load, check and conditional write; done is false when
	// the write found another version (retry).
	try := func(ctx context.Context, slotID, holdID, userID string, tier reservation.Tier, now time.Time) (string, bool, error) {
		if guarded {
			m := &locks[maphash.String(seed, slotID)%uint64(len(locks))]
			m.Lock()
			defer m.Unlock()
		}
		var s mongoSlot
		if err := coll.FindOne(ctx, bson.D{{Key: "_id", Value: slotID}}).Decode(&s); err != nil {
			return "", false, err
		}
		nowMs := now.UnixMilli()
		live := make([]mongoHold, 0, len(s.Holds)+1)
		mine, inclusive := 0, 0
		for _, h := range s.Holds {
			if h.Exp <= nowMs {
				continue
			}
			if h.ID == holdID {
				return "replayed", true, nil
			}
			live = append(live, h)
			if h.User == userID {
				mine++
			}
			if h.Tier == string(reservation.Inclusive) {
				inclusive++
			}
		}
		if s.PerUser > 0 && mine >= s.PerUser {
			return "limit", true, nil
		}
		pool, used := s.Capacity-s.Quota, len(live)-inclusive
		if tier == reservation.Inclusive {
			pool, used = s.Quota, inclusive
		}
		if used >= pool {
			return "full", true, nil
		}
		s.Holds = append(live, mongoHold{ID: holdID, User: userID, Tier: string(tier), Exp: nowMs + s.TTLMs})
		filter := bson.D{{Key: "_id", Value: slotID}, {Key: "version", Value: s.Version}}
		if guarded {
			filter = filter[:1] // the lock, held since the load, is the check
		}
		s.Version++
		res, err := coll.ReplaceOne(ctx, filter, s)
		if err != nil {
			return "", false, err
		}
		return "granted", res.MatchedCount == 1, nil
	}
	return holdEngine{
		name: name,
		seed: func(ctx context.Context, w holdWorkload, slotIDs []string) error {
			docs := make([]any, len(slotIDs))
			for i, id := range slotIDs {
				docs[i] = mongoSlot{ID: id, Version: 1, Capacity: w.capacity, Quota: w.quota, PerUser: w.perUser,
					TTLMs: reservation.DefaultHoldTTL.Milliseconds(), Holds: []mongoHold{}}
			}
			_, err := coll.InsertMany(ctx, docs)
			return err
		},
		hold: func(ctx context.Context, slotID, holdID, userID string, tier reservation.Tier, now time.Time) (string, int) {
			for attempt := range mongoTries {
				start := time.Now()
				outcome, done, err := try(ctx, slotID, holdID, userID, tier, now)
				if err != nil {
					return "error", attempt + 1
				}
				if done {
					return outcome, attempt + 1
				}
				mongoBackoff(attempt, time.Since(start))
			}
			return "conflict", mongoTries
		},
		check: func(ctx context.Context, w holdWorkload, slotIDs []string) (int, error) {
			cur, err := coll.Find(ctx, bson.D{})
			if err != nil {
				return 0, err
			}
			var all []mongoSlot
			if err := cur.All(ctx, &all); err != nil {
				return 0, err
			}
			held := 0
			for _, s := range all {
				inclusive := 0
				for _, h := range s.Holds {
					if h.Tier == string(reservation.Inclusive) {
						inclusive++
					}
				}
				if inclusive > s.Quota || len(s.Holds)-inclusive > s.Capacity-s.Quota {
					return 0, fmt.Errorf("slot %s holds %d (%d 普惠) of %d (%d)", s.ID, len(s.Holds), inclusive, s.Capacity, s.Quota)
				}
				held += len(s.Holds)
			}
			return held, nil
		},
		clean: func(ctx context.Context, _ []string) { _, _ = coll.DeleteMany(ctx, bson.D{}) },
	}
}

// ---------------------------------------------------------------------------
// The results.

type holdResult struct {
	workload, engine string
	loadkit.Result
	granted, stored int // granted while measured; units held after
	cpu             loadkit.CPU
}

func holdMS(d time.Duration) float64 { return float64(d.Nanoseconds()) / 1e6 }

// ---------------------------------------------------------------------------
// The stores and the machine.

// holdRedis connects to REDIS_URL, or starts a redis-server of its own
// (its pid is then known, for its CPU time); without either it skips.
func holdRedis(t *testing.T) (goredis.UniversalClient, string, int) {
	t.Helper()
	url, pid := os.Getenv("REDIS_URL"), 0
	if url == "" {
		url, pid = loadkit.StartRedis(t, "needs a real Redis: set REDIS_URL or install redis-server")
	}
	var rdb goredis.UniversalClient
	var err error
	for range 50 {
		if rdb, err = redis.Connect(context.Background(), redis.Options{URL: url}); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	version := "redis-server"
	if info, err := rdb.Info(context.Background(), "server").Result(); err == nil {
		for line := range strings.SplitSeq(info, "\r\n") {
			if v, ok := strings.CutPrefix(line, "redis_version:"); ok {
				version += " " + v
			}
		}
	}
	if pid == 0 {
		version += " at REDIS_URL"
	}
	return rdb, version, pid
}

// holdMongo connects to MONGODB_URI, or starts the embedded FerretDB in
// this process, and answers a fresh collection.
func holdMongo(t *testing.T) (*mongo.Collection, string) {
	t.Helper()
	uri, name := os.Getenv("MONGODB_URI"), "MongoDB at MONGODB_URI"
	pool := 100
	if uri == "" {
		m, err := embedded.StartMongo(t.TempDir(), slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = m.Close(context.Background()) })
		uri, name, pool = m.URI(), "embedded FerretDB (SQLite) in this process", 4
	}
	pool = envInt(t, "MONGO_POOL", pool)
	client, err := mongo.Connect(options.Client().ApplyURI(uri).SetMaxPoolSize(uint64(pool)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = client.Disconnect(context.Background()) })
	db := client.Database(fmt.Sprintf("kincare_holdbench_%d", time.Now().UnixNano()))
	t.Cleanup(func() { _ = db.Drop(context.Background()) })
	return db.Collection("slots"), fmt.Sprintf("%s, pool %d", name, pool)
}
