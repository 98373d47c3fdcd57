package mongo_test

import (
	"context"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/device"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/notification"
	"github.com/kincare/kincare/test/testenv"
)

func ids(batchEvents []event.Event) []string {
	out := make([]string, len(batchEvents))
	for i, e := range batchEvents {
		out[i] = e.ID
	}
	return out
}

// The outbox travels with the aggregate: recorded in the same write,
// kept across later writes, cleared only of what the relay handed on.
func TestOutboxKeepsEventsWithTheirAggregate(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	outbox := store.Outbox()

	f, err := family.New("fam-1", "王家", "", "u-owner", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Families().Create(ctx, f); err != nil {
		t.Fatal(err)
	}
	if got, _ := outbox.Pending(ctx, 10); len(got) != 0 {
		t.Fatalf("a family without events is pending: %v", got)
	}
	join := func(user, eventID string) {
		t.Helper()
		_, err := store.Families().Update(ctx, "fam-1", func(f *family.Family) error {
			if err := f.Join(user, family.RoleMember, now); err != nil {
				return err
			}
			return f.AnnounceJoined(eventID, user, "138****0000", now)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	join("u-a", "ev-1")
	join("u-b", "ev-2")

	batches, err := outbox.Pending(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(batches) != 1 || !slices.Equal(ids(batches[0].Events), []string{"ev-1", "ev-2"}) {
		t.Fatalf("pending = %+v", batches)
	}
	if got := batches[0].Events[0]; got.Data["family"] != "王家" || got.Data["memberId"] != "u-a" ||
		got.Subject != (event.Subject{Kind: "family", ID: "fam-1"}) || !got.At.Equal(now) {
		t.Fatalf("event came back as %+v", got)
	}

	// An event recorded after the relay read must survive the clearing.
	join("u-c", "ev-3")
	if err := outbox.Clear(ctx, batches[0]); err != nil {
		t.Fatal(err)
	}
	batches, err = outbox.Pending(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(batches) != 1 || !slices.Equal(ids(batches[0].Events), []string{"ev-3"}) {
		t.Fatalf("after clear: %+v", batches)
	}
	if err := outbox.Clear(ctx, batches[0]); err != nil {
		t.Fatal(err)
	}
	if err := outbox.Clear(ctx, batches[0]); err != nil {
		t.Fatalf("clearing twice: %v", err)
	}
	if got, _ := outbox.Pending(ctx, 10); len(got) != 0 {
		t.Fatalf("still pending: %+v", got)
	}
	got, err := store.Families().Get(ctx, "fam-1")
	if err != nil || len(got.Members()) != 4 || len(got.Pending()) != 0 {
		t.Fatalf("family after relay: %v members, %v pending, %v", len(got.Members()), got.Pending(), err)
	}
}

func TestDeviceAnnouncesOnlyANewOwner(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	put := func(user string, n int) {
		t.Helper()
		d, _ := device.New("tok-1", user, device.PlatformIOS, device.AppFamily, "en", "1.0", time.Now())
		e, _ := device.Registered(fmt.Sprintf("dev-ev-%d", n), d, d.UpdatedAt)
		if _, err := store.Devices().Put(ctx, d, e); err != nil {
			t.Fatal(err)
		}
	}
	put("alice", 1)
	put("alice", 2) // the same app starting again
	put("bob", 3)   // the phone handed on
	batches, err := store.Outbox().Pending(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(batches) != 1 || !slices.Equal(ids(batches[0].Events), []string{"dev-ev-1", "dev-ev-3"}) {
		t.Fatalf("pending = %+v", batches)
	}
}

func TestJournalAndInboxAreIdempotent(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	e1, _ := event.New("ev-1", "family.member_joined", event.Subject{Kind: "family", ID: "f"}, now, nil)
	e2, _ := event.Reminder("ev-2", "family.invite_expiring", event.Subject{Kind: "invite", ID: "i"}, now,
		now.Add(time.Hour), map[string]string{"family": "王家"})
	j := store.Journal()
	for range 2 {
		if err := j.Save(ctx, []event.Event{e1, e2}); err != nil {
			t.Fatal(err)
		}
	}
	if err := j.MarkDelivered(ctx, "ev-1", now); err != nil {
		t.Fatal(err)
	}
	left, err := j.Undelivered(ctx, "", 10)
	if err != nil || len(left) != 1 || left[0].ID != "ev-2" || !left[0].NotBefore.Equal(now.Add(time.Hour)) {
		t.Fatalf("undelivered = %+v, %v", left, err)
	}
	if n, err := j.PurgeDelivered(ctx, now.Add(time.Second)); err != nil || n != 1 {
		t.Fatalf("purged %d, %v", n, err)
	}

	inbox := store.Inbox()
	n := notification.Notification{ID: "n-1", UserID: "u-1", EventID: "ev-1", Type: "family.member_joined",
		Category: notification.CategoryFamily, Title: "t", Body: "b", Link: event.Subject{Kind: "family", ID: "f"},
		CreatedAt: now, Push: notification.Push{State: notification.PushPending, Due: now}}
	if _, created, err := inbox.Add(ctx, n); err != nil || !created {
		t.Fatalf("first add: %v %v", created, err)
	}
	again := n
	again.ID = "n-2"
	got, created, err := inbox.Add(ctx, again)
	if err != nil || created || got.ID != "n-1" {
		t.Fatalf("second add of one (event, user): %+v %v %v", got.ID, created, err)
	}
	for range 2 {
		if err := inbox.RecordAttempt(ctx, "n-1", []string{"d1"}, "UNAVAILABLE"); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := inbox.Get(ctx, "n-1"); !slices.Equal(got.Push.SentTo, []string{"d1"}) ||
		got.Push.Attempts != 2 || got.Push.LastError != "UNAVAILABLE" {
		t.Fatalf("push after two tries = %+v", got.Push)
	}
	unfinished, err := inbox.UnfinishedPushes(ctx, "", 10)
	if err != nil || len(unfinished) != 1 {
		t.Fatalf("unfinished = %v, %v", unfinished, err)
	}
	if err := inbox.FinishPush(ctx, "n-1", notification.PushSent, []string{"d1", "d2"}, ""); err != nil {
		t.Fatal(err)
	}
	if got, _ := inbox.Get(ctx, "n-1"); !slices.Equal(got.Push.SentTo, []string{"d1", "d2"}) ||
		got.Push.State != notification.PushSent {
		t.Fatalf("finished push = %+v", got.Push)
	}
	if unfinished, _ := inbox.UnfinishedPushes(ctx, "", 10); len(unfinished) != 0 {
		t.Fatalf("a sent push is unfinished: %v", unfinished)
	}
	list, more, err := inbox.List(ctx, "u-1", true, page.Request{Limit: 10})
	if err != nil || len(list) != 1 || more {
		t.Fatalf("list = %v %v %v", list, more, err)
	}
	if ok, _ := inbox.MarkRead(ctx, "u-2", "n-1", now); ok {
		t.Fatal("another user marked it read")
	}
	for range 2 {
		if ok, err := inbox.MarkRead(ctx, "u-1", "n-1", now); !ok || err != nil {
			t.Fatalf("mark read: %v %v", ok, err)
		}
	}
	if c, _ := inbox.CountUnread(ctx, "u-1"); c != 0 {
		t.Fatalf("unread = %d", c)
	}
}

// FerretDB rewrites a whole document on update: a user reading their
// inbox while a push is being recorded must lose neither.
func TestReadingTheInboxDoesNotUndoPushProgress(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	inbox := store.Inbox()
	now := time.Now().UTC().Truncate(time.Millisecond)
	const n = 60
	for i := range n {
		if _, _, err := inbox.Add(ctx, notification.Notification{ID: fmt.Sprintf("n-%02d", i), UserID: "u",
			EventID: fmt.Sprintf("e-%02d", i), CreatedAt: now,
			Push: notification.Push{State: notification.PushPending, Due: now}}); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	for i := range n {
		id := fmt.Sprintf("n-%02d", i)
		wg.Go(func() {
			if err := inbox.FinishPush(ctx, id, notification.PushSent, []string{"d1"}, ""); err != nil {
				t.Error(err)
			}
		})
		wg.Go(func() {
			if i%2 == 0 {
				_, err := inbox.MarkRead(ctx, "u", id, now)
				if err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Go(func() {
		if _, err := inbox.MarkAllRead(ctx, "u", now); err != nil {
			t.Error(err)
		}
	})
	wg.Wait()
	if _, err := inbox.MarkAllRead(ctx, "u", now); err != nil {
		t.Fatal(err)
	}
	for i := range n {
		got, err := inbox.Get(ctx, fmt.Sprintf("n-%02d", i))
		if err != nil {
			t.Fatal(err)
		}
		if got.Push.State != notification.PushSent || !slices.Equal(got.Push.SentTo, []string{"d1"}) || got.Unread() {
			t.Errorf("%s: push %s to %v, read %v; want sent to d1 and read", got.ID, got.Push.State, got.Push.SentTo, !got.Unread())
		}
	}
}

// A document whose hand-off failed (the job queue's Redis failing over)
// is offered again at the relay's next poll, not only at the next sweep
// of every outbox (half a minute apart on the embedded store); once
// cleared, it is not.
func TestAnOutboxNotClearedIsOfferedAgainAtTheNextPoll(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	now := time.Now().UTC().Truncate(time.Millisecond)
	outbox := store.Outbox()
	if _, err := outbox.Pending(ctx, 10); err != nil { // the first poll sweeps
		t.Fatal(err)
	}
	f, err := family.New("fam-retry", "王家", "", "u-owner", now)
	if err != nil {
		t.Fatal(err)
	}
	if err := store.Families().Create(ctx, f); err != nil {
		t.Fatal(err)
	}
	if _, err := store.Families().Update(ctx, "fam-retry", func(f *family.Family) error {
		if err := f.Join("u-a", family.RoleMember, now); err != nil {
			return err
		}
		return f.AnnounceJoined("ev-retry", "u-a", "138****0000", now)
	}); err != nil {
		t.Fatal(err)
	}
	for try := range 2 {
		batches, err := outbox.Pending(ctx, 10)
		if err != nil || len(batches) != 1 || !slices.Equal(ids(batches[0].Events), []string{"ev-retry"}) {
			t.Fatalf("poll %d: %+v, %v; want the family's event", try+1, batches, err)
		}
		if try == 1 {
			if err := outbox.Clear(ctx, batches[0]); err != nil {
				t.Fatal(err)
			}
		}
	}
	if batches, err := outbox.Pending(ctx, 10); err != nil || len(batches) != 0 {
		t.Fatalf("after clearing: %+v, %v; want nothing", batches, err)
	}
}
