package load

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"os"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/kincare/kincare/adapters/jobs"
	"github.com/kincare/kincare/adapters/push"
	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/devices"
	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/device"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/test/fakefcm"
	"github.com/kincare/kincare/test/testenv"
)

// TestEventsToPushes measures the notification path end to end in one
// process, as one kincare replica runs it: a use case changes state and
// records an event in the same write (a second device registered by a
// user), the relay hands it to asynq, one worker delivers it to the inbox
// and pushes it through the real FCM client to a fake FCM server. Latency
// is from the state change (the event's time) to the push reaching FCM.
//
//	NOTIFY_BENCH=1 go test ./test/load -run TestEventsToPushes -v -count=1
//
// Two phases on the same stores: "burst" writes EVENTS state changes as
// fast as 8 clients can and times until the last push (throughput);
// "paced" writes RATE per second for PACED_SECONDS (latency at a load the
// worker keeps up with). REDIS_URL/MONGODB_URI choose real servers.
func TestEventsToPushes(t *testing.T) {
	if os.Getenv("NOTIFY_BENCH") == "" {
		t.Skip("a benchmark: set NOTIFY_BENCH=1")
	}
	events := envInt(t, "EVENTS", 1000)
	rate := envInt(t, "RATE", 20)
	pacedSeconds := envInt(t, "PACED_SECONDS", 20)
	ctx := context.Background()
	store := testenv.Mongo(t)
	rdb, _ := testenv.Redis(t)
	fcm := fakefcm.Start(t)
	log := slog.New(slog.NewTextHandler(io.Discard, nil))
	newID := func() string { return uuid.Must(uuid.NewV7()).String() }

	queue := "bench_" + newID()
	client := jobs.NewClient(rdb, queue, 8)
	pusher, err := push.NewFCM(ctx, push.FCMConfig{ProjectID: "kincare-bench", Endpoint: fcm.URL()})
	if err != nil {
		t.Fatal(err)
	}
	deviceSvc := devices.NewService(store.Devices(), time.Now, newID)
	kinds := map[event.Type]notify.Kind{device.EventRegistered: notify.Catalog()[device.EventRegistered]}
	svc, err := notify.NewService(notify.Deps{
		Inbox: store.Inbox(), Preferences: store.NotificationPreferences(), Devices: store.Devices(),
		Users: store.Users(), Journal: store.Journal(), Queue: client, Pusher: pusher, Kinds: kinds,
		Audiences: deviceSvc.Audiences(), Now: time.Now, NewID: newID, Log: log,
	})
	if err != nil {
		t.Fatal(err)
	}

	// Everyone has a phone already; the measured state change is each
	// registering a tablet, which tells the phone.
	total := events + rate*pacedSeconds
	users := make([]string, total)
	setup := time.Now()
	for i := range users {
		users[i] = newID()
		u, _ := identity.NewUser(users[i], identity.Phone(fmt.Sprintf("+86137%08d", i)), time.Now())
		if _, _, err := store.Users().FirstOrCreate(ctx, u); err != nil {
			t.Fatal(err)
		}
		if _, _, err := deviceSvc.Register(ctx, actor.Actor{UserID: users[i]}, devices.RegisterCommand{
			Token: "phone-" + users[i], Platform: "android", App: "family"}); err != nil {
			t.Fatal(err)
		}
	}
	clearOutboxes(t, store.Outbox())
	t.Logf("setup: %d users with a phone in %s", total, time.Since(setup).Round(time.Millisecond))

	worker := jobs.NewWorker(rdb, svc, jobs.WorkerConfig{Queue: queue, Concurrency: 8,
		PollInterval: 200 * time.Millisecond, RetryBase: time.Second, RetryMax: time.Minute},
		jobs.NewMetrics(prometheus.NewRegistry(), rdb, queue), log)
	if err := worker.Start(); err != nil {
		t.Fatal(err)
	}
	defer worker.Shutdown()
	relayCtx, stopRelay := context.WithCancel(ctx)
	defer stopRelay()
	relay := notify.NewRelay(store.Outbox(), store.Journal(), client)
	go relay.Run(relayCtx, time.Second, store.OutboxWritten(), func(_ int, err error) {
		if err != nil {
			t.Log("relay:", err)
		}
	})

	register := func(user string) time.Time {
		_, _, err := deviceSvc.Register(ctx, actor.Actor{UserID: user}, devices.RegisterCommand{
			Token: "tablet-" + user, Platform: "ios", App: "family"})
		if err != nil {
			t.Error(err)
		}
		return time.Now()
	}
	changed := make(map[string]time.Time, total) // phone token → state change
	var mu sync.Mutex
	record := func(user string, at time.Time) {
		mu.Lock()
		changed["phone-"+user] = at
		mu.Unlock()
	}

	// Burst.
	start := time.Now()
	var wg sync.WaitGroup
	next := make(chan string)
	for range 8 {
		wg.Go(func() {
			for u := range next {
				before := time.Now()
				register(u)
				record(u, before)
			}
		})
	}
	for _, u := range users[:events] {
		next <- u
	}
	close(next)
	wg.Wait()
	written := time.Since(start)
	msgs := fcm.WaitMessages(t, events, 10*time.Minute)
	done := time.Since(start)
	report(t, "burst", events, written, done, latencies(msgs, changed))

	// Paced.
	paced := users[events:]
	tick := time.NewTicker(time.Second / time.Duration(rate))
	start = time.Now()
	for _, u := range paced {
		<-tick.C
		wg.Go(func() {
			before := time.Now()
			register(u)
			record(u, before)
		})
	}
	tick.Stop()
	wg.Wait()
	written = time.Since(start)
	all := fcm.WaitMessages(t, total, 10*time.Minute)
	report(t, fmt.Sprintf("paced %d/s", rate), len(paced), written, time.Since(start), latencies(all[events:], changed))
	if n := len(fcm.Messages()); n != total {
		t.Errorf("%d pushes for %d events", n, total)
	}
}

func clearOutboxes(t *testing.T, o interface {
	Pending(context.Context, int) ([]notify.Batch, error)
	Clear(context.Context, notify.Batch) error
}) {
	for {
		batches, err := o.Pending(context.Background(), 500)
		if err != nil {
			t.Fatal(err)
		}
		if len(batches) == 0 {
			return
		}
		for _, b := range batches {
			if err := o.Clear(context.Background(), b); err != nil {
				t.Fatal(err)
			}
		}
	}
}

func latencies(msgs []fakefcm.Message, changed map[string]time.Time) []time.Duration {
	out := make([]time.Duration, 0, len(msgs))
	for _, m := range msgs {
		if at, ok := changed[m.Token]; ok && m.Data["type"] == string(device.EventRegistered) {
			out = append(out, m.ReceivedAt.Sub(at))
		}
	}
	slices.Sort(out)
	return out
}

func report(t *testing.T, phase string, n int, written, done time.Duration, lat []time.Duration) {
	t.Helper()
	q := func(p float64) time.Duration {
		if len(lat) == 0 {
			return 0
		}
		return lat[min(len(lat)-1, int(p*float64(len(lat))))].Round(time.Millisecond)
	}
	t.Logf("%-12s events %5d  written in %7s (%6.0f/s)  all pushed in %7s (%6.1f events/s)  latency p50 %s  p90 %s  p99 %s  max %s",
		phase, n, written.Round(time.Millisecond), float64(n)/written.Seconds(), done.Round(time.Millisecond),
		float64(n)/done.Seconds(), q(0.50), q(0.90), q(0.99), q(1))
}
