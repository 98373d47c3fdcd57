package notify_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/adapters/jobs"
	"github.com/kincare/kincare/adapters/mongo"
	"github.com/kincare/kincare/adapters/push"
	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/device"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/notification"
	"github.com/kincare/kincare/test/fakefcm"
	"github.com/kincare/kincare/test/testenv"
)

// Two event types of a pretend capability: the recipients are named in
// the event's "to" data, so each test says who should hear.
const (
	visitStarted event.Type = "test.visit_started" // routine
	visitSOS     event.Type = "test.sos"           // urgent
)

func testKinds() map[event.Type]notify.Kind {
	return map[event.Type]notify.Kind{
		visitStarted: {Category: notification.CategoryOrders, Collapse: true, TTL: time.Hour,
			Text: map[identity.Locale]notify.Text{
				identity.LocaleZhCN: {Title: "服务开始", Body: "{caregiver} 已开始为{elder}服务。"},
				identity.LocaleEn:   {Title: "Visit started", Body: "{caregiver} started the visit for {elder}."},
			}},
		visitSOS: {Category: notification.CategoryCareAlerts, Urgent: true, TTL: time.Hour,
			Text: map[identity.Locale]notify.Text{
				identity.LocaleZhCN: {Title: "紧急求助", Body: "{elder} 发出了求助。"},
				identity.LocaleEn:   {Title: "SOS", Body: "{elder} asked for help."},
			}},
	}
}

func toNamed(_ context.Context, e event.Event) ([]notify.Recipient, error) {
	var out []notify.Recipient
	for _, id := range strings.Split(e.Data["to"], ",") {
		out = append(out, notify.Recipient{UserID: id})
	}
	return out, nil
}

// rig is the notification path on real stores: MongoDB (FerretDB or
// MONGODB_URI), Redis (miniredis or REDIS_URL), asynq, and the real FCM
// client talking to a fake FCM server.
type rig struct {
	t       *testing.T
	ctx     context.Context
	store   *mongo.Store
	rdb     goredis.UniversalClient
	fcm     *fakefcm.Server
	queue   *jobs.Client
	qname   string
	svc     *notify.Service
	relay   *notify.Relay
	workers []*jobs.Worker
	now     func() time.Time
	ids     atomic.Int64
}

type rigOptions struct {
	maxRetry int
	now      func() time.Time
	rdb      goredis.UniversalClient // nil: testenv.Redis
	// inbox wraps the store's inbox, for tests of a store that fails.
	inbox func(notify.Inbox) notify.Inbox
}

var queues atomic.Int64

