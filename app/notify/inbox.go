package notify

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/notification"
)

// InboxPage is one page of a user's notifications, newest first.
type InboxPage struct {
	Items       []notification.Notification
	NextCursor  string
	UnreadCount int64
}

// List returns the caller's notifications; nobody sees another's.
func (s *Service) List(ctx context.Context, a actor.Actor, unreadOnly bool, cursor string, limit int) (InboxPage, error) {
	if a.UserID == "" {
		return InboxPage{}, fault.ErrUnauthenticated
	}
	p, err := page.Parse(cursor, limit)
	if err != nil {
		return InboxPage{}, err
	}
	items, more, err := s.d.Inbox.List(ctx, a.UserID, unreadOnly, p)
	if err != nil {
		return InboxPage{}, err
	}
	unread, err := s.d.Inbox.CountUnread(ctx, a.UserID)
	if err != nil {
		return InboxPage{}, err
	}
	out := InboxPage{Items: items, UnreadCount: unread}
	if len(items) > 0 {
		out.NextCursor = page.Cursor(items[len(items)-1].ID, more)
	}
	return out, nil
}

// MarkRead marks one of the caller's notifications read; marking it
// again changes nothing. Another user's id is not found.
func (s *Service) MarkRead(ctx context.Context, a actor.Actor, id string) error {
	if a.UserID == "" {
		return fault.ErrUnauthenticated
	}
	ok, err := s.d.Inbox.MarkRead(ctx, a.UserID, id, s.d.Now())
	if err != nil {
		return err
	}
	if !ok {
		return notification.ErrNotFound
	}
	return nil
}

// MarkAllRead marks every unread notification of the caller read and
// says how many there were.
func (s *Service) MarkAllRead(ctx context.Context, a actor.Actor) (int64, error) {
	if a.UserID == "" {
		return 0, fault.ErrUnauthenticated
	}
	return s.d.Inbox.MarkAllRead(ctx, a.UserID, s.d.Now())
}

// GetPreferences returns the caller's choices (defaults if never set).
func (s *Service) GetPreferences(ctx context.Context, a actor.Actor) (notification.Preferences, error) {
	if a.UserID == "" {
		return notification.Preferences{}, fault.ErrUnauthenticated
	}
	return s.d.Preferences.Get(ctx, a.UserID)
}

// PreferencesCommand replaces a user's choices. Categories not named keep
// their defaults; Quiet nil means no quiet hours.
type PreferencesCommand struct {
	Categories map[string]bool
	Quiet      *QuietHoursCommand
}

type QuietHoursCommand struct {
	Start, End, TimeZone string
}

// PutPreferences replaces the caller's choices.
func (s *Service) PutPreferences(ctx context.Context, a actor.Actor, cmd PreferencesCommand) (notification.Preferences, error) {
	if a.UserID == "" {
		return notification.Preferences{}, fault.ErrUnauthenticated
	}
	switched := make(map[notification.Category]bool, len(cmd.Categories))
	for c, on := range cmd.Categories {
		switched[notification.Category(c)] = on
	}
	var quiet *notification.QuietHours
	if q := cmd.Quiet; q != nil {
		start, err1 := notification.ParseClock(q.Start)
		end, err2 := notification.ParseClock(q.End)
		var fields []fault.FieldError
		if err1 != nil {
			fields = append(fields, fault.FieldError{Field: "/quietHours/start", Code: "clock_invalid"})
		}
		if err2 != nil {
			fields = append(fields, fault.FieldError{Field: "/quietHours/end", Code: "clock_invalid"})
		}
		if len(fields) > 0 {
			return notification.Preferences{}, notification.ErrPreferencesInvalid.WithFields(fields...)
		}
		quiet = &notification.QuietHours{Start: start, End: end, Zone: q.TimeZone}
	}
	prefs, err := notification.NewPreferences(switched, quiet)
	if err != nil {
		return notification.Preferences{}, err
	}
	if err := s.d.Preferences.Put(ctx, a.UserID, prefs); err != nil {
		return notification.Preferences{}, err
	}
	return prefs, nil
}
