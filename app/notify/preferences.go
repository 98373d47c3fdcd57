package notify

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/notification"
)

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
