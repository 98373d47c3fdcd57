package fakefcm_test

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kincare/kincare/test/fakefcm"
)

func post(t *testing.T, url, body string) (int, http.Header, string) {
	t.Helper()
	resp, err := http.Post(url, "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

func sendURL(s *fakefcm.Server) string { return s.URL() + "/projects/kincare-test/messages:send" }

func TestRecordsWhatFCMWouldReceive(t *testing.T) {
	s := fakefcm.Start(t)
	status, _, body := post(t, sendURL(s), `{"message":{"token":"tok-1",
		"notification":{"title":"Visit started","body":"Li Hua arrived"},
		"data":{"kind":"order","id":"o1"},
		"android":{"priority":"high","ttl":"300s","collapse_key":"order:o1","notification":{"channel_id":"urgent"}},
		"apns":{"headers":{"apns-priority":"10"},"payload":{"aps":{"sound":"default"}}},
		"webpush":{"headers":{"Urgency":"high"}}}}`)
	if status != http.StatusOK || body != `{"name":"projects/kincare-test/messages/0:1%fakefcm"}` {
		t.Fatalf("got %d %s", status, body)
	}
	msgs := s.Messages()
	if len(msgs) != 1 {
		t.Fatalf("got %d messages", len(msgs))
	}
	m := msgs[0]
	if m.Project != "kincare-test" || m.Token != "tok-1" || m.Notification.Title != "Visit started" ||
		m.Data["kind"] != "order" || m.Android.TTL != "300s" || m.Android.CollapseKey != "order:o1" ||
		m.Android.Notification.ChannelID != "urgent" || m.APNS.Headers["apns-priority"] != "10" ||
		m.APNS.Aps()["sound"] != "default" || m.Webpush.Headers["Urgency"] != "high" || m.ReceivedAt.IsZero() {
		t.Fatalf("recorded %+v", m)
	}
}

func TestFailuresHaveFCMsWireShape(t *testing.T) {
	s := fakefcm.Start(t)
	s.FailNext("tok-1", fakefcm.Unregistered())
	status, _, body := post(t, sendURL(s), `{"message":{"token":"tok-1"}}`)
	want := `{"error":{"code":404,"message":"Requested entity was not found.","status":"NOT_FOUND","details":[{"@type":"type.googleapis.com/google.firebase.fcm.v1.FcmError","errorCode":"UNREGISTERED"}]}}`
	if status != http.StatusNotFound || body != want {
		t.Fatalf("got %d %s", status, body)
	}
	s.FailNext("tok-1", fakefcm.QuotaExceeded("7"))
	status, header, body := post(t, sendURL(s), `{"message":{"token":"tok-1"}}`)
	var got struct {
		Error struct {
			Code    int
			Status  string
			Details []map[string]string
		}
	}
	if err := json.Unmarshal([]byte(body), &got); err != nil {
		t.Fatal(err)
	}
	if status != 429 || header.Get("Retry-After") != "7" || got.Error.Code != 429 ||
		got.Error.Status != "RESOURCE_EXHAUSTED" || got.Error.Details[0]["errorCode"] != "QUOTA_EXCEEDED" {
		t.Fatalf("got %d %v %s", status, header, body)
	}
	if status, _, _ := post(t, sendURL(s), `{"message":{"token":"tok-1"}}`); status != http.StatusOK {
		t.Fatalf("FailNext failures should be used up, got %d", status)
	}
	if n := s.Requests(); n != 3 {
		t.Fatalf("requests = %d, want 3", n)
	}
	if n := len(s.Messages()); n != 1 {
		t.Fatalf("messages = %d, want only the successful one", n)
	}
}

func TestFailTokenFailsEveryTimeAndOnlyThatToken(t *testing.T) {
	s := fakefcm.Start(t)
	s.FailToken("dead", fakefcm.SenderIDMismatch())
	for range 3 {
		if status, _, _ := post(t, sendURL(s), `{"message":{"token":"dead"}}`); status != http.StatusForbidden {
			t.Fatalf("got %d, want 403", status)
		}
	}
	if status, _, _ := post(t, sendURL(s), `{"message":{"token":"alive"}}`); status != http.StatusOK {
		t.Fatalf("got %d for another token", status)
	}
}

func TestFailNextWithoutTokenMatchesAnySend(t *testing.T) {
	s := fakefcm.Start(t)
	s.FailNext("", fakefcm.Internal())
	if status, _, _ := post(t, sendURL(s), `{"message":{"token":"whoever"}}`); status != http.StatusInternalServerError {
		t.Fatalf("got %d, want 500", status)
	}
	if status, _, _ := post(t, sendURL(s), `{"message":{"token":"whoever"}}`); status != http.StatusOK {
		t.Fatalf("got %d, want 200", status)
	}
}

func TestRefusesMessagesWithoutToken(t *testing.T) {
	s := fakefcm.Start(t)
	if status, _, _ := post(t, sendURL(s), `{"message":{"topic":"news"}}`); status != http.StatusBadRequest {
		t.Fatalf("got %d, want 400", status)
	}
	if status, _, _ := post(t, sendURL(s), `not json`); status != http.StatusBadRequest {
		t.Fatalf("got %d, want 400", status)
	}
}

func TestConcurrentSendsAreAllRecorded(t *testing.T) {
	s := fakefcm.Start(t)
	const senders, each = 8, 25
	var wg sync.WaitGroup
	for g := range senders {
		wg.Go(func() {
			for i := range each {
				body := fmt.Sprintf(`{"message":{"token":"tok-%d-%d"}}`, g, i)
				resp, err := http.Post(sendURL(s), "application/json", strings.NewReader(body))
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
			}
		})
	}
	s.WaitMessages(t, senders*each, 5*time.Second)
	wg.Wait()
	if s.Requests() != senders*each {
		t.Fatalf("requests = %d", s.Requests())
	}
}
