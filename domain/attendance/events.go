package attendance

import (
	"strconv"
	"time"

	"github.com/kincare/kincare/domain/event"
)

// Events of the childcare day. Those to a family name their child (it is
// theirs); those to a provider's office name the room, and the child
// where the office must act on one.
const (
	// EventCheckedIn and EventCheckedOut tell the family their child
	// arrived, and who took them home.
	EventCheckedIn  event.Type = "attendance.checked_in"
	EventCheckedOut event.Type = "attendance.checked_out"
	// EventPickupRefused is someone not authorized trying to take a
	// child: every family member hears at once, through quiet hours.
	EventPickupRefused event.Type = "attendance.pickup_refused"
	// EventLatePickup tells the family they came after the child's day.
	EventLatePickup event.Type = "attendance.late_pickup"
	// EventRatioBreached tells the office, urgently, that a room has
	// more children than its staff may look after; EventRatioRestored
	// that it is back within the ratio.
	EventRatioBreached event.Type = "attendance.ratio_breached"
	EventRatioRestored event.Type = "attendance.ratio_restored"
	// EventAbsenceReported tells the office a family reported days away.
	EventAbsenceReported event.Type = "attendance.absence_reported"
	// EventAbsenceStreak tells the office a place has been away for the
	// policy's number of booked days in a row.
	EventAbsenceStreak event.Type = "attendance.absence_streak"
)

// EventTypes lists every type, for the notification catalog's test.
var EventTypes = []event.Type{EventCheckedIn, EventCheckedOut, EventPickupRefused, EventLatePickup,
	EventRatioBreached, EventRatioRestored, EventAbsenceReported, EventAbsenceStreak}

// Urgent reports whether t must reach people through quiet hours.
func Urgent(t event.Type) bool { return t == EventPickupRefused || t == EventRatioBreached }

// ToOffice reports whether t is for the provider's office rather than the
// child's family.
func ToOffice(t event.Type) bool {
	switch t {
	case EventRatioBreached, EventRatioRestored, EventAbsenceReported, EventAbsenceStreak:
		return true
	}
	return false
}

// announce records an event of the day: about the child for the
// family's events (the app opens the child's day), about the room's day
// for the office's.
func (d *Day) announce(id string, t event.Type, now time.Time, data map[string]string) {
	subject := event.Subject{Kind: "child", ID: data["childId"]}
	if ToOffice(t) {
		subject = event.Subject{Kind: "room_day", ID: d.id}
	}
	data["providerId"], data["date"] = d.providerID, d.date.String()
	if e, err := event.New(id, t, subject, now, data); err == nil {
		d.Record(e)
	}
}

// local formats t on the provider's clock.
func (d *Day) local(t time.Time, layout string) string { return t.In(d.Location()).Format(layout) }

func itoa(n int) string { return strconv.Itoa(n) }

// decimal renders tenths as "36.6".
func decimal(tenths int) string {
	return strconv.Itoa(tenths/10) + "." + strconv.Itoa(tenths%10)
}
