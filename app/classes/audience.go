package classes

import (
	"context"
	"strings"
	"time"

	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/course"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/reservation"
)

// Audiences says who hears of each session event, judged when it is
// delivered: a reminder reaches those booked then, for the start the
// session still has, so a cancelled booking or a moved session needs no
// reminder taken back.
func (s *Service) Audiences() map[event.Type]notify.Audience {
	out := map[event.Type]notify.Audience{}
	for _, t := range course.EventTypes {
		out[t] = notify.AudienceFunc(s.hearersOf)
	}
	// The no-show rule's notice is for the person it restricts alone.
	out[course.EventRestricted] = notify.AudienceFunc(func(_ context.Context, e event.Event) ([]notify.Recipient, error) {
		var h notify.Hearers
		h.Add(e.Data["userId"])
		return h.Recipients(), nil
	})
	return out
}

func (s *Service) hearersOf(ctx context.Context, e event.Event) ([]notify.Recipient, error) {
	var out notify.Hearers
	if e.Type == course.EventCancelled {
		out.Add(strings.Split(e.Data["waiters"], ",")...)
		return out.Recipients(), nil
	}
	id := e.Data["sessionId"]
	sess, err := s.d.Sessions.Get(ctx, id)
	if fault.Is(err, course.ErrSessionNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	if sess.Status != course.Scheduled {
		return nil, nil
	}
	sl, _, err := s.d.Slots.Get(ctx, id)
	if fault.Is(err, reservation.ErrSlotNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	switch e.Type {
	case course.EventReminder, course.EventRescheduled:
		if e.Data["start"] != sl.Window().Start.Format(time.RFC3339) {
			return nil, nil // of a start the session no longer has
		}
		for _, seat := range sl.Seats() {
			out.Add(seat.BookedBy)
		}
	case course.EventWaitlistClosed:
		if e.Data["closesAt"] != sl.Rules().HoldsCloseAt.UTC().Format(time.RFC3339) {
			return nil, nil
		}
		for _, w := range sl.Waitlist() {
			out.Add(w.UserID)
		}
	}
	return out.Recipients(), nil
}
