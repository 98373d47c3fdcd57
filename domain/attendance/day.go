// Package attendance is the childcare day (托育一日): a room's day with
// the staff on duty in it and the children placed in it by their
// bookings; their arrival with the morning health check, their departure
// only to a person their family authorized, their absences; the times a
// room had more children than its staff may look after; and the monthly
// attendance statement a provider claims its 普惠 subsidy with. Pure
// domain code: every method takes the time it happens at.
package attendance

import (
	"slices"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/room"
)

var (
	ErrDayNotFound = fault.New(fault.NotFound, "room_day_not_found")
	// ErrNotPlaced is a child the room has no place for that day.
	ErrNotPlaced       = fault.New(fault.NotFound, "child_not_placed")
	ErrAlreadyIn       = fault.New(fault.Conflict, "already_checked_in")
	ErrNotCheckedIn    = fault.New(fault.Conflict, "not_checked_in")
	ErrAlreadyOut      = fault.New(fault.Conflict, "already_checked_out")
	ErrCheckInInvalid  = fault.New(fault.Unprocessable, "check_in_invalid")
	ErrCheckOutInvalid = fault.New(fault.Unprocessable, "check_out_invalid")
	// ErrPickupRefused is a departure to someone the family did not
	// authorize: refused, recorded, and every family member alerted.
	ErrPickupRefused = fault.New(fault.Unprocessable, "pickup_not_authorized")
	// ErrRoomFull is a room with no place left at the time a child needs.
	ErrRoomFull = fault.New(fault.Conflict, "room_full")
	// ErrNoRoom is a child no room of the provider takes at their age.
	ErrNoRoom             = fault.New(fault.Conflict, "no_room_for_child")
	ErrStaffNotAssigned   = fault.New(fault.Conflict, "staff_not_assigned")
	ErrStaffOnDuty        = fault.New(fault.Conflict, "staff_already_on_duty")
	ErrStaffNotOnDuty     = fault.New(fault.Conflict, "staff_not_on_duty")
	ErrStaffInvalid       = fault.New(fault.Unprocessable, "room_staff_invalid")
	ErrAbsenceInvalid     = fault.New(fault.Unprocessable, "absence_invalid")
	ErrAbsenceReported    = fault.New(fault.Conflict, "absence_reported")
	ErrDayNotStarted      = fault.New(fault.Conflict, "day_not_started")
	ErrTooManyAttendances = fault.New(fault.Conflict, "room_day_full")
)

// RoomRef is what a day keeps of its room: the ratio and size as they
// were when the day was last written.
type RoomRef struct {
	ID               string
	Name             string
	ChildrenPerStaff int
	Capacity         int
}

func refOf(r room.Room) RoomRef {
	return RoomRef{ID: r.ID(), Name: r.Name(), ChildrenPerStaff: r.ChildrenPerStaff(), Capacity: r.Capacity()}
}

// Allowed is how many children staff carers may look after.
func (r RoomRef) Allowed(staff int) int { return staff * r.ChildrenPerStaff }

// Day is one room's day, one document: staffing, children and ratio
// checks change together, so a breach is found, and announced, in the
// very write that causes it.
type Day struct {
	id         string
	providerID string
	room       RoomRef
	date       calendar.Date
	zone       string
	duties     []Duty
	children   []Attendee
	breaches   []Breach
	event.Outbox
}

// DayID names the day of a room: one document per room per date, read
// by its id.
func DayID(roomID string, d calendar.Date) string { return roomID + "_" + d.String() }

// NewDay is a room's day before anything happened in it; zone is the
// provider's time zone.
func NewDay(providerID string, r room.Room, d calendar.Date, zone string) *Day {
	return &Day{id: DayID(r.ID(), d), providerID: providerID, room: refOf(r), date: d, zone: zone}
}

func (d *Day) ID() string           { return d.id }
func (d *Day) ProviderID() string   { return d.providerID }
func (d *Day) Room() RoomRef        { return d.room }
func (d *Day) Date() calendar.Date  { return d.date }
func (d *Day) Zone() string         { return d.zone }
func (d *Day) Duties() []Duty       { return slices.Clone(d.duties) }
func (d *Day) Children() []Attendee { return slices.Clone(d.children) }
func (d *Day) Breaches() []Breach   { return slices.Clone(d.breaches) }

// Location is the provider's zone, in which the day runs.
func (d *Day) Location() *time.Location {
	loc, err := time.LoadLocation(d.zone)
	if err != nil {
		return time.UTC
	}
	return loc
}

// Bounds are the day's first and last instant (midnight to midnight in
// its zone).
func (d *Day) Bounds() (time.Time, time.Time) { return Bounds(d.date, d.Location()) }

// Bounds are date's midnight and the next, in loc.
func Bounds(date calendar.Date, loc *time.Location) (time.Time, time.Time) {
	start := time.Date(date.Year, date.Month, date.Day, 0, 0, 0, 0, loc)
	return start.UTC(), time.Date(date.Year, date.Month, date.Day+1, 0, 0, 0, 0, loc).UTC()
}

