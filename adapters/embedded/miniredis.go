package embedded

import (
	"fmt"
	"time"

	"github.com/alicebob/miniredis/v2"
)

// Redis is a miniredis server on 127.0.0.1 whose TTLs follow the wall
// clock, so holds, codes and rate-limit windows expire as in real Redis.
// It keeps nothing across restarts; kincare keeps nothing there that
// MongoDB cannot rebuild.
type Redis struct {
	srv *miniredis.Miniredis
}

func StartRedis() (*Redis, error) {
	srv := miniredis.NewMiniRedis()
	srv.ClockTTL(true)
	if err := srv.StartAddr("127.0.0.1:0"); err != nil {
		return nil, fmt.Errorf("embedded redis: %w", err)
	}
	return &Redis{srv: srv}, nil
}

// URL is the redis:// address to connect to.
func (r *Redis) URL() string { return "redis://" + r.srv.Addr() }

func (r *Redis) Close() { r.srv.Close() }

// SetTime sets the embedded server's clock, against which expiry times
// are compared: the demo plays a past year on its own clock.
func (r *Redis) SetTime(t time.Time) { r.srv.SetTime(t) }

// FastForward moves the embedded server's clock, for tests of expiry.
func (r *Redis) FastForward(d time.Duration) { r.srv.SetTime(time.Now().Add(d)) }
