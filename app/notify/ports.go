// Package notify tells people what happened: it hands events recorded by
// aggregates to the job queue (the relay), turns each event into one
// inbox entry per recipient in their language (delivery), pushes entries
// to their phones (sending) and serves the inbox and preferences. Other
// capabilities only record events on their aggregates and name an
// Audience for each event type.
package notify

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/device"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/notification"
)

// Recipient is one user to tell. SkipDevice, when set, is the digest of
// a device token not to push to (the device the event is about).
type Recipient struct {
	UserID     string
	SkipDevice string
}

// Audience names who must hear of an event, judged at delivery time (a
// reminder whose reason has gone names nobody).
type Audience interface {
	Recipients(ctx context.Context, e event.Event) ([]Recipient, error)
}

// AudienceFunc adapts a function to Audience.
type AudienceFunc func(ctx context.Context, e event.Event) ([]Recipient, error)

func (f AudienceFunc) Recipients(ctx context.Context, e event.Event) ([]Recipient, error) {
	return f(ctx, e)
}

// Outbox is where aggregates keep the events they recorded.
type Outbox interface {
	// Pending returns documents with events not yet handed on, oldest
	// first, at most limit.
	Pending(ctx context.Context, limit int) ([]Batch, error)
	// Clear removes the batch's events from its document, leaving any
	// recorded since.
	Clear(ctx context.Context, b Batch) error
}

// Batch is the pending events of one document.
type Batch struct {
	Source string // the collection
	DocID  string
	Events []event.Event
}

// Journal is the lasting copy of every handed-on event until delivered,
// from which the queue is rebuilt when Redis lost it.
type Journal interface {
	// Save keeps events; saving one again changes nothing.
	Save(ctx context.Context, events []event.Event) error
	MarkDelivered(ctx context.Context, id string, at time.Time) error
	// Undelivered returns events not yet delivered, by id after after.
	Undelivered(ctx context.Context, after string, limit int) ([]event.Event, error)
	// PurgeDelivered forgets events delivered before cutoff.
	PurgeDelivered(ctx context.Context, cutoff time.Time) (int64, error)
}

// Queue is the job queue. Both enqueues are idempotent by id: a task
// already queued (or recently done) under the same id is not queued
// again, and they report whether they queued anything.
type Queue interface {
	// EnqueueEvent queues the delivery of e under e.ID: at its NotBefore
	// (a reminder), else at once.
	EnqueueEvent(ctx context.Context, e event.Event) (bool, error)
	// EnqueuePush queues the push of a notification at at.
	EnqueuePush(ctx context.Context, notificationID string, at time.Time) (bool, error)
}

// Inbox keeps notifications, at most one per (event, user).
type Inbox interface {
	// Add stores n, or returns the entry already stored for its (event,
	// user) and false.
	Add(ctx context.Context, n notification.Notification) (notification.Notification, bool, error)
	// Get returns notification.ErrNotFound for an unknown id.
	Get(ctx context.Context, id string) (notification.Notification, error)
	// RecordAttempt counts a try that must be repeated: the devices it
	// reached (skipped next time) and the error.
	RecordAttempt(ctx context.Context, id string, reached []string, lastError string) error
	// FinishPush sets a final push state with the devices reached. One
	// write per try, not per device: on the embedded store each write
	// costs milliseconds, and a crash between a send and this write
	// repeats at most that try's sends.
	FinishPush(ctx context.Context, id string, state notification.PushState, reached []string, lastError string) error
	// UnfinishedPushes returns entries whose push is pending or
	// deferred, by id after after.
	UnfinishedPushes(ctx context.Context, after string, limit int) ([]notification.Notification, error)

	List(ctx context.Context, userID string, unreadOnly bool, p page.Request) ([]notification.Notification, bool, error)
	CountUnread(ctx context.Context, userID string) (int64, error)
	// MarkRead is false when userID has no such unread-or-read entry.
	MarkRead(ctx context.Context, userID, id string, at time.Time) (bool, error)
	MarkAllRead(ctx context.Context, userID string, at time.Time) (int64, error)
}

// Preferences keeps each user's choices; an unknown user has the defaults.
type Preferences interface {
	Get(ctx context.Context, userID string) (notification.Preferences, error)
	Put(ctx context.Context, userID string, p notification.Preferences) error
}

// Devices are the push tokens of users.
type Devices interface {
	ListByUser(ctx context.Context, userID string) ([]device.Device, error)
	// DeleteOwned forgets a token the push service declared dead.
	DeleteOwned(ctx context.Context, token, userID string) (bool, error)
}

// Users tells the language of a recipient, and whether they still exist.
type Users interface {
	ByID(ctx context.Context, id string) (*identity.User, error)
}
