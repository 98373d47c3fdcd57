package notification

import (
	"time"

	"github.com/kincare/kincare/domain/event"
)

// PushState is where one inbox entry's push stands.
type PushState string

const (
	PushPending  PushState = "pending"  // to be sent now
	PushDeferred PushState = "deferred" // waiting for quiet hours to end
	PushSent     PushState = "sent"     // every device of the user reached (or none had a live token)
	PushFailed   PushState = "failed"   // the push service kept refusing; the entry stays in the inbox
	PushSkipped  PushState = "skipped"  // the user switched the category off
)

// Done reports whether nothing is left to send.
func (s PushState) Done() bool { return s == PushSent || s == PushFailed || s == PushSkipped }

// Notification is one inbox entry: what one user was told about one
// event, in their language. There is at most one per (event, user).
type Notification struct {
	ID        string
	UserID    string
	EventID   string
	Type      event.Type
	Category  Category
	Urgent    bool
	Title     string
	Body      string
	Link      event.Subject
	CreatedAt time.Time
	ReadAt    time.Time
	Push      Push
}

// Push is the delivery record of a notification to the user's phones.
type Push struct {
	State PushState
	Due   time.Time
	// SentTo holds digests of the device tokens already reached, so a
	// retried send skips them.
	SentTo []string
	// Reached counts the devices reached over all tries.
	Reached   int
	Attempts  int
	LastError string
}

// Unread reports whether the user has not opened it.
func (n Notification) Unread() bool { return n.ReadAt.IsZero() }
