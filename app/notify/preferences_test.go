package notify_test

import (
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/notification"
)

var shanghai = mustZone("Asia/Shanghai")

func mustZone(name string) *time.Location {
	loc, err := time.LoadLocation(name)
	if err != nil {
		panic(err)
	}
	return loc
}

// nextAt is the first hh:mm in loc after the real now. asynq schedules
// by the wall clock, so a test whose service clock is fixed must fix it
// ahead of the real one, or what it defers "until tomorrow" is already due.
func nextAt(hh, mm int, loc *time.Location) time.Time {
	real := time.Now().In(loc)
	at := time.Date(real.Year(), real.Month(), real.Day(), hh, mm, 0, 0, loc)
	if !at.After(real) {
		at = at.AddDate(0, 0, 1)
	}
	return at
}

// At 23:30 in Shanghai, with quiet hours 22:00–07:00 there, a routine
// push waits for 07:00 the next morning (23:00 UTC), survives the queue
// being lost, and an urgent one goes at once.
func TestQuietHoursDeferRoutinePushesToTheirEnd(t *testing.T) {
	now := nextAt(23, 30, shanghai)
	r := newRig(t, rigOptions{now: func() time.Time { return now }})
	u := r.user(identity.LocaleZhCN, "tok-1")
	_, err := r.svc.PutPreferences(r.ctx, actorOf(u), notify.PreferencesCommand{
		Quiet: &notify.QuietHoursCommand{Start: "22:00", End: "07:00", TimeZone: "Asia/Shanghai"}})
	if err != nil {
		t.Fatal(err)
	}
	if err := r.svc.Deliver(r.ctx, r.event(visitStarted, u)); err != nil {
		t.Fatal(err)
	}
	if err := r.svc.Deliver(r.ctx, r.event(visitSOS, u)); err != nil {
		t.Fatal(err)
	}
	items := r.inbox(u)
	if len(items) != 2 {
		t.Fatalf("inbox has %d entries, want both at once", len(items))
	}
	sos, routine := items[0], items[1]
	wantDue := time.Date(now.Year(), now.Month(), now.Day()+1, 7, 0, 0, 0, shanghai)
	if routine.Push.State != notification.PushDeferred || !routine.Push.Due.Equal(wantDue) {
		t.Fatalf("routine push = %s due %s, want deferred to %s", routine.Push.State, routine.Push.Due, wantDue.UTC())
	}
	if sos.Push.State != notification.PushPending || !sos.Push.Due.Equal(now) {
		t.Fatalf("urgent push = %s due %s, want now", sos.Push.State, sos.Push.Due)
	}

	inspector := asynq.NewInspectorFromRedisClient(r.rdb)
	scheduledAt := func() time.Time {
		t.Helper()
		info, err := inspector.GetTaskInfo(r.qname, "push:"+routine.ID)
		if err != nil {
			t.Fatalf("the deferred push is not queued: %v", err)
		}
		if info.State != asynq.TaskStateScheduled {
			t.Fatalf("the deferred push is %s", info.State)
		}
		return info.NextProcessAt
	}
	if got := scheduledAt(); !got.Equal(wantDue) {
		t.Fatalf("queued for %s, want %s", got.UTC(), wantDue.UTC())
	}

	r.dropQueue()
	if _, pushes, err := r.svc.Reconcile(r.ctx); err != nil || pushes != 2 {
		t.Fatalf("reconcile queued %d pushes, %v", pushes, err)
	}
	if got := scheduledAt(); !got.Equal(wantDue) {
		t.Fatalf("after losing the queue, queued for %s, want %s", got.UTC(), wantDue.UTC())
	}
}

func TestSwitchedOffCategoryStillReachesTheInbox(t *testing.T) {
	r := newRig(t, rigOptions{})
	r.startWorker()
	u := r.user(identity.LocaleZhCN, "tok-1")
	if _, err := r.svc.PutPreferences(r.ctx, actorOf(u), notify.PreferencesCommand{
		Categories: map[string]bool{"orders": false}}); err != nil {
		t.Fatal(err)
	}
	r.record("host-1", r.event(visitStarted, u)) // orders: off
	r.record("host-2", r.event(visitSOS, u))     // urgent: goes anyway
	r.relayAll()
	r.fcm.WaitMessages(t, 1, 20*time.Second)
	r.waitFor("both entries", func() bool { return len(r.inbox(u)) == 2 })
	items := r.inbox(u)
	for _, n := range items {
		want := notification.PushSkipped
		if n.Urgent {
			want = notification.PushSent
		}
		r.waitFor("push state "+string(want), func() bool {
			got, _ := r.store.Inbox().Get(r.ctx, n.ID)
			return got.Push.State == want
		})
	}
	if msgs := r.fcm.Messages(); len(msgs) != 1 || msgs[0].Data["type"] != string(visitSOS) {
		t.Fatalf("pushes = %+v", msgs)
	}
}

func TestPreferencesAreValidated(t *testing.T) {
	r := newRig(t, rigOptions{})
	u := r.user(identity.LocaleZhCN)
	bad := []notify.PreferencesCommand{
		{Categories: map[string]bool{"lottery": true}},
		{Quiet: &notify.QuietHoursCommand{Start: "22:00", End: "22:00"}},
		{Quiet: &notify.QuietHoursCommand{Start: "24:00", End: "07:00"}},
		{Quiet: &notify.QuietHoursCommand{Start: "22:00", End: "07:00", TimeZone: "Mars/Olympus"}},
	}
	for _, cmd := range bad {
		if _, err := r.svc.PutPreferences(r.ctx, actorOf(u), cmd); err == nil {
			t.Errorf("%+v was accepted", cmd)
		}
	}
	p, err := r.svc.GetPreferences(r.ctx, actorOf(u))
	if err != nil || p.Enabled(notification.CategoryMarketing) || !p.Enabled(notification.CategoryOrders) {
		t.Fatalf("defaults = %+v, %v", p, err)
	}
}
