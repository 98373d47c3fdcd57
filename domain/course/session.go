package course

import (
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/domain/text"
)

// Status is where a session stands.
type Status string

const (
	Scheduled Status = "scheduled"
	Cancelled Status = "cancelled"
)

// Windows around a session's start.
const (
	// JoinOpensBefore is how early an online session's link is given to
	// its attendees.
	JoinOpensBefore = 30 * time.Minute
	// CheckInOpensBefore is how early the session's code checks people in.
	CheckInOpensBefore = 15 * time.Minute
)

var (
	ErrSessionCancelled = fault.New(fault.Conflict, "session_cancelled")
	// ErrBookingClosed is booking (or waiting) past the booking deadline.
	ErrBookingClosed = fault.New(fault.Conflict, "booking_closed")
	// ErrSessionStarted is a change to a session that has begun.
	ErrSessionStarted  = fault.New(fault.Conflict, "session_started")
	ErrCancelCutoff    = fault.New(fault.Conflict, "cancellation_cutoff_passed")
	ErrCheckInNotOpen  = fault.New(fault.Conflict, "check_in_not_open")
	ErrCheckInCode     = fault.New(fault.Unprocessable, "check_in_code_invalid")
	ErrJoinUnavailable = fault.New(fault.NotFound, "join_link_unavailable")
	// ErrAbsentTooEarly is a person marked absent before the session
	// began: a no-show counts against them, so not before it could be one.
	ErrAbsentTooEarly = fault.New(fault.Conflict, "absence_before_start")
	// ErrHoldRequired is booking a paid session in one call: its seat is
	// held first and confirmed with the hold, so the amount is reserved
	// in the ledger before the seat is taken.
	ErrHoldRequired = fault.New(fault.Conflict, "paid_session_hold_required")
)

// Attendance is whether a booked person came, and who said so.
type Attendance struct {
	BookingID string
	UserID    string
	Attended  bool
	// By is "self" for a check-in with the session's code, else the
	// organiser staff member's user id.
	By string
	At time.Time
}

// Session is one sitting of a course. Its window lives on the slot (the
// truth, moved with its reminders in one write); Start and End here are
// its copy for discovery, written after it.
type Session struct {
	ID         string
	CourseID   string
	ProviderID string
	Format     Format
	Topics     []Topic
	Audience   Audience
	Location   *geo.Point
	// PriceFen is a seat's price, the course's when the session was
	// scheduled: what those who book it owe.
	PriceFen   int64
	Start, End time.Time
	TimeZone   string
	// JoinLink is an online session's live room, given only to attendees
	// near the start; never listed.
	JoinLink string
	// CheckInCode is what attendees scan at the venue (or type).
	CheckInCode  string
	Status       Status
	CancelReason string
	Attendance   []Attendance
	CreatedAt    time.Time
}

// NewSession checks a session of c from start to end.
func NewSession(c Course, id string, start, end time.Time, tz, joinLink, code string, now time.Time) (Session, error) {
	var fields []fault.FieldError
	bad := func(field, code string) { fields = append(fields, fault.FieldError{Field: field, Code: code}) }
	if err := CheckWindow(start, end, now); err != nil {
		return Session{}, err
	}
	joinLink = strings.TrimSpace(joinLink)
	switch {
	case c.Format == Online && !validLink(joinLink):
		bad("/joinLink", "url")
	case c.Format == Offline && joinLink != "":
		bad("/joinLink", "offline")
	}
	if len(fields) > 0 {
		return Session{}, ErrSessionInvalid.WithFields(fields...)
	}
	s := Session{ID: id, CourseID: c.ID, ProviderID: c.ProviderID, Format: c.Format, Topics: slices.Clone(c.Topics),
		Audience: c.Audience, PriceFen: c.PriceFen, Start: start.UTC(), End: end.UTC(), TimeZone: tz, JoinLink: joinLink,
		CheckInCode: code, Status: Scheduled, CreatedAt: now.UTC()}
	if c.Venue != nil {
		p := c.Venue.Location
		s.Location = &p
	}
	return s, nil
}

