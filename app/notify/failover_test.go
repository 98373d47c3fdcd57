package notify_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/kincare/kincare/adapters/redis"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/test/rediscluster"
)

// Invariant 5 across a failover of the Redis the job queue lives in, on
// Sentinel and on a Redis Cluster (where the queue's master is the one
// killed): events recorded before, during and after the master's death
// (SIGKILL) and its replica's promotion are each delivered once to every
// recipient and pushed once to every device, while the relay keeps
// trying and the workers keep running. A reminder queued before the
// failover and lost with it (deleted after, as an unreplicated write
// would be) comes back from the journal at the next reconciliation and
// arrives once, not before its time.
func TestNoLostAndNoDuplicateNotificationsAcrossAFailover(t *testing.T) {
	for _, deployment := range []string{"sentinel", "cluster"} {
		t.Run(deployment, func(t *testing.T) {
			t.Parallel()
			failover(t, deployment)
		})
	}
}

func failover(t *testing.T, deployment string) {
	ctx := context.Background()
	var opts redis.Options
	var kill func(queueKey string) (string, error)
	var wait func(ctx context.Context, dead string) (string, error)
	switch deployment {
	case "sentinel":
		s := rediscluster.StartSentinel(t)
		opts = redis.Options{SentinelAddrs: s.Addrs(), MasterName: rediscluster.MasterName}
		kill = func(string) (string, error) { return s.KillMaster(ctx) }
		wait = s.WaitFailover
	default:
		c := rediscluster.StartCluster(t)
		opts = redis.Options{ClusterAddrs: c.Addrs()}
		kill = func(queueKey string) (string, error) {
			master, err := c.MasterOf(ctx, queueKey)
			if err != nil {
				return "", err
			}
			return master, c.Kill(master)
		}
		wait = c.WaitFailover
	}
	rdb, err := redis.Connect(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	r := newRig(t, rigOptions{rdb: rdb})
	mother := r.user(identity.LocaleZhCN, "tok-mother")
	son := r.user(identity.LocaleEn, "tok-son-phone", "tok-son-tablet")
	r.startWorker()
	r.startWorker()

	// The relay runs as in production, polling; it fails while Redis is
	// away and hands the events on when Redis is back.
	relayCtx, stopRelay := context.WithCancel(ctx)
	var relayFailures atomic.Int64
	var relaying sync.WaitGroup
	relaying.Go(func() {
		for relayCtx.Err() == nil {
			if _, err := r.relay.RunOnce(relayCtx); err != nil {
				relayFailures.Add(1)
			}
			time.Sleep(20 * time.Millisecond)
		}
	})
	t.Cleanup(func() { stopRelay(); relaying.Wait() })

	var events []event.Event
	batch := func(host string) {
		for range 10 {
			e := r.event(visitStarted, mother, son)
			r.record(host, e)
			events = append(events, e)
		}
	}
	batch("before")
	r.fcm.WaitMessages(t, 3*len(events), 30*time.Second)

	due := time.Now().Add(15 * time.Second).Truncate(time.Second)
	reminder, err := event.Reminder(r.newID(), visitStarted, event.Subject{Kind: "order", ID: "ord-1"}, r.now(), due,
		map[string]string{"to": mother + "," + son, "caregiver": "李阿姨", "elder": "王奶奶"})
	if err != nil {
		t.Fatal(err)
	}
	r.record("reminder", reminder)
	events = append(events, reminder)
	inspector := asynq.NewInspectorFromRedisClient(rdb)
	r.waitFor("the reminder to be queued", func() bool {
		info, err := inspector.GetTaskInfo(r.qname, "event:"+reminder.ID)
		return err == nil && info.State == asynq.TaskStateScheduled
	})

	dead, err := kill("asynq:{" + r.qname + "}:scheduled")
	if err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	batch("during")
	waitCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	promoted, err := wait(waitCtx, dead)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: killed %s at %s; %s took over after %s; the relay failed %d times meanwhile; the reminder %s is due at %s",
		deployment, dead, killed.Format("15:04:05.000"), promoted, time.Since(killed).Round(time.Millisecond),
		relayFailures.Load(), reminder.ID, due.Format(time.TimeOnly))

	// The promoted replica lost the reminder (as it may any write the
	// master had not sent it yet); the next reconciliation requeues it
	// from the journal, for the same time.
	r.waitFor("the queue to answer on the promoted replica", func() bool {
		err := inspector.DeleteTask(r.qname, "event:"+reminder.ID)
		return err == nil || errors.Is(err, asynq.ErrTaskNotFound)
	})
	if _, err := inspector.GetTaskInfo(r.qname, "event:"+reminder.ID); !errors.Is(err, asynq.ErrTaskNotFound) {
		t.Fatalf("the reminder is still queued: %v", err)
	}
	if _, _, err := r.svc.Reconcile(ctx); err != nil {
		t.Fatal(err)
	}
	batch("after")

	wantPushes := 3 * len(events)
	got := r.fcm.WaitMessages(t, wantPushes, 90*time.Second)
	r.waitFor("every push to finish", func() bool {
		for _, u := range []string{mother, son} {
			for _, n := range r.inbox(u) {
				if !n.Push.State.Done() {
					return false
				}
			}
		}
		return true
	})
	time.Sleep(500 * time.Millisecond) // room for a wrong second push to arrive
	assertExactlyOnce(t, r, events, mother, son, wantPushes)
	for _, m := range got {
		if m.Data["eventId"] == reminder.ID && m.ReceivedAt.Before(due) {
			t.Errorf("the reminder was pushed at %s, before its time %s", m.ReceivedAt.Format(time.TimeOnly), due.Format(time.TimeOnly))
		}
	}
}
