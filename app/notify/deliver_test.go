package notify_test

import (
	"context"
	"errors"
	"slices"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/notification"
	"github.com/kincare/kincare/test/fakefcm"
)

func actorOf(userID string) actor.Actor {
	return actor.Actor{UserID: userID, Roles: identity.NewRoles(identity.RoleFamily)}
}

func TestEveryRecipientHearsOncePerDeviceInTheirLanguage(t *testing.T) {
	r := newRig(t, rigOptions{})
	r.startWorker()
	daughter := r.user(identity.LocaleEn, "tok-daughter-phone", "tok-daughter-tablet")
	son := r.user(identity.LocaleZhCN, "tok-son")

	r.record("host-1", r.event(visitStarted, daughter, son))
	r.relayAll()
	msgs := r.fcm.WaitMessages(t, 3, 20e9)

	byToken := map[string]fakefcm.Message{}
	for _, m := range msgs {
		byToken[m.Token] = m
	}
	en, zh := byToken["tok-daughter-phone"], byToken["tok-son"]
	if en.Notification.Title != "Visit started" || en.Notification.Body != "李阿姨 started the visit for 王奶奶." {
		t.Errorf("English push = %+v", en.Notification)
	}
	if zh.Notification.Title != "服务开始" || zh.Notification.Body != "李阿姨 已开始为王奶奶服务。" {
		t.Errorf("Chinese push = %+v", zh.Notification)
	}
	if _, ok := byToken["tok-daughter-tablet"]; !ok {
		t.Error("the daughter's second device got nothing")
	}
	for tok, m := range byToken {
		if m.Data["kind"] != "order" || m.Data["id"] != "ord-1" || m.Data["type"] != string(visitStarted) ||
			m.Data["notificationId"] == "" {
			t.Errorf("%s: deep link data = %v", tok, m.Data)
		}
		if m.Android.Priority != "normal" || m.Android.TTL != "3600s" || m.Android.CollapseKey == "" {
			t.Errorf("%s: android = %+v", tok, m.Android)
		}
		if m.APNS.Headers["apns-priority"] != "5" || m.APNS.Headers["apns-collapse-id"] != m.Android.CollapseKey {
			t.Errorf("%s: apns headers = %v", tok, m.APNS.Headers)
		}
	}

	d := r.pushFinished(daughter)
	if d.Push.State != notification.PushSent || len(d.Push.SentTo) != 2 || d.Title != "Visit started" {
		t.Errorf("daughter's entry = %+v", d)
	}
	if byToken["tok-daughter-phone"].Data["notificationId"] != d.ID {
		t.Error("the push does not name the inbox entry")
	}
	if got := r.inbox(son); len(got) != 1 || got[0].Title != "服务开始" || !got[0].Unread() {
		t.Errorf("son's inbox = %+v", got)
	}
}

func TestUrgentPushGoesAtHighPriority(t *testing.T) {
	r := newRig(t, rigOptions{})
	r.startWorker()
	son := r.user(identity.LocaleZhCN, "tok-son")
	r.record("host-1", r.event(visitSOS, son))
	r.relayAll()
	m := r.fcm.WaitMessages(t, 1, 20e9)[0]
	if m.Android.Priority != "high" || m.APNS.Headers["apns-priority"] != "10" || m.Notification.Title != "紧急求助" {
		t.Errorf("SOS push = %+v", m)
	}
	// Not collapsing (FCM keeps every SOS), but shown under its own key,
	// so a push repeated after a crash replaces itself on the phone.
	if key := m.APNS.Headers["apns-collapse-id"]; key == "" || m.Android.CollapseKey != "" || m.Android.Notification.Tag != key {
		t.Errorf("SOS keys: collapse %q, tag %q, apns-collapse-id %q", m.Android.CollapseKey,
			m.Android.Notification.Tag, key)
	}
}

