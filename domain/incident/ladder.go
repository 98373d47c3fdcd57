package incident

import (
	"time"

	"github.com/kincare/kincare/domain/fault"
)

// The bounds of an elder's ladder. A family may give itself more time to
// answer, or call the neighbours sooner, but the ladder must still reach
// somebody within minutes: the operators are called at most
// MaxFamilyWait+MaxNearbyWait (25 minutes) after the alarm.
const (
	MinFamilyWait = time.Minute
	MaxFamilyWait = 10 * time.Minute
	MinNearbyWait = 2 * time.Minute
	MaxNearbyWait = 15 * time.Minute
)

// ErrLadderInvalid is a ladder outside the bounds.
var ErrLadderInvalid = fault.New(fault.Unprocessable, "ladder_invalid")

// NewLadder is an elder's own ladder: how long the family has before the
// emergency contacts and the station are called, and they before the
// operators, each within its bounds and in whole minutes.
func NewLadder(familyWait, nearbyWait time.Duration) (Ladder, error) {
	var fields []fault.FieldError
	if familyWait < MinFamilyWait || familyWait > MaxFamilyWait || familyWait%time.Minute != 0 {
		fields = append(fields, fault.FieldError{Field: "/familyWaitMinutes", Code: "range"})
	}
	if nearbyWait < MinNearbyWait || nearbyWait > MaxNearbyWait || nearbyWait%time.Minute != 0 {
		fields = append(fields, fault.FieldError{Field: "/nearbyWaitMinutes", Code: "range"})
	}
	if len(fields) > 0 {
		return Ladder{}, ErrLadderInvalid.WithFields(fields...)
	}
	return Ladder{FamilyWait: familyWait, NearbyWait: nearbyWait}, nil
}

// Default reports whether l is the default ladder.
func (l Ladder) Default() bool { return l == DefaultLadder }
