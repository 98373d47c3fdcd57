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
// so time keeps flowing from wherever the test moved it. Sign-in and
// tokens never read it.
type Offset struct {
	file string

	mu     sync.Mutex
	stamp  fileStamp
	offset time.Duration
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
// file holds ("26h30m"; a missing or empty file is no offset). The file
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
	off, err := c.read()
	if err != nil {
		c.mu.Lock()
		off = c.offset // a file being replaced: the last offset holds
		c.mu.Unlock()
	}
	return time.Now().Add(off)
}

// Offset is how far ahead of the wall clock it is.
func (c *Offset) Offset() time.Duration { return c.Now().Sub(time.Now()).Round(time.Millisecond) }

func (c *Offset) read() (time.Duration, error) {
	fi, err := os.Stat(c.file)
	if os.IsNotExist(err) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("clock: %w", err)
	}
	st := fileStamp{mod: fi.ModTime(), size: fi.Size()}
	if sys, ok := fi.Sys().(*syscall.Stat_t); ok {
		st.ino = sys.Ino
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if st == c.stamp {
		return c.offset, nil
	}
	raw, err := os.ReadFile(c.file)
	if err != nil {
		return 0, fmt.Errorf("clock: %w", err)
	}
	off := time.Duration(0)
	if s := strings.TrimSpace(string(raw)); s != "" {
		if off, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("clock: %s holds %q, not a duration like 26h30m", c.file, s)
		}
	}
	c.stamp, c.offset = st, off
	return off, nil
}
