// Package clock is the time the childcare day runs on (File), and the
// time reservations, parenting classes and notifications run on
// (Offset). In production both are the system clock. A development server started with
// KINCARE_TEST_CLOCK_FILE reads "now" from that file instead (one RFC 3339
// instant, which stays as written until the file changes), so that an
// end-to-end test can check children in at 08:00, out at 17:40 and come
// back the next morning within seconds, without sleeping. Only the
// childcare day's use cases read it: sessions, holds, pushes and every
// other timer keep the system clock, which they share with Redis, asynq
// and the tokens' verifiers. Configuration refuses the file in
// production.
//
// It imports nothing of ours.
package clock

import (
	"log/slog"
	"os"
	"strings"
	"sync"
	"time"
)

// File reads now from a file; the system clock while the file is absent
// or unreadable.
type File struct {
	path string
	log  *slog.Logger
	mu   sync.Mutex
	bad  string // the last content that did not parse, logged once
}

func NewFile(path string, log *slog.Logger) *File { return &File{path: path, log: log} }

// Now is the instant the file holds. It reads the file each time: a test
// server is not a hot path, and a cached answer could miss a change made
// within the file system's timestamp resolution.
func (f *File) Now() time.Time {
	b, err := os.ReadFile(f.path)
	if err != nil {
		return time.Now()
	}
	s := strings.TrimSpace(string(b))
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		f.mu.Lock()
		if f.bad != s {
			f.bad = s
			f.log.Warn("test clock file does not hold an RFC 3339 time; using the system clock", "path", f.path)
		}
		f.mu.Unlock()
		return time.Now()
	}
	return t
}
