// Package fakefcm is an in-process Firebase Cloud Messaging HTTP v1
// server for tests and benchmarks: it accepts sends from the real
// Firebase Admin SDK, records them, and answers with scripted errors in
// exactly FCM's wire format. It knows nothing of kincare and imports none
// of its packages.
package fakefcm

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// Server is safe for concurrent use. Each send takes one short lock, so
// it keeps up with thousands of messages a second.
type Server struct {
	srv      *httptest.Server
	requests atomic.Int64

	mu       sync.Mutex
	messages []Message
	next     map[string][]Failure // token ("" = any) → failures to give once each, in order
	always   map[string]Failure   // token → failure given every time
}

// Start runs a fake FCM until the test ends.
func Start(t testing.TB) *Server {
	s := &Server{next: map[string][]Failure{}, always: map[string]Failure{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v1/projects/{project}/messages:send", s.send)
	s.srv = httptest.NewServer(mux)
	t.Cleanup(s.srv.Close)
	return s
}

// URL is the endpoint to give the SDK (option.WithEndpoint). Like the real
// https://fcm.googleapis.com/v1 it ends in /v1: the SDK appends
// /projects/{project}/messages:send.
func (s *Server) URL() string { return s.srv.URL + "/v1" }

// FailNext makes the next send to token fail with f; calls queue up. An
// empty token matches a send to any token that has no failure of its own.
func (s *Server) FailNext(token string, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next[token] = append(s.next[token], f)
}

// FailToken makes every send to token fail with f (after any FailNext
// failures queued for it).
func (s *Server) FailToken(token string, f Failure) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.always[token] = f
}

// Messages returns the messages accepted so far, in arrival order.
// Failed sends are not among them.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.messages)
}

// Requests counts every send attempt, failed, retried and malformed ones
// included.
func (s *Server) Requests() int { return int(s.requests.Load()) }

// WaitMessages waits until at least n messages were accepted and returns
// all of them; it fails the test when timeout passes first.
func (s *Server) WaitMessages(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		msgs := s.Messages()
		if len(msgs) >= n {
			return msgs
		}
		if time.Now().After(deadline) {
			t.Fatalf("fakefcm: %d messages after %s, want %d", len(msgs), timeout, n)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

type sendRequest struct {
	Message *Message `json:"message"`
}

type sendResponse struct {
	Name string `json:"name"`
}

func (s *Server) send(w http.ResponseWriter, r *http.Request) {
	received := time.Now()
	s.requests.Add(1)
	var req sendRequest
	if err := json.NewDecoder(r.Body).Decode(&req); err != nil || req.Message == nil || req.Message.Token == "" {
		// kincare sends to tokens only; topics and conditions are refused
		// like a malformed request.
		InvalidArgument("Request contains an invalid argument.").write(w)
		return
	}
	m := req.Message
	m.Project = r.PathValue("project")
	m.ReceivedAt = received
	seq, f, failed := s.accept(m)
	if failed {
		f.write(w)
		return
	}
	writeJSON(w, http.StatusOK, sendResponse{Name: fmt.Sprintf("projects/%s/messages/0:%d%%fakefcm", m.Project, seq)})
}

// accept records m unless a failure is scripted for its token; one lock
// for both so that a FailNext applies to exactly one send.
func (s *Server) accept(m *Message) (seq int, f Failure, failed bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, key := range [...]string{m.Token, ""} {
		if q := s.next[key]; len(q) > 0 {
			if len(q) == 1 {
				delete(s.next, key)
			} else {
				s.next[key] = q[1:]
			}
			return 0, q[0], true
		}
	}
	if f, ok := s.always[m.Token]; ok {
		return 0, f, true
	}
	s.messages = append(s.messages, *m)
	return len(s.messages), Failure{}, false
}
