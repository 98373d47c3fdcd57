package e2e_test

import (
	"context"
	"errors"
	"net/http"
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/kincare/kincare/adapters/redis"
	"github.com/kincare/kincare/test/fakefcm"
	"github.com/kincare/kincare/test/rediscluster"
)

// TestHoldReminderArrivesOnceThroughAFailover: a mother holds a place
// for six minutes, so she is to be reminded in one. Then the Redis the
// job queue lives in loses its master (SIGKILL) and a replica takes
// over: Sentinel promotes it, or the cluster does for the master that
// holds the queue. A hold asked for meanwhile is answered 503
// store_unavailable with Retry-After, and succeeds when sent again after
// the failover. The reminder did not survive it (deleted from the queue
// after the failover, as a write the master had not sent its replica
// would be lost), yet the reconciler schedules it again from the live
// hold: it reaches her phone once, at its time, not before; the second
// hold's reminder too, once.
func TestHoldReminderArrivesOnceThroughAFailover(t *testing.T) {
	t.Parallel()
	for _, deployment := range []string{"sentinel", "cluster"} {
		t.Run(deployment, func(t *testing.T) {
			t.Parallel()
			remindThroughFailover(t, deployment)
		})
	}
}

// orphanedTaskRecovery is how long asynq takes at most to run again a
// task whose worker's Redis died under it: its lease, then the
// recoverer's next pass, with a margin.
const orphanedTaskRecovery = 30*time.Second + time.Minute + pushWait

