package visit

import (
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/ledger"
	"github.com/kincare/kincare/domain/text"
)

var (
	ErrVolunteerNotFound = fault.New(fault.NotFound, "volunteer_not_found")
	ErrVolunteerInvalid  = fault.New(fault.Unprocessable, "volunteer_invalid")
	// ErrVolunteerNotVerified is a credit or an assignment for a volunteer
	// no station verified.
	ErrVolunteerNotVerified = fault.New(fault.Conflict, "volunteer_not_verified")
)

// Volunteer is a user who registered to give time (时间银行), with the
// station that verifies them. One document per user.
type Volunteer struct {
	UserID       string
	Name         string
	StationID    string
	RegisteredAt time.Time
	VerifiedBy   string
	VerifiedAt   time.Time
	event.Outbox
}

// MaxName bounds a volunteer's name.
const MaxName = 50

// NewVolunteer registers userID with a station.
func NewVolunteer(userID, name, stationID string, now time.Time) (*Volunteer, error) {
	name, bad := text.Rule{Max: MaxName, Required: true}.Clean("/name", name)
	if bad != nil {
		return nil, ErrVolunteerInvalid.WithFields(*bad)
	}
	if stationID == "" {
		return nil, ErrVolunteerInvalid.WithFields(fault.FieldError{Field: "/stationId", Code: "required"})
	}
	return &Volunteer{UserID: userID, Name: name, StationID: stationID, RegisteredAt: now.UTC()}, nil
}

// Verified reports whether a station verified the volunteer.
func (v *Volunteer) Verified() bool { return !v.VerifiedAt.IsZero() }

// Verify is the station's word; verifying twice changes nothing.
func (v *Volunteer) Verify(by, eventID string, now time.Time) error {
	if v.Verified() {
		return nil
	}
	v.VerifiedBy, v.VerifiedAt = by, now.UTC()
	e, err := event.New(eventID, EventVolunteerVerified, event.Subject{Kind: "volunteer", ID: v.UserID}, now,
		map[string]string{"volunteerId": v.UserID, "stationId": v.StationID})
	if err != nil {
		return err
	}
	v.Record(e)
	return nil
}

// TimeBankAccount is the ledger account of a user's minutes.
func TimeBankAccount(userID string) string { return "timebank:" + userID }

// TimeBankSource names the time bank as the source of minutes.
const TimeBankSource = "timebank"

// timeBankPeriod is the whole life of a time-bank account: minutes
// banked now are drawn years later (时间银行), so the account spans
// every month there will be; its key says so.
var timeBankPeriod = ledger.Period{Key: "timebank",
	Start: time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), End: time.Date(9999, 1, 1, 0, 0, 0, 0, time.UTC)}

// TimeBankOpening is the opening of userID's time-bank account: nothing
// granted; credits are adjustments from visits and donations.
func TimeBankOpening(userID string) ledger.Opening {
	return ledger.Opening{ID: TimeBankAccount(userID), Holder: userID, Source: TimeBankSource, Unit: ledger.Minute,
		Period: timeBankPeriod, Amount: 0}
}
