package notify_test

import (
	"testing"
	"time"

	"github.com/hibiken/asynq"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/identity"
)

// A reminder recorded now for later waits in the queue until it is due,
// and when Redis loses the queue, the journal in MongoDB brings it back
// for the same instant.
func TestRemindersWaitForTheirTimeAndSurviveLosingTheQueue(t *testing.T) {
	r := newRig(t, rigOptions{})
	u := r.user(identity.LocaleZhCN, "tok-1")
	now := time.Now().UTC().Truncate(time.Millisecond)
	due := now.Add(time.Hour)
	e, err := event.Reminder(r.newID(), visitStarted, event.Subject{Kind: "order", ID: "ord-1"}, now, due,
		map[string]string{"to": u, "caregiver": "李阿姨", "elder": "王奶奶"})
	if err != nil {
		t.Fatal(err)
	}
	r.record("host-1", e)
	r.relayAll()

	inspector := asynq.NewInspectorFromRedisClient(r.rdb)
	queuedFor := func() time.Time {
		t.Helper()
		info, err := inspector.GetTaskInfo(r.qname, "event:"+e.ID)
		if err != nil {
			t.Fatalf("the reminder is not queued: %v", err)
		}
		if info.State != asynq.TaskStateScheduled {
			t.Fatalf("the reminder is %s, want scheduled", info.State)
		}
		return info.NextProcessAt
	}
	if got := queuedFor(); !got.Equal(due.Truncate(time.Second)) {
		t.Fatalf("reminder queued for %s, want %s", got.UTC(), due)
	}
	if len(r.inbox(u)) != 0 {
		t.Fatal("a reminder was delivered before its time")
	}

	r.dropQueue()
	if events, _, err := r.svc.Reconcile(r.ctx); err != nil || events != 1 {
		t.Fatalf("reconcile queued %d events, %v", events, err)
	}
	if got := queuedFor(); !got.Equal(due.Truncate(time.Second)) {
		t.Fatalf("after losing the queue, reminder queued for %s, want %s", got.UTC(), due)
	}
}
