package notify

import (
	"fmt"
	"log/slog"
	"time"

	"github.com/kincare/kincare/domain/event"
)

// Deps are the stores and services notify needs.
type Deps struct {
	Inbox       Inbox
	Preferences Preferences
	Devices     Devices
	Users       Users
	Journal     Journal
	Queue       Queue
	Pusher      Pusher
	Kinds       map[event.Type]Kind
	Audiences   map[event.Type]Audience
	Now         func() time.Time
	NewID       func() string
	Log         *slog.Logger
}

// Service gathers the notification use cases and jobs.
type Service struct {
	d Deps
}

// NewService refuses an event type that has words but nobody to tell,
// or the reverse: either would lose notifications silently.
func NewService(d Deps) (*Service, error) {
	for t := range d.Kinds {
		if _, ok := d.Audiences[t]; !ok {
			return nil, fmt.Errorf("notify: event type %s has no audience", t)
		}
	}
	for t := range d.Audiences {
		if _, ok := d.Kinds[t]; !ok {
			return nil, fmt.Errorf("notify: event type %s has no words", t)
		}
	}
	return &Service{d: d}, nil
}
