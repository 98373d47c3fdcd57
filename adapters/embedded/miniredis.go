package embedded

import (
	"fmt"
	"sync"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// clockStep is how often the embedded server's clock is moved to the
// wall clock. miniredis, left to follow time.Now itself (ClockTTL with no
// clock set), sorts and walks every key on every command whose time
// differs from the last one's — every command, so with 20,000 keys
// (a day's device events, idempotency records) each command cost a sort
// of them all, a third of the process's CPU under the device-event
// benchmark. Moving the clock in steps does that walk once a step, and
// a key outlives its TTL by at most one step.
const clockStep = 100 * time.Millisecond

// Redis is a miniredis server on 127.0.0.1 whose TTLs follow the wall
// clock (in steps of clockStep), so holds, codes and rate-limit windows
// expire as in real Redis. It keeps nothing across restarts; kincare
// keeps nothing there that MongoDB cannot rebuild.
type Redis struct {
	srv *miniredis.Miniredis

	mu     sync.Mutex
	ahead  time.Duration // FastForward's: the clock runs this far ahead of the wall
	manual bool          // SetTime took the clock: the steps stop
	stop   chan struct{}
	done   chan struct{}
	closed sync.Once
}

func StartRedis() (*Redis, error) {
	srv := miniredis.NewMiniRedis()
	srv.ClockTTL(true)
	srv.SetTime(time.Now())
	if err := srv.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("embedded redis: %w", err)
	}
	r := &Redis{srv: srv, stop: make(chan struct{}), done: make(chan struct{})}
	go r.follow()
	return r, nil
}

// follow moves the clock to the wall clock each step until Close.
func (r *Redis) follow() {
	defer close(r.done)
	t := time.NewTicker(clockStep)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
			r.mu.Lock()
			if !r.manual {
				r.srv.SetTime(time.Now().Add(r.ahead))
			}
			r.mu.Unlock()
		}
	}
}

// URL is the redis:// address to connect to.
func (r *Redis) URL() string { return "redis://" + r.srv.Addr() }

func (r *Redis) Close() {
	r.closed.Do(func() {
		close(r.stop)
		<-r.done
		r.srv.Close()
	})
}

// SetTime sets the embedded server's clock, against which expiry times
// are compared, and keeps it there: the demo plays a past year on its
// own clock.
func (r *Redis) SetTime(t time.Time) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.manual = true
	r.srv.SetTime(t)
}

// FastForward runs the embedded server's clock d ahead of the wall
// clock from now on, for tests of expiry.
func (r *Redis) FastForward(d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.ahead = d
	r.srv.SetTime(time.Now().Add(d))
}