// Refresh takes the room's current name, ratio and size: a ratio changed
// during the day applies from the next check of the room.
func (d *Day) Refresh(r room.Room) { d.room = refOf(r) }

// Attendee finds a child placed in the room.
func (d *Day) Attendee(childID string) (Attendee, bool) {
	i := d.index(childID)
	if i < 0 {
		return Attendee{}, false
	}
	return d.children[i], true
}

func (d *Day) index(childID string) int {
	return slices.IndexFunc(d.children, func(a Attendee) bool { return a.ChildID == childID })
}

// MaxChildren bounds a day's document; no room takes more than 20
// children at once, and half-day places may double that over a day.
const MaxChildren = 80

// Place puts a child in the room for its places of the day (a full-day
// month, a morning session), or adds places to one already placed. A
// room takes at most its capacity at any one time. It reports whether
// anything changed.
func (d *Day) Place(childID, familyID string, places []Place, now time.Time) (bool, error) {
	if i := d.index(childID); i >= 0 {
		a := &d.children[i]
		changed := false
		for _, p := range places {
			if !slices.ContainsFunc(a.Places, func(q Place) bool { return q.BookingID == p.BookingID }) {
				a.Places = append(a.Places, p)
				changed = true
			}
		}
		return changed, nil
	}
	if len(d.children) >= MaxChildren {
		return false, ErrTooManyAttendances
	}
	if !d.Fits(places) {
		return false, ErrRoomFull.With(map[string]any{"room": d.room.Name, "capacity": d.room.Capacity})
	}
	d.children = append(d.children, Attendee{ChildID: childID, FamilyID: familyID, Places: slices.Clone(places),
		PlacedAt: now.UTC()})
	return true, nil
}

// Fits reports whether a child with these places would keep the room
// within its capacity at every moment of the day: a morning child and an
// afternoon child share a place.
func (d *Day) Fits(places []Place) bool {
	for _, p := range places {
		// Occupancy only rises at a window's start, so checking each
		// start inside p finds the most at once during p.
		points := []time.Time{p.Start}
		for _, a := range d.children {
			for _, q := range a.Places {
				if !q.Start.Before(p.Start) && q.Start.Before(p.End) {
					points = append(points, q.Start)
				}
			}
		}
		for _, t := range points {
			n := 1
			for _, a := range d.children {
				if a.coversAt(t) {
					n++
				}
			}
			if n > d.room.Capacity {
				return false
			}
		}
	}
	return true
}

// DropBooking takes away a cancelled booking's place. A child left with
// no place who has nothing recorded leaves the room's list; one who came,
// or was reported absent, stays as the record of it.
func (d *Day) DropBooking(bookingID string) bool {
	for i := range d.children {
		a := &d.children[i]
		n := len(a.Places)
		a.Places = slices.DeleteFunc(a.Places, func(p Place) bool { return p.BookingID == bookingID })
		if len(a.Places) == n {
			continue
		}
		if len(a.Places) == 0 && !a.recorded() {
			d.children = slices.Delete(d.children, i, i+1)
		}
		return true
	}
	return false
}

// DaySnapshot is a day as stored; UnmarshalDay rebuilds it without the
// checks of its methods.
type DaySnapshot struct {
	ID         string
	ProviderID string
	Room       RoomRef
	Date       calendar.Date
	Zone       string
	Duties     []Duty
	Children   []Attendee
	Breaches   []Breach
	Pending    []event.Event
}

func (d *Day) Snapshot() DaySnapshot {
	return DaySnapshot{ID: d.id, ProviderID: d.providerID, Room: d.room, Date: d.date, Zone: d.zone,
		Duties: slices.Clone(d.duties), Children: slices.Clone(d.children), Breaches: slices.Clone(d.breaches),
		Pending: d.Pending()}
}

func UnmarshalDay(s DaySnapshot) *Day {
	return &Day{id: s.ID, providerID: s.ProviderID, room: s.Room, date: s.Date, zone: s.Zone,
		duties: slices.Clone(s.Duties), children: slices.Clone(s.Children), breaches: slices.Clone(s.Breaches),
		Outbox: event.RestoreOutbox(s.Pending)}
}

// Scrub takes a family's health data and notes out of the day (of one
// child of it, when childID is set), when the family withdraws its
// consent to children's data or a child's record is deleted: the morning check,
// the parent's and staff's notes, the ID digits of who came. That the
// child came, when, and who took them home stays: it is the provider's
// record of the day, its subsidy claims' evidence.
func (d *Day) Scrub(familyID, childID string) {
	for i := range d.children {
		a := &d.children[i]
		if a.FamilyID != familyID || childID != "" && a.ChildID != childID {
			continue
		}
		if a.CheckIn != nil {
			a.CheckIn.Health, a.CheckIn.ParentNote = HealthCheck{}, ""
		}
		if a.CheckOut != nil {
			a.CheckOut.Note, a.CheckOut.Person.IDLast4 = "", ""
		}
		if a.Absence != nil {
			a.Absence.Note = ""
		}
		for j := range a.Refusals {
			a.Refusals[j].Person.IDLast4 = ""
		}
	}
}
