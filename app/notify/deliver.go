package notify

import (
	"context"
	"errors"
	"fmt"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/notification"
)

// ErrUnknownEvent is an event type nobody declared; retrying cannot help.
var ErrUnknownEvent = errors.New("notify: unknown event type")

// Deliver turns e into one inbox entry per recipient, in the recipient's
// language, and queues each entry's push for when the recipient's
// preferences allow it. It is safe to run again for the same event: an
// entry already written is found again, a push already queued is not
// queued twice, and a push already sent is not sent again.
func (s *Service) Deliver(ctx context.Context, e event.Event) error {
	kind, ok := s.d.Kinds[e.Type]
	if !ok {
		return fmt.Errorf("%w: %s", ErrUnknownEvent, e.Type)
	}
	recipients, err := s.d.Audiences[e.Type].Recipients(ctx, e)
	if err != nil {
		return fmt.Errorf("recipients of %s: %w", e.ID, err)
	}
	for _, r := range recipients {
		if err := s.deliverTo(ctx, e, kind, r); err != nil {
			return err
		}
	}
	if err := s.d.Journal.MarkDelivered(ctx, e.ID, s.d.Now()); err != nil {
		return fmt.Errorf("mark %s delivered: %w", e.ID, err)
	}
	return nil
}

func (s *Service) deliverTo(ctx context.Context, e event.Event, kind Kind, r Recipient) error {
	u, err := s.d.Users.ByID(ctx, r.UserID)
	if fault.Is(err, identity.ErrUserNotFound) {
		return nil // gone since: nobody to tell
	}
	if err != nil {
		return fmt.Errorf("recipient %s: %w", r.UserID, err)
	}
	if u.Deleted() {
		return nil
	}
	prefs, err := s.d.Preferences.Get(ctx, r.UserID)
	if err != nil {
		return fmt.Errorf("preferences of %s: %w", r.UserID, err)
	}
	now := s.d.Now()
	decision := prefs.Decide(kind.Category, kind.Urgent, now)
	push := notification.Push{State: notification.PushPending, Due: decision.At}
	switch {
	case !decision.Send:
		push = notification.Push{State: notification.PushSkipped}
	case decision.At.After(now):
		push.State = notification.PushDeferred
	}
	if r.SkipDevice != "" {
		push.SentTo = []string{r.SkipDevice}
	}
	text := render(kind.text(u.Locale()), e.Data)
	n, _, err := s.d.Inbox.Add(ctx, notification.Notification{
		ID: s.d.NewID(), UserID: r.UserID, EventID: e.ID, Type: e.Type, Category: kind.Category,
		Urgent: kind.Urgent, Title: text.Title, Body: text.Body, Link: e.Subject, CreatedAt: e.Due(), Push: push,
	})
	if err != nil {
		return fmt.Errorf("inbox entry of %s for %s: %w", e.ID, r.UserID, err)
	}
	if n.Push.State.Done() {
		return nil
	}
	if _, err := s.d.Queue.EnqueuePush(ctx, n.ID, n.Push.Due); err != nil {
		return fmt.Errorf("queue push %s: %w", n.ID, err)
	}
	return nil
}
