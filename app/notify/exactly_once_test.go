package notify_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/test/testenv"
)

// dropQueue loses every task of the rig's queue, as a Redis restart
// without persistence (or a FLUSHALL) would; other tests' keys stay.
func (r *rig) dropQueue() {
	r.t.Helper()
	testenv.DeleteKeys(r.t, r.rdb, "asynq:{"+r.qname+"}*")
}

// Invariant 5: a relay that died between handing events on and clearing
// them, two relays running at once, and a reconciliation racing them
// still give exactly one inbox entry per (event, user) and exactly one
// push per (event, device).
func TestNoLostAndNoDuplicateNotifications(t *testing.T) {
	r := newRig(t, rigOptions{})
	mother := r.user(identity.LocaleZhCN, "tok-mother")
	son := r.user(identity.LocaleEn, "tok-son-phone", "tok-son-tablet")
	const hosts, perHost = 10, 3
	var events []event.Event
	for h := range hosts {
		for range perHost {
			e := r.event(visitStarted, mother, son)
			r.record(fmt.Sprintf("host-%d", h), e)
			events = append(events, e)
		}
	}

	// A relay that crashed after handing on and before clearing.
	batches, err := r.store.Outbox().Pending(r.ctx, 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, b := range batches {
		if err := r.store.Journal().Save(r.ctx, b.Events); err != nil {
			t.Fatal(err)
		}
		for _, e := range b.Events {
			if _, err := r.queue.EnqueueEvent(r.ctx, e); err != nil {
				t.Fatal(err)
			}
		}
	}

	// Two relays and a reconciliation at once, with two workers.
	r.startWorker()
	r.startWorker()
	var wg sync.WaitGroup
	for range 2 {
		wg.Go(func() {
			for {
				n, err := r.relay.RunOnce(r.ctx)
				if err != nil {
					t.Error(err)
					return
				}
				if n == 0 {
					return
				}
			}
		})
	}
	wg.Go(func() {
		if _, _, err := r.svc.Reconcile(r.ctx); err != nil {
			t.Error(err)
		}
	})
	wg.Wait()

	wantPushes := len(events) * 3
	r.fcm.WaitMessages(t, wantPushes, 60*time.Second)
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
	assertExactlyOnce(t, r, events, mother, son, wantPushes)

	// Redis loses the queue after delivery, and a stale copy of one event
	// is handed on again (a relay that never cleared it): nothing more.
	r.dropQueue()
	r.record("host-late", events[0])
	r.relayAll()
	if _, _, err := r.svc.Reconcile(r.ctx); err != nil {
		t.Fatal(err)
	}
	time.Sleep(500 * time.Millisecond) // room for a wrong second push to arrive
	assertExactlyOnce(t, r, events, mother, son, wantPushes)
}

func assertExactlyOnce(t *testing.T, r *rig, events []event.Event, mother, son string, wantPushes int) {
	t.Helper()
	eventOf := map[string]string{} // notification → event
	for _, u := range []string{mother, son} {
		seen := map[string]int{}
		for _, n := range r.inbox(u) {
			seen[n.EventID]++
			eventOf[n.ID] = n.EventID
		}
		if len(seen) != len(events) {
			t.Errorf("user %s has entries for %d events, want %d", u, len(seen), len(events))
		}
		for id, c := range seen {
			if c != 1 {
				t.Errorf("user %s has %d entries for event %s", u, c, id)
			}
		}
	}
	pushes := map[string][]string{} // token/notification → when each arrived
	for _, m := range r.fcm.Messages() {
		k := m.Token + "/" + m.Data["notificationId"]
		pushes[k] = append(pushes[k], m.ReceivedAt.Format("15:04:05.000"))
	}
	for k, at := range pushes {
		if len(at) != 1 {
			_, id, _ := strings.Cut(k, "/")
			t.Errorf("push %s (event %s) arrived %d times, at %s", k, eventOf[id], len(at), strings.Join(at, ", "))
		}
	}
	if got := len(r.fcm.Messages()); got != wantPushes {
		t.Errorf("%d pushes arrived, want %d", got, wantPushes)
	}
	if left, _ := r.store.Outbox().Pending(r.ctx, 10); len(left) != 0 {
		t.Errorf("events left in outboxes: %+v", left)
	}
	if left, _ := r.store.Journal().Undelivered(r.ctx, "", 10); len(left) != 0 {
		t.Errorf("journalled events never delivered: %d", len(left))
	}
}
