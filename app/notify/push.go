package notify

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kincare/kincare/domain/device"
)

// Push is one message to one device: what the phone shows, where tapping
// it leads, and how the push services should treat it.
type Push struct {
	Token    string
	Platform device.Platform
	Title    string
	Body     string
	// Data is the app's payload: at least "kind" and "id" of the deep
	// link, the notification id and the event type.
	Data map[string]string
	// CollapseKey lets a newer push replace an older one still waiting on
	// the phone (e.g. an order's status); empty for none.
	CollapseKey string
	// ReplaceKey names this notification on the phone: a second push
	// with the same key replaces the first one shown instead of adding
	// to it. Unlike CollapseKey it does not merge pushes FCM holds.
	ReplaceKey string
	// Urgent pushes go at high priority and wake the phone.
	Urgent bool
	// TTL is how long the push service may keep trying to reach the phone.
	TTL time.Duration
}

// Pusher sends one push. Its errors say what to do next: ErrTokenDead
// (forget the token), *RetryableError (try again later), anything else
// (give up on this push).
type Pusher interface {
	Send(ctx context.Context, p Push) error
}

// ErrTokenDead means the push service will never deliver to this token
// again (app uninstalled, token rotated, token of another sender).
var ErrTokenDead = errors.New("push: device token is no longer valid")

// RetryableError is a send the push service refused for now (overloaded,
// internal error, quota). After is how long it asked us to wait; zero
// when it did not say.
type RetryableError struct {
	After time.Duration
	Err   error
}

func (e *RetryableError) Error() string {
	if e.After > 0 {
		return fmt.Sprintf("push: retry after %s: %v", e.After, e.Err)
	}
	return fmt.Sprintf("push: retry: %v", e.Err)
}

func (e *RetryableError) Unwrap() error { return e.Err }
