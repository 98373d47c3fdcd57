package push_test

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/kincare/kincare/adapters/push"
	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/device"
	"github.com/kincare/kincare/test/fakefcm"
)

// newFCM gives the real Firebase client talking to a fake FCM.
func newFCM(t *testing.T) (*push.FCM, *fakefcm.Server) {
	t.Helper()
	fake := fakefcm.Start(t)
	fcm, err := push.NewFCM(t.Context(), push.FCMConfig{ProjectID: "kincare-test", Endpoint: fake.URL()})
	if err != nil {
		t.Fatal(err)
	}
	return fcm, fake
}

func visitStarted() notify.Push {
	return notify.Push{
		Token:       "tok-daughter-phone",
		Platform:    device.PlatformIOS,
		Title:       "护理员已到达",
		Body:        "Caregiver Wang arrived for Mother's bathing visit",
		Data:        map[string]string{"type": "visit.started", "kind": "order", "id": "o-42", "notification_id": "n-1"},
		CollapseKey: "order:o-42",
		Urgent:      true,
		TTL:         5 * time.Minute,
	}
}

func TestUrgentPushReachesEveryPlatformAtHighPriority(t *testing.T) {
	fcm, fake := newFCM(t)
	p := visitStarted()
	before := time.Now()
	if err := fcm.Send(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	after := time.Now()
	m := fake.WaitMessages(t, 1, time.Second)[0]

	if m.Project != "kincare-test" || m.Token != p.Token {
		t.Errorf("sent to %s/%s", m.Project, m.Token)
	}
	if m.Notification.Title != p.Title || m.Notification.Body != p.Body {
		t.Errorf("notification = %+v", m.Notification)
	}
	for k, v := range p.Data {
		if m.Data[k] != v {
			t.Errorf("data[%s] = %q, want %q", k, m.Data[k], v)
		}
	}
	want := fakefcm.Android{Priority: "high", TTL: "300s", CollapseKey: "order:o-42",
		Notification: fakefcm.AndroidNotification{ChannelID: "urgent", Tag: "order:o-42"}}
	if m.Android != want {
		t.Errorf("android = %+v, want %+v", m.Android, want)
	}
	h := m.APNS.Headers
	if h["apns-priority"] != "10" || h["apns-push-type"] != "alert" || h["apns-collapse-id"] != "order:o-42" {
		t.Errorf("apns headers = %v", h)
	}
	exp, err := strconv.ParseInt(h["apns-expiration"], 10, 64)
	if err != nil || exp < before.Add(5*time.Minute).Unix() || exp > after.Add(5*time.Minute).Unix() {
		t.Errorf("apns-expiration = %q, want now+300s", h["apns-expiration"])
	}
	if aps := m.APNS.Aps(); aps["sound"] != "default" || aps["thread-id"] != "order:o-42" {
		t.Errorf("aps = %v", aps)
	}
	if w := m.Webpush.Headers; w["Urgency"] != "high" || w["TTL"] != "300" {
		t.Errorf("webpush headers = %v", w)
	}
}

func TestRoutinePushIsQuietAndKeepsServiceDefaults(t *testing.T) {
	fcm, fake := newFCM(t)
	p := notify.Push{Token: "tok-1", Platform: device.PlatformAndroid, Title: "Invoice ready", Body: "…",
		Data: map[string]string{"type": "invoice.issued"}}
	if err := fcm.Send(t.Context(), p); err != nil {
		t.Fatal(err)
	}
	m := fake.WaitMessages(t, 1, time.Second)[0]
	want := fakefcm.Android{Priority: "normal", Notification: fakefcm.AndroidNotification{ChannelID: "default"}}
	if m.Android != want {
		t.Errorf("android = %+v, want %+v", m.Android, want)
	}
	h := m.APNS.Headers
	if h["apns-priority"] != "5" || h["apns-expiration"] != "" || h["apns-collapse-id"] != "" {
		t.Errorf("apns headers = %v", h)
	}
	if aps := m.APNS.Aps(); aps["sound"] != nil || aps["thread-id"] != nil {
		t.Errorf("aps = %v, want silent and unthreaded", aps)
	}
	if w := m.Webpush.Headers; w["Urgency"] != "normal" || w["TTL"] != "" {
		t.Errorf("webpush headers = %v", w)
	}
}

func TestSDKRetriesUnavailableItself(t *testing.T) {
	fcm, fake := newFCM(t)
	p := visitStarted()
	fake.FailNext(p.Token, fakefcm.Unavailable(""))
	if err := fcm.Send(t.Context(), p); err != nil {
		t.Fatalf("send after one 503: %v", err)
	}
	if fake.Requests() != 2 || len(fake.Messages()) != 1 {
		t.Fatalf("requests = %d, messages = %d; want 2 and 1", fake.Requests(), len(fake.Messages()))
	}
}

func TestCancelledSendSaysSo(t *testing.T) {
	fcm, _ := newFCM(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	err := fcm.Send(ctx, visitStarted())
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
}