func TestDeadTokenIsForgottenAndTheOtherDeviceStillHears(t *testing.T) {
	r := newRig(t, rigOptions{})
	r.startWorker()
	r.fcm.FailToken("tok-old-phone", fakefcm.Unregistered())
	u := r.user(identity.LocaleZhCN, "tok-old-phone", "tok-new-phone")

	r.record("host-1", r.event(visitStarted, u))
	r.relayAll()
	n := r.pushFinished(u)

	if n.Push.State != notification.PushSent {
		t.Errorf("push state = %s", n.Push.State)
	}
	devs, err := r.store.Devices().ListByUser(r.ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	if len(devs) != 1 || devs[0].Token != "tok-new-phone" {
		t.Errorf("devices after UNREGISTERED = %+v", devs)
	}
	if msgs := r.fcm.Messages(); len(msgs) != 1 || msgs[0].Token != "tok-new-phone" {
		t.Errorf("delivered = %+v", msgs)
	}
}

func TestTemporaryRefusalsAreRetriedUntilTheyPass(t *testing.T) {
	r := newRig(t, rigOptions{})
	r.startWorker()
	u := r.user(identity.LocaleZhCN, "tok-1")
	// 503 is retried by the FCM client itself; 500 and 429 by our queue.
	r.fcm.FailNext("tok-1", fakefcm.Unavailable(""))
	r.fcm.FailNext("tok-1", fakefcm.Internal())
	r.fcm.FailNext("tok-1", fakefcm.QuotaExceeded("1"))

	start := time.Now()
	r.record("host-1", r.event(visitStarted, u))
	r.relayAll()
	n := r.pushFinished(u)

	if took := time.Since(start); took < time.Second {
		t.Errorf("sent %s after a Retry-After of 1 s", took)
	}
	if n.Push.State != notification.PushSent || n.Push.Attempts != 2 {
		t.Errorf("push = %+v", n.Push)
	}
	if got := len(r.fcm.Messages()); got != 1 {
		t.Errorf("%d pushes arrived, want 1", got)
	}
	if got := r.fcm.Requests(); got != 4 {
		t.Errorf("FCM saw %d requests, want 4 (503, retry → 500, 429, success)", got)
	}
}

func TestAPushRefusedToTheLastTryIsRecordedFailedAndStaysInTheInbox(t *testing.T) {
	r := newRig(t, rigOptions{maxRetry: 2})
	r.startWorker()
	u := r.user(identity.LocaleZhCN, "tok-1")
	r.fcm.FailToken("tok-1", fakefcm.Internal())

	r.record("host-1", r.event(visitStarted, u))
	r.relayAll()
	n := r.pushFinished(u)

	if n.Push.State != notification.PushFailed || n.Push.LastError == "" || n.Push.Attempts != 2 {
		t.Errorf("push = %+v", n.Push)
	}
	if got := r.fcm.Requests(); got != 3 {
		t.Errorf("FCM saw %d requests, want 3 (first try and 2 retries)", got)
	}
	if len(r.inbox(u)) != 1 {
		t.Error("the inbox entry went with the push")
	}
}

func TestUnknownEventTypeIsRefusedAtStart(t *testing.T) {
	_, err := notify.NewService(notify.Deps{Kinds: testKinds()})
	if err == nil {
		t.Fatal("a service with words but no audience started")
	}
	var r *notify.RetryableError
	if errors.As(err, &r) {
		t.Fatal("wrong error kind")
	}
}

func TestInboxPagesNewestFirstAndIsPrivate(t *testing.T) {
	r := newRig(t, rigOptions{})
	u := r.user(identity.LocaleZhCN)
	other := r.user(identity.LocaleZhCN)
	var want []string
	for range 5 {
		e := r.event(visitStarted, u)
		if err := r.svc.Deliver(r.ctx, e); err != nil {
			t.Fatal(err)
		}
		want = append([]string{e.ID}, want...)
	}
	var got []string
	cursor := ""
	for {
		p, err := r.svc.List(r.ctx, actorOf(u), false, cursor, 2)
		if err != nil {
			t.Fatal(err)
		}
		if p.UnreadCount != 5 {
			t.Fatalf("unread = %d", p.UnreadCount)
		}
		for _, n := range p.Items {
			got = append(got, n.EventID)
		}
		if cursor = p.NextCursor; cursor == "" {
			break
		}
	}
	if !slices.Equal(got, want) {
		t.Fatalf("pages = %v, want %v", got, want)
	}
	first := r.inbox(u)[0]
	if err := r.svc.MarkRead(r.ctx, actorOf(other), first.ID); !errors.Is(err, notification.ErrNotFound) {
		t.Fatalf("another user marking it read: %v", err)
	}
	if err := r.svc.MarkRead(r.ctx, actorOf(u), first.ID); err != nil {
		t.Fatal(err)
	}
	if p, _ := r.svc.List(r.ctx, actorOf(u), true, "", 10); len(p.Items) != 4 || p.UnreadCount != 4 {
		t.Fatalf("unread page = %d items, count %d", len(p.Items), p.UnreadCount)
	}
	if n, err := r.svc.MarkAllRead(r.ctx, actorOf(u)); err != nil || n != 4 {
		t.Fatalf("mark all = %d, %v", n, err)
	}
	if p, _ := r.svc.List(r.ctx, actorOf(other), false, "", 10); len(p.Items) != 0 {
		t.Fatalf("another user sees %d entries", len(p.Items))
	}
}

// A device reached on the first try keeps the push "sent" even when
// another device of the user refuses to the last try.
func TestAPartialDeliveryIsSentWithTheErrorKept(t *testing.T) {
	r := newRig(t, rigOptions{maxRetry: 1})
	r.startWorker()
	u := r.user(identity.LocaleZhCN, "tok-good", "tok-flaky")
	r.fcm.FailToken("tok-flaky", fakefcm.Internal())

	r.record("host-1", r.event(visitStarted, u))
	r.relayAll()
	n := r.pushFinished(u)

	if n.Push.State != notification.PushSent || n.Push.Reached != 1 || n.Push.LastError == "" {
		t.Errorf("push = %+v, want sent, 1 reached, the error kept", n.Push)
	}
	if msgs := r.fcm.Messages(); len(msgs) != 1 || msgs[0].Token != "tok-good" {
		t.Errorf("delivered = %+v, want the good device once", msgs)
	}
	if got := r.fcm.Requests(); got != 3 {
		t.Errorf("FCM saw %d requests, want 3 (both, then the flaky one again)", got)
	}
}

// A push whose record fails after it reached the phone (the store's
// connection pool starved for a while, as in a burst after a Redis
// failover) is recorded when the write is tried again: the phone gets it
// once, not once more per failed write.
func TestAPushRecordedLateIsNotSentAgain(t *testing.T) {
	slow := &slowRecords{}
	slow.failures.Store(2)
	r := newRig(t, rigOptions{inbox: func(in notify.Inbox) notify.Inbox { slow.Inbox = in; return slow }})
	r.startWorker()
	u := r.user(identity.LocaleZhCN, "tok-1")

	r.record("host-1", r.event(visitStarted, u))
	r.relayAll()
	n := r.pushFinished(u)

	if n.Push.State != notification.PushSent {
		t.Errorf("push = %+v, want sent", n.Push)
	}
	if left := slow.failures.Load(); left > 0 {
		t.Errorf("%d of the failing writes never came", left)
	}
	if msgs := r.fcm.Messages(); len(msgs) != 1 {
		t.Errorf("the phone got %d pushes, want 1", len(msgs))
	}
}

// slowRecords is an inbox whose first writes of a finished push fail, as
// a starved connection pool's do.
type slowRecords struct {
	notify.Inbox
	failures atomic.Int64
}

func (s *slowRecords) FinishPush(ctx context.Context, id string, state notification.PushState, reached []string,
	lastError string) error {
	if s.failures.Add(-1) >= 0 {
		return errors.New("mongo: update push of notification: timed out while checking out a connection from connection pool")
	}
	return s.Inbox.FinishPush(ctx, id, state, reached, lastError)
}
