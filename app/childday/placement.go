package childday

import (
	"context"
	"slices"
	"sort"
	"time"

	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/attendance"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/childcare"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/domain/room"
)

// Placement: a confirmed booking places its child in a room for each day
// of its window, the first time that day is touched (the provider's day
// view, a check-in, a report, an absence). The room is the first of the
// provider's rooms for the child's age that day with a place at the
// times the child is booked for; a child placed on an earlier day keeps
// that room when it still fits. Placing writes the room's day first
// (where the capacity is checked) and the roster second; a crash between
// leaves a child in a room the roster does not name, whom the next
// placement finds there.

// located is a child's place on a day.
type located struct {
	roomID string
	dayID  string
}

// locate finds the room a child is in at the provider on a day, placing
// them from their bookings if the roster does not have them yet. It
// answers errNoBooking when no confirmed booking gives them a place.
func (s *Service) locate(ctx context.Context, p *provider.Provider, c child.Child, d calendar.Date) (located, error) {
	roster, _, err := s.d.Rosters.Get(ctx, p.ID, d)
	if err != nil {
		return located{}, err
	}
	if e, ok := roster.Entry(c.ID); ok {
		live, err := s.liveBookings(ctx, e.BookingIDs)
		if err != nil {
			return located{}, err
		}
		if len(live) > 0 {
			return located{roomID: e.RoomID, dayID: attendance.DayID(e.RoomID, d)}, nil
		}
		// Every booking that placed the child was cancelled since.
		if err := s.unplace(ctx, p.ID, d, c.ID, e); err != nil {
			return located{}, err
		}
	}
	start, end := attendance.Bounds(d, zone(p))
	bookings, err := s.bookingsOn(ctx, c.ID, p, start, end)
	if err != nil {
		return located{}, err
	}
	if len(bookings) == 0 || !opensOrSession(p, d, bookings) {
		return located{}, errNoBooking
	}
	return s.place(ctx, p, c, d, bookings, nil)
}

// opensOrSession reports whether the bookings give a place on d: a
// booking of a session that day does; a month of full-day care does on
// the days the provider opens.
func opensOrSession(p *provider.Provider, d calendar.Date, bs []*reservation.Booking) bool {
	loc := zone(p)
	for _, b := range bs {
		w := b.Window()
		if calendar.Today(w.Start, loc) == calendar.Today(w.End.Add(-time.Nanosecond), loc) || opensOn(p)(d) {
			return true
		}
	}
	return false
}

// liveBookings keeps the ids of bookings still confirmed.
func (s *Service) liveBookings(ctx context.Context, ids []string) ([]string, error) {
	var out []string
	for _, id := range ids {
		b, err := s.d.Bookings.Get(ctx, id)
		if fault.Is(err, reservation.ErrBookingNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if b.Status() == reservation.Confirmed {
			out = append(out, id)
		}
	}
	return out, nil
}

// unplace takes a child's cancelled bookings off a day; the child stays
// on it if something was recorded about them that day.
func (s *Service) unplace(ctx context.Context, providerID string, d calendar.Date, childID string, e attendance.Entry) error {
	keep := false
	_, err := s.d.Days.Update(ctx, attendance.DayID(e.RoomID, d), nil, func(day *attendance.Day) error {
		for _, b := range e.BookingIDs {
			day.DropBooking(b)
		}
		_, keep = day.Attendee(childID)
		return nil
	})
	if err != nil && !fault.Is(err, attendance.ErrDayNotFound) {
		return err
	}
	_, err = s.d.Rosters.Update(ctx, providerID, d, func(r *attendance.Roster) error {
		for _, b := range e.BookingIDs {
			r.Drop(childID, b, keep)
		}
		return nil
	})
	return err
}

// placesOf cuts bookings' windows to the day.
func placesOf(bs []*reservation.Booking, start, end time.Time) []attendance.Place {
	out := make([]attendance.Place, 0, len(bs))
	for _, b := range bs {
		w := b.Window()
		p := attendance.Place{BookingID: b.ID(), Tier: b.Seat().Tier, Start: w.Start, End: w.End,
			AtDoor: reservations.BookedAtDoor(b.ID())}
		if p.Start.Before(start) {
			p.Start = start
		}
		if p.End.After(end) {
			p.End = end
		}
		out = append(out, p)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Start.Before(out[j].Start) })
	return out
}

// place puts a child in a room for the day and on the roster; prev is
// the provider's previous day's roster (nil: read it).
func (s *Service) place(ctx context.Context, p *provider.Provider, c child.Child, d calendar.Date, bs []*reservation.Booking,
	prev *attendance.Roster) (located, error) {
	if prev == nil {
		var err error
		if prev, err = s.previous(ctx, p.ID, d); err != nil {
			return located{}, err
		}
	}
	setup, err := s.d.Setups.Get(ctx, p.ID)
	if err != nil {
		return located{}, err
	}
	loc := zone(p)
	start, end := attendance.Bounds(d, loc)
	places := placesOf(bs, start, end)
	age := c.Profile.AgeMonthsOn(d)
	rooms := setup.ForAge(age)
	if len(rooms) == 0 {
		return located{}, attendance.ErrNoRoom.With(map[string]any{"ageMonths": age})
	}
	rooms, err = s.preferred(ctx, c.ID, d, rooms, prev)
	if err != nil {
		return located{}, err
	}
	ids := make([]string, len(places))
	for i, pl := range places {
		ids[i] = pl.BookingID
	}
	for _, r := range rooms {
		dayID := attendance.DayID(r.ID(), d)
		_, err := s.d.Days.Update(ctx, dayID, s.freshDay(p, r, d), func(day *attendance.Day) error {
			day.Refresh(r)
			_, err := day.Place(c.ID, c.FamilyID, places, s.d.Now())
			return err
		})
		if fault.Is(err, attendance.ErrRoomFull) {
			continue
		}
		if err != nil {
			return located{}, err
		}
		if _, err := s.d.Rosters.Update(ctx, p.ID, d, func(rs *attendance.Roster) error {
			rs.Put(c.ID, r.ID(), ids)
			return nil
		}); err != nil {
			return located{}, err
		}
		return located{roomID: r.ID(), dayID: dayID}, nil
	}
	return located{}, attendance.ErrRoomFull.With(map[string]any{"ageMonths": age})
}

