package e2e_test

import (
	"net/http"
	"regexp"
	"strconv"
	"testing"
)

// A story that checks a push did NOT come must first know that the
// server has done everything that could have sent it. These helpers wait
// for that on the server's own counters (kincare_background_passes_total,
// kincare_job_queue_tasks) instead of sleeping and hoping.

var passesLine = regexp.MustCompile(`(?m)^kincare_background_passes_total\{loop="(\w+)",result="(\w+)"\} (\S+)$`)

// passes is how many passes of loop s has completed, of any result.
func (s *server) passes(t *testing.T, loop string) (int, bool) {
	t.Helper()
	r := s.get(t, "/metrics")
	if r.status != http.StatusOK {
		return 0, false
	}
	n, seen := 0, false
	for _, m := range passesLine.FindAllStringSubmatch(string(r.body), -1) {
		if m[1] != loop {
			continue
		}
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			t.Fatalf("metric %q: %v", m[0], err)
		}
		n, seen = n+int(v), true
	}
	return n, seen
}

// awaitPasses waits until loop has completed two more passes than when
// it was called: the second of them began after the call, so it saw
// everything written and every clock change made before.
func (s *server) awaitPasses(t *testing.T, loop string) {
	t.Helper()
	before, ok := s.passes(t, loop)
	if !ok {
		t.Fatalf("the server counts no passes of %s", loop)
	}
	if !waitUntil(pushWait, func() bool { n, _ := s.passes(t, loop); return n >= before+2 }) {
		t.Fatalf("%s did not complete two passes within %s", loop, pushWait)
	}
}

// settle waits until every event recorded before the call has been
// handed to the job queue (two relay passes since) and the queue has
// nothing pending, running or waiting to retry: every push due by now
// has been tried. A Redis flushed since lists no queue, which is idle.
func (s *server) settle(t *testing.T) {
	t.Helper()
	s.awaitPasses(t, "outbox_relay")
	s.waitQueueIdle(t, true)
}

// moved waits until a server on a moved clock has started every delivery
// due by its clock's now (two passes of the due mover since the call)
// and they have settled: a reminder not sent by then was not due.
func (s *server) moved(t *testing.T) {
	t.Helper()
	s.awaitPasses(t, "due_mover")
	s.settle(t)
}
