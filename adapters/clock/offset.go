package clock

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Offset is the clock of reservations, parenting classes and
// notifications: the wall clock, or in tests and drills the wall clock
// moved ahead by the duration a file holds (KINCARE_TEST_CLOCK_OFFSET_FILE),
// so time keeps flowing from wherever the test moved it. The file may
// instead hold an RFC 3339 instant, and then the clock stands at it until
// the file changes: a test of "one second before the cutoff" must not
// depend on how fast a loaded machine answers. The limits on login codes
// and meal-card PINs follow it too (adapters/redis Limiter), so "one code a
// minute" is tested by moving it; sessions and tokens never read it.
type Offset struct {
	file string

	mu     sync.Mutex
	stamp  fileStamp
	offset time.Duration
	at     time.Time // the instant the clock stands at; zero while it runs
}

// reading is what the file says: an offset from the wall clock, or an
// instant the clock stands at.
type reading struct {
	offset time.Duration
	at     time.Time
}

func (r reading) now() time.Time {
	if !r.at.IsZero() {
		return r.at
	}
	return time.Now().Add(r.offset)
}

// fileStamp tells a rewritten file from the one last read without
// reading it.
type fileStamp struct {
	mod  time.Time
	size int64
	ino  uint64
}

// Wall is the real clock.
func Wall() *Offset { return &Offset{} }

// OffsetFile is a clock ahead of the wall clock by the Go duration the
// file holds ("26h30m"; a missing or empty file is no offset), or standing
// at the RFC 3339 instant it holds. The file
// is looked at on every reading, cheaply (one stat), so a test that
// rewrote it sees the new time in its very next request.
func OffsetFile(path string) (*Offset, error) {
	c := &Offset{file: path}
	if _, err := c.read(); err != nil {
		return nil, err
	}
	return c, nil
}

// Moved reports whether this clock may differ from the wall clock.
func (c *Offset) Moved() bool { return c.file != "" }

// Now is the time.
func (c *Offset) Now() time.Time {
	if c.file == "" {
		return time.Now()
	}
	r, err := c.read()
	if err != nil {
		c.mu.Lock()
		r = reading{offset: c.offset, at: c.at} // a file being replaced: the last reading holds
		c.mu.Unlock()
	}
	return r.now()
}

// Offset is how far ahead of the wall clock it is.
func (c *Offset) Offset() time.Duration { return c.Now().Sub(time.Now()).Round(time.Millisecond) }

func (c *Offset) read() (reading, error) {
	fi, err := os.Stat(c.file)
	if os.IsNotExist(err) {
		return reading{}, nil
	}
	if err != nil {
		return reading{}, fmt.Errorf("clock: %w", err)
	}
	st := fileStamp{mod: fi.ModTime(), size: fi.Size()}
	if sys, ok := fi.Sys().(*syscall.Stat_t); ok {
		st.ino = sys.Ino
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st == c.stamp {
		return reading{offset: c.offset, at: c.at}, nil
	}
	raw, err := os.ReadFile(c.file)
	if err != nil {
		return reading{}, fmt.Errorf("clock: %w", err)
	}
	r, err := parseReading(strings.TrimSpace(string(raw)))
	if err != nil {
		return reading{}, fmt.Errorf("clock: %s holds %q, not a duration like 26h30m or an RFC 3339 instant", c.file, raw)
	}
	c.stamp, c.offset, c.at = st, r.offset, r.at
	return r, nil
}

func parseReading(s string) (reading, error) {
	if s == "" {
		return reading{}, nil
	}
	if off, err := time.ParseDuration(s); err == nil {
		return reading{offset: off}, nil
	}
	at, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return reading{}, err
	}
	return reading{at: at}, nil
}