func remindThroughFailover(t *testing.T, deployment string) {
	ctx := context.Background()
	var vars []string
	var opts redis.Options
	var kill func(queue string) (string, error)
	var wait func(ctx context.Context, dead string) (string, error)
	if deployment == "sentinel" {
		s := rediscluster.StartSentinel(t)
		vars = []string{"REDIS_SENTINEL_ADDRS", s.Seeds(), "REDIS_SENTINEL_MASTER", rediscluster.MasterName}
		opts = redis.Options{SentinelAddrs: s.Addrs(), MasterName: rediscluster.MasterName}
		kill = func(string) (string, error) { return s.KillMaster(ctx) }
		wait = s.WaitFailover
	} else {
		c := rediscluster.StartCluster(t)
		vars = []string{"REDIS_CLUSTER_ADDRS", c.Seeds()}
		opts = redis.Options{ClusterAddrs: c.Addrs()}
		kill = func(queue string) (string, error) {
			master, err := c.MasterOf(ctx, "asynq:{"+queue+"}:scheduled")
			if err != nil {
				return "", err
			}
			return master, c.Kill(master)
		}
		wait = c.WaitFailover
	}
	fcm := fakefcm.Start(t)
	env := onRedis(map[string]string{}, vars...)
	env["RESERVATION_RECONCILE_INTERVAL"] = "5s"
	extra := make([]string, 0, 2*len(env))
	for k, v := range env {
		extra = append(extra, k, v)
	}
	srv, platform := startReservationServer(t, fcm, extra...)
	director := srv.signUp(t)
	nursery := director.childcareProvider(t, platform)
	body := halfDayBody(3, 1)
	body["holdTtlMinutes"] = 6
	slot := director.openDay(t, director.offering(t, nursery.ID, body).ID, 3)
	mother := srv.signUp(t)
	phone := mother.addDevice(t, "ios")

	hold := must[holdView](t, mother.hold(t, slot.SlotID, "market", randomID()), http.StatusCreated)
	due := hold.ExpiresAt.Add(-5 * time.Minute)

	queue := jobsQueue(srv.dataDir)
	dead, err := kill(queue)
	if err != nil {
		t.Fatal(err)
	}
	killed := time.Now()
	// Sentinel's only master is gone: a hold now cannot be answered. (On
	// the cluster the slot may live on a master that is fine.)
	key := randomID()
	r := mother.hold(t, slot.SlotID, "market", key)
	if deployment == "sentinel" || r.status != http.StatusCreated {
		wantProblem(t, r, http.StatusServiceUnavailable, "store_unavailable")
		if r.header.Get("Retry-After") == "" {
			t.Errorf("503 store_unavailable without Retry-After")
		}
	}
	waitCtx, cancel := context.WithTimeout(ctx, time.Minute)
	defer cancel()
	promoted, err := wait(waitCtx, dead)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: killed %s; %s took over after %s", deployment, dead, promoted, time.Since(killed).Round(time.Millisecond))
	if !waitUntil(10*time.Second, func() bool {
		r = mother.hold(t, slot.SlotID, "market", key)
		return r.status == http.StatusCreated
	}) {
		t.Fatalf("the hold sent again after the failover: %s", r)
	}
	second := must[holdView](t, r, http.StatusCreated)

	// The promoted replica lost the reminder.
	rdb, err := redis.Connect(ctx, opts)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = rdb.Close() })
	inspector := asynq.NewInspectorFromRedisClient(rdb)
	task := "event:hold-expiring-" + hold.ID
	if !waitUntil(10*time.Second, func() bool {
		err := inspector.DeleteTask(queue, task)
		return err == nil || errors.Is(err, asynq.ErrTaskNotFound)
	}) {
		t.Fatalf("the reminder could not be deleted from the promoted replica")
	}
	// The reconciler (every 5 s here) schedules it again.
	if !waitUntil(20*time.Second, func() bool {
		info, err := inspector.GetTaskInfo(queue, task)
		return err == nil && info.State == asynq.TaskStateScheduled
	}) {
		t.Fatalf("the lost reminder was not scheduled again")
	}
	if left := time.Until(due); left < 10*time.Second {
		t.Logf("only %s left before the reminder's time: the failover took long", left.Round(time.Second))
	}

	if pushes := pushesTo(fcm, phone); len(pushes) != 0 {
		t.Fatalf("pushed before the reminder's time: %s", describePushes(pushes))
	}
	// Each hold is reminded of once: the one whose reminder was lost, and
	// the one taken after the failover.
	remindersOf := func(holdID string) []fakefcm.Message {
		var out []fakefcm.Message
		for _, m := range pushesTo(fcm, phone) {
			if m.Data["type"] == "booking.hold_expiring" && m.Data["id"] == holdID {
				out = append(out, m)
			}
		}
		return out
	}
	last := second.ExpiresAt.Add(-5 * time.Minute)
	if !waitUntil(time.Until(last)+pushWait, func() bool { return len(remindersOf(hold.ID)) > 0 && len(remindersOf(second.ID)) > 0 }) {
		t.Fatalf("no reminders within %s of their times %s and %s: %s", pushWait, due.Format(time.TimeOnly),
			last.Format(time.TimeOnly), describePushes(pushesTo(fcm, phone)))
	}
	srv.awaitPasses(t, "reservation_reconcile") // a reconciliation more: no second reminder
	srv.awaitPasses(t, "outbox_relay")
	// A task the dead master was running stays active on its replica
	// until asynq's lease (30 s) expires and its recoverer (every minute)
	// runs it again: wait that out, so a second delivery it made would
	// be seen below.
	srv.waitQueueIdleWithin(t, true, orphanedTaskRecovery)
	if got := pushesTo(fcm, phone); len(got) != 2 || len(remindersOf(hold.ID)) != 1 || len(remindersOf(second.ID)) != 1 {
		t.Fatalf("the mother's phone got %s; want one reminder of each hold", describePushes(got))
	}
	// asynq schedules in whole seconds: the reminder may come up to one
	// second before the instant it was asked for.
	if at := remindersOf(hold.ID)[0].ReceivedAt; at.Before(due.Add(-time.Second)) {
		t.Errorf("the reminder arrived at %s, before its time %s", at.Format(time.TimeOnly), due.Format(time.TimeOnly))
	}
}
