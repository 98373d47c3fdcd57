package attendance

import (
	"maps"
	"slices"

	"github.com/kincare/kincare/domain/calendar"
)

// Roster is where a provider's children are on one day: the room each is
// placed in, for which bookings. Check-ins, reports and absences find a
// child's room through it by one read of a document with a known id. A
// child is placed in the room's day first and on the roster second, so a
// crash between leaves a child the roster does not name, whom the next
// placement finds already in a room (see app/childday).
type Roster struct {
	id         string
	providerID string
	date       calendar.Date
	entries    map[string]Entry
}

// Entry is one child's place on a day.
type Entry struct {
	RoomID     string
	BookingIDs []string
}

// RosterID names a provider's roster of a date.
func RosterID(providerID string, d calendar.Date) string { return providerID + "_" + d.String() }

func NewRoster(providerID string, d calendar.Date) *Roster {
	return &Roster{id: RosterID(providerID, d), providerID: providerID, date: d, entries: map[string]Entry{}}
}

func (r *Roster) ID() string          { return r.id }
func (r *Roster) ProviderID() string  { return r.providerID }
func (r *Roster) Date() calendar.Date { return r.date }

// Entry finds a child on the roster.
func (r *Roster) Entry(childID string) (Entry, bool) {
	e, ok := r.entries[childID]
	return e, ok
}

// Entries are every child's place, by child id.
func (r *Roster) Entries() map[string]Entry { return maps.Clone(r.entries) }

// Rooms are the rooms children are placed in, each once, sorted.
func (r *Roster) Rooms() []string {
	var out []string
	for _, e := range r.entries {
		if !slices.Contains(out, e.RoomID) {
			out = append(out, e.RoomID)
		}
	}
	slices.Sort(out)
	return out
}

// Put places a child in a room for bookings (adding to the bookings
// already known); false when nothing changed. A child keeps the room
// they were first placed in.
func (r *Roster) Put(childID, roomID string, bookingIDs []string) bool {
	e, ok := r.entries[childID]
	if !ok {
		r.entries[childID] = Entry{RoomID: roomID, BookingIDs: slices.Clone(bookingIDs)}
		return true
	}
	changed := false
	for _, b := range bookingIDs {
		if !slices.Contains(e.BookingIDs, b) {
			e.BookingIDs = append(e.BookingIDs, b)
			changed = true
		}
	}
	r.entries[childID] = e
	return changed
}

// Drop takes a cancelled booking off a child; a child with no booking
// left leaves the roster unless kept (their day holds a record).
func (r *Roster) Drop(childID, bookingID string, keep bool) bool {
	e, ok := r.entries[childID]
	if !ok || !slices.Contains(e.BookingIDs, bookingID) {
		return false
	}
	e.BookingIDs = slices.DeleteFunc(e.BookingIDs, func(b string) bool { return b == bookingID })
	if len(e.BookingIDs) == 0 && !keep {
		delete(r.entries, childID)
	} else {
		r.entries[childID] = e
	}
	return true
}

// RosterSnapshot is a roster as stored.
type RosterSnapshot struct {
	ID         string
	ProviderID string
	Date       calendar.Date
	Entries    map[string]Entry
}

func (r *Roster) Snapshot() RosterSnapshot {
	return RosterSnapshot{ID: r.id, ProviderID: r.providerID, Date: r.date, Entries: maps.Clone(r.entries)}
}

func UnmarshalRoster(s RosterSnapshot) *Roster {
	e := maps.Clone(s.Entries)
	if e == nil {
		e = map[string]Entry{}
	}
	return &Roster{id: s.ID, providerID: s.ProviderID, date: s.Date, entries: e}
}