// previous is the provider's roster of its last day before d within a
// week (a weekend, a holiday between), which a child's room sticks to.
func (s *Service) previous(ctx context.Context, providerID string, d calendar.Date) (*attendance.Roster, error) {
	for back := 1; back <= 7; back++ {
		prev, found, err := s.d.Rosters.Get(ctx, providerID, d.AddDays(-back))
		if err != nil || found {
			return prev, err
		}
	}
	return attendance.NewRoster(providerID, d.AddDays(-7)), nil
}

// preferred orders the candidate rooms: one whose day already holds the
// child (a placement a crash cut short) first, then the room the child
// was in on the provider's previous day, then the rest in the order they
// were made.
func (s *Service) preferred(ctx context.Context, childID string, d calendar.Date, rooms []room.Room, prev *attendance.Roster) ([]room.Room, error) {
	first := func(id string) {
		i := slices.IndexFunc(rooms, func(r room.Room) bool { return r.ID() == id })
		if i > 0 {
			r := rooms[i]
			rooms = append([]room.Room{r}, slices.Delete(rooms, i, i+1)...)
		}
	}
	if e, ok := prev.Entry(childID); ok {
		first(e.RoomID)
	}
	if len(rooms) == 1 {
		return rooms, nil
	}
	for _, r := range rooms {
		day, err := s.d.Days.Get(ctx, attendance.DayID(r.ID(), d))
		if fault.Is(err, attendance.ErrDayNotFound) {
			continue
		}
		if err != nil {
			return nil, err
		}
		if _, ok := day.Attendee(childID); ok {
			first(r.ID())
			break
		}
	}
	return rooms, nil
}

// freshDay starts a room's day in the provider's zone.
func (s *Service) freshDay(p *provider.Provider, r room.Room, d calendar.Date) func() *attendance.Day {
	return func() *attendance.Day { return attendance.NewDay(p.ID, r, d, zone(p).String()) }
}

// Unplaced is a child the provider's bookings bring on a day whom no room
// takes: no room for their age, or every such room full.
type Unplaced struct {
	ChildID   string
	AgeMonths int
	Reason    string
}

// refresh brings a provider's roster of a day up to date with its
// bookings: children booked since are placed, bookings cancelled since
// are taken off. The day view runs it; check-ins place late bookings
// themselves.
func (s *Service) refresh(ctx context.Context, p *provider.Provider, d calendar.Date) ([]Unplaced, error) {
	loc := zone(p)
	start, end := attendance.Bounds(d, loc)
	all, err := s.d.Bookings.AtProvider(ctx, p.ID, start, end)
	if err != nil {
		return nil, err
	}
	confirmed := map[string][]*reservation.Booking{}
	var cancelled []*reservation.Booking
	for _, b := range all {
		if b.Resource().Kind != childcare.ResourceKind {
			continue
		}
		if b.Status() != reservation.Confirmed {
			cancelled = append(cancelled, b)
			continue
		}
		confirmed[b.Seat().RecipientID] = append(confirmed[b.Seat().RecipientID], b)
	}
	roster, _, err := s.d.Rosters.Get(ctx, p.ID, d)
	if err != nil {
		return nil, err
	}
	for _, b := range cancelled {
		e, ok := roster.Entry(b.Seat().RecipientID)
		if ok && slices.Contains(e.BookingIDs, b.ID()) {
			if err := s.unplace(ctx, p.ID, d, b.Seat().RecipientID, attendance.Entry{RoomID: e.RoomID, BookingIDs: []string{b.ID()}}); err != nil {
				return nil, err
			}
		}
	}
	var unplaced []Unplaced
	var prev *attendance.Roster
	childIDs := make([]string, 0, len(confirmed))
	for id := range confirmed {
		childIDs = append(childIDs, id)
	}
	slices.Sort(childIDs)
	for _, id := range childIDs {
		bs := confirmed[id]
		if e, ok := roster.Entry(id); ok && allKnown(e, bs) {
			continue
		}
		if !opensOrSession(p, d, bs) {
			continue
		}
		c, err := s.d.Children.Get(ctx, id)
		if fault.Is(err, child.ErrNotFound) {
			continue // erased with its family's consent
		}
		if err != nil {
			return nil, err
		}
		if prev == nil {
			if prev, err = s.previous(ctx, p.ID, d); err != nil {
				return nil, err
			}
		}
		_, err = s.place(ctx, p, c, d, bs, prev)
		if fe, ok := fault.As(err); ok && (fault.Is(err, attendance.ErrNoRoom) || fault.Is(err, attendance.ErrRoomFull)) {
			unplaced = append(unplaced, Unplaced{ChildID: id, AgeMonths: c.Profile.AgeMonthsOn(d), Reason: fe.Code})
			continue
		}
		if err != nil {
			return nil, err
		}
	}
	return unplaced, nil
}

func allKnown(e attendance.Entry, bs []*reservation.Booking) bool {
	for _, b := range bs {
		if !slices.Contains(e.BookingIDs, b.ID()) {
			return false
		}
	}
	return true
}
