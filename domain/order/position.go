package order

import (
	"time"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
)

// PositionEvery is how often a caregiver on the way may report where
// they are: often enough for a family watching the map, rarely enough
// not to drain the phone or write the order every second.
const PositionEvery = 15 * time.Second

// ErrPositionTooFrequent is a position sooner than PositionEvery after
// the last.
var ErrPositionTooFrequent = fault.New(fault.RateLimited, "position_too_frequent")

// Position is where the caregiver on the way last said they were.
type Position struct {
	Point geo.Point
	At    time.Time
}

// ReportPosition records where the assigned caregiver is while on the
// way. It is not a state change and announces nothing: the family's app
// polls the order (cheaply, with its ETag) to move the map.
func (o *Order) ReportPosition(by Actor, p geo.Point, now time.Time) error {
	if by.Party != PartyCaregiver {
		return ErrForbidden
	}
	if by.UserID != o.caregiverID {
		return ErrNotOffered
	}
	if o.status != StatusEnRoute {
		return ErrTransition.With(map[string]any{"status": string(o.status), "action": "position"})
	}
	v := &validator{}
	checkPoint(v, p)
	if err := v.err(ErrInvalid); err != nil {
		return err
	}
	if o.position != nil && now.Sub(o.position.At) < PositionEvery {
		return ErrPositionTooFrequent.With(map[string]any{"seconds": int(PositionEvery.Seconds())})
	}
	o.position = &Position{Point: p, At: now.UTC()}
	return nil
}

// LastPosition is where the caregiver on the way last was, while they
// are on the way.
func (o *Order) LastPosition() (Position, bool) {
	if o.status != StatusEnRoute || o.position == nil {
		return Position{}, false
	}
	return *o.position, true
}