func newRig(t *testing.T, o rigOptions) *rig {
	t.Helper()
	ctx := context.Background()
	r := &rig{t: t, ctx: ctx, store: testenv.Mongo(t), fcm: fakefcm.Start(t), now: o.now}
	if r.now == nil {
		r.now = time.Now
	}
	if r.rdb = o.rdb; r.rdb == nil {
		r.rdb, _ = testenv.Redis(t)
	}
	r.qname = fmt.Sprintf("notify_test_%d_%d", time.Now().UnixNano(), queues.Add(1))
	if o.maxRetry == 0 {
		o.maxRetry = 3
	}
	r.queue = jobs.NewClient(r.rdb, r.qname, o.maxRetry)
	pusher, err := push.NewFCM(ctx, push.FCMConfig{ProjectID: "kincare-test", Endpoint: r.fcm.URL()})
	if err != nil {
		t.Fatal(err)
	}
	var inbox notify.Inbox = r.store.Inbox()
	if o.inbox != nil {
		inbox = o.inbox(inbox)
	}
	r.svc, err = notify.NewService(notify.Deps{
		Inbox: inbox, Preferences: r.store.NotificationPreferences(), Devices: r.store.Devices(),
		Users: r.store.Users(), Journal: r.store.Journal(), Queue: r.queue, Pusher: pusher, Kinds: testKinds(),
		Audiences: map[event.Type]notify.Audience{
			visitStarted: notify.AudienceFunc(toNamed), visitSOS: notify.AudienceFunc(toNamed)},
		Now: r.now, NewID: r.newID, Log: slog.New(slog.NewTextHandler(io.Discard, nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	r.relay = notify.NewRelay(r.store.Outbox(), r.store.Journal(), r.queue)
	return r
}

// newID is time-ordered like production's UUIDv7 ids.
func (r *rig) newID() string {
	return fmt.Sprintf("%016x-%06d", time.Now().UnixNano(), r.ids.Add(1))
}

// startWorker runs one more asynq worker on the rig's queue.
func (r *rig) startWorker() {
	r.t.Helper()
	w := jobs.NewWorker(r.rdb, r.svc, jobs.WorkerConfig{Queue: r.qname, Concurrency: 4,
		PollInterval: 20 * time.Millisecond, RetryBase: 50 * time.Millisecond, RetryMax: time.Second},
		jobs.NewMetrics(prometheus.NewRegistry(), r.rdb, r.qname), slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := w.Start(); err != nil {
		r.t.Fatal(err)
	}
	r.t.Cleanup(w.Shutdown)
	r.workers = append(r.workers, w)
}

// user creates an account in locale with one device per token.
func (r *rig) user(locale identity.Locale, tokens ...string) string {
	r.t.Helper()
	id := r.newID()
	u, err := identity.NewUser(id, identity.Phone(fmt.Sprintf("+86139%08d", r.ids.Add(1))), time.Now())
	if err != nil {
		r.t.Fatal(err)
	}
	u.SetLocale(locale)
	if _, _, err := r.store.Users().FirstOrCreate(r.ctx, u); err != nil {
		r.t.Fatal(err)
	}
	for _, tok := range tokens {
		r.device(id, tok)
	}
	return id
}

// device registers tok for userID and hands its own registration event
// straight to the relay's clear, so tests see only their own events.
func (r *rig) device(userID, tok string) {
	r.t.Helper()
	d, err := device.New(tok, userID, device.PlatformAndroid, device.AppFamily, "", "1.0", time.Now())
	if err != nil {
		r.t.Fatal(err)
	}
	e, _ := device.Registered(r.newID(), d, d.UpdatedAt)
	if _, err := r.store.Devices().Put(r.ctx, d, e); err != nil {
		r.t.Fatal(err)
	}
	r.drainOutbox()
}

func (r *rig) drainOutbox() {
	r.t.Helper()
	batches, err := r.store.Outbox().Pending(r.ctx, 1000)
	if err != nil {
		r.t.Fatal(err)
	}
	for _, b := range batches {
		if err := r.store.Outbox().Clear(r.ctx, b); err != nil {
			r.t.Fatal(err)
		}
	}
}

// record writes ev into an aggregate's outbox the way a use case does:
// in the write of a (here: device) document. The host document changes
// hands each time, as only that makes a device record an event.
func (r *rig) record(host string, ev event.Event) {
	r.t.Helper()
	d, err := device.New(host, "host-owner-"+ev.ID, device.PlatformWeb, device.AppFamily, "", "1.0", time.Now())
	if err != nil {
		r.t.Fatal(err)
	}
	if _, err := r.store.Devices().Put(r.ctx, d, ev); err != nil {
		r.t.Fatal(err)
	}
}

func (r *rig) event(t event.Type, to ...string) event.Event {
	r.t.Helper()
	e, err := event.New(r.newID(), t, event.Subject{Kind: "order", ID: "ord-1"}, r.now(),
		map[string]string{"to": strings.Join(to, ","), "caregiver": "李阿姨", "elder": "王奶奶"})
	if err != nil {
		r.t.Fatal(err)
	}
	return e
}

// relayAll runs the relay until the outboxes are empty.
func (r *rig) relayAll() {
	r.t.Helper()
	for {
		n, err := r.relay.RunOnce(r.ctx)
		if err != nil {
			r.t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
}

// waitFor polls cond until it holds or a deadline passes.
func (r *rig) waitFor(what string, cond func() bool) {
	r.t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			r.t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func (r *rig) inbox(userID string) []notification.Notification {
	r.t.Helper()
	p, err := r.svc.List(r.ctx, actorOf(userID), false, "", 100)
	if err != nil {
		r.t.Fatal(err)
	}
	return p.Items
}

// pushFinished waits until the user's entry for e has a final push state.
func (r *rig) pushFinished(userID string) notification.Notification {
	r.t.Helper()
	var n notification.Notification
	r.waitFor("push of "+userID+" to finish", func() bool {
		items := r.inbox(userID)
		if len(items) == 0 {
			return false
		}
		n = items[0]
		return n.Push.State.Done()
	})
	return n
}