// CheckWindow refuses a session in the past, too long, or too far ahead.
func CheckWindow(start, end, now time.Time) error {
	var fields []fault.FieldError
	switch {
	case !start.After(now):
		fields = append(fields, fault.FieldError{Field: "/start", Code: "past"})
	case start.Sub(now) > MaxSessionsAhead:
		fields = append(fields, fault.FieldError{Field: "/start", Code: "too_far"})
	}
	if d := end.Sub(start); d < MinSessionLength || d > MaxSessionLength {
		fields = append(fields, fault.FieldError{Field: "/end", Code: "range"})
	}
	if len(fields) > 0 {
		return ErrSessionInvalid.WithFields(fields...)
	}
	return nil
}

func validLink(s string) bool {
	if len(s) > 500 {
		return false
	}
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "https" && u.Host != ""
}

// Paid reports whether a seat of the session costs money.
func (s Session) Paid() bool { return s.PriceFen > 0 }

// BookingCloses is when booking and waiting end for a session at start.
func (c Course) BookingClosesAt(start time.Time) time.Time { return start.Add(-c.BookingCloses) }

// Live reports whether the session still takes bookings at now (its
// deadline computed from the slot's current start).
func (s Session) Live() bool { return s.Status == Scheduled }

// JoinOpen reports whether the link may be given at now for a session in
// [start, end).
func JoinOpen(start, end, now time.Time) bool {
	return !now.Before(start.Add(-JoinOpensBefore)) && now.Before(end)
}

// CheckIn records that the booked user came, by the session's code.
func (s *Session) CheckIn(bookingID, userID, code string, start, end, now time.Time) error {
	if s.Status != Scheduled {
		return ErrSessionCancelled
	}
	if now.Before(start.Add(-CheckInOpensBefore)) || !now.Before(end) {
		return ErrCheckInNotOpen.With(map[string]any{"opensAt": start.Add(-CheckInOpensBefore).UTC().Format(time.RFC3339)})
	}
	if strings.TrimSpace(code) != s.CheckInCode {
		return ErrCheckInCode.WithFields(fault.FieldError{Field: "/code", Code: "mismatch"})
	}
	s.mark(Attendance{BookingID: bookingID, UserID: userID, Attended: true, By: "self", At: now.UTC()})
	return nil
}

// Mark records attendance as staff saw it, from the check-in window on;
// an absence only from the start.
func (s *Session) Mark(bookingID, userID string, attended bool, by string, start, now time.Time) error {
	if s.Status != Scheduled {
		return ErrSessionCancelled
	}
	if now.Before(start.Add(-CheckInOpensBefore)) {
		return ErrCheckInNotOpen.With(map[string]any{"opensAt": start.Add(-CheckInOpensBefore).UTC().Format(time.RFC3339)})
	}
	if !attended && now.Before(start) {
		return ErrAbsentTooEarly.With(map[string]any{"start": start.UTC().Format(time.RFC3339)})
	}
	s.mark(Attendance{BookingID: bookingID, UserID: userID, Attended: attended, By: by, At: now.UTC()})
	return nil
}

func (s *Session) mark(a Attendance) {
	s.Attendance = slices.DeleteFunc(s.Attendance, func(x Attendance) bool { return x.BookingID == a.BookingID })
	s.Attendance = append(s.Attendance, a)
}

// AttendanceOf is what is recorded for a booking.
func (s Session) AttendanceOf(bookingID string) (Attendance, bool) {
	i := slices.IndexFunc(s.Attendance, func(a Attendance) bool { return a.BookingID == bookingID })
	if i < 0 {
		return Attendance{}, false
	}
	return s.Attendance[i], true
}

// Cancel ends a session that has not begun; a reason is required.
func (s *Session) Cancel(reason string, start, now time.Time) error {
	if s.Status == Cancelled {
		return ErrSessionCancelled
	}
	if !now.Before(start) {
		return ErrSessionStarted
	}
	reason, bad := text.Rule{Max: 500, Required: true, Multiline: true}.Clean("/reason", reason)
	if bad != nil {
		return reservation.ErrReasonRequired.WithFields(*bad)
	}
	s.Status, s.CancelReason = Cancelled, reason
	return nil
}
