package reservation

import (
	"slices"
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
)

// Resource is what a slot is a window of: a childcare offering, a class
// session, a bathing van.
type Resource struct {
	Kind string // "childcare_offering", ...
	ID   string
}

// Window is when the slot's units are used, in UTC, with the zone its
// provider keeps days in (ages and "today" are counted there).
type Window struct {
	Start, End time.Time
	TimeZone   string
}

// Rules are how holds on the slot behave, copied from its resource when
// the slot is made.
type Rules struct {
	// HoldTTL is how long a hold keeps its unit before it returns.
	HoldTTL time.Duration
	// MaxHoldsPerUser bounds one user's live holds on the slot (twins
	// need two places; nobody needs ten).
	MaxHoldsPerUser int
	// HoldsCloseAt is the last moment a hold can be taken: a day's or an
	// hour's slot closes when it starts, a month of full-day care when
	// the month ends.
	HoldsCloseAt time.Time
	// OneSeatPerUser seats each user at most once (a class seats the
	// person who attends; a family books childcare places per child).
	OneSeatPerUser bool
}

// DefaultHoldTTL is a hold's life unless the resource sets one.
const DefaultHoldTTL = 10 * time.Minute

// Hold lives and user cap bounds.
const (
	MinHoldTTL             = time.Minute
	MaxHoldTTL             = time.Hour
	DefaultMaxHoldsPerUser = 2
	MaxHoldsPerUser        = 10
)

// Seat is a confirmed unit: the booking as the slot knows it. It carries
// all a Booking is made from, so a booking lost between the slot's write
// and its own can be written again from the seat.
type Seat struct {
	HoldID      string // also the booking's id
	Tier        Tier
	BookedBy    string
	FamilyID    string
	RecipientID string // the child (or elder) the unit is for
	PriceFen    int64
	At          time.Time
}

// Slot is one document: its capacity, the seats confirmed on it, its
// waitlist and the holds it gave to people from the waitlist. Every
// change is one conditional write of it, so confirmed seats never exceed
// the capacity whatever Redis believes.
type Slot struct {
	id         string
	resource   Resource
	providerID string
	window     Window
	capacity   Capacity
	rules      Rules
	seats      []Seat
	waitlist   []Waiter
	promotions []Promotion
	createdAt  time.Time
	event.Outbox
}

// Draft is what a new slot is made from.
type Draft struct {
	ID         string
	Resource   Resource
	ProviderID string
	Window     Window
	Capacity   Capacity
	Rules      Rules
}

// New makes an empty slot.
func New(d Draft, now time.Time) (*Slot, error) {
	if d.ID == "" || d.Resource.ID == "" || d.Resource.Kind == "" || d.ProviderID == "" {
		return nil, ErrWindowInvalid
	}
	if !d.Window.End.After(d.Window.Start) || d.Window.TimeZone == "" {
		return nil, ErrWindowInvalid
	}
	if err := d.Capacity.Validate(); err != nil {
		return nil, err
	}
	r := d.Rules
	if r.HoldTTL == 0 {
		r.HoldTTL = DefaultHoldTTL
	}
	if r.MaxHoldsPerUser == 0 {
		r.MaxHoldsPerUser = DefaultMaxHoldsPerUser
	}
	if r.HoldsCloseAt.IsZero() {
		r.HoldsCloseAt = d.Window.Start
	}
	w := d.Window
	w.Start, w.End = w.Start.UTC(), w.End.UTC()
	r.HoldsCloseAt = r.HoldsCloseAt.UTC()
	return &Slot{id: d.ID, resource: d.Resource, providerID: d.ProviderID, window: w, capacity: d.Capacity,
		rules: r, createdAt: now.UTC()}, nil
}

func (s *Slot) ID() string           { return s.id }
func (s *Slot) Resource() Resource   { return s.resource }
func (s *Slot) ProviderID() string   { return s.providerID }
func (s *Slot) Window() Window       { return s.window }
func (s *Slot) Capacity() Capacity   { return s.capacity }
func (s *Slot) Rules() Rules         { return s.rules }
func (s *Slot) Seats() []Seat        { return slices.Clone(s.seats) }
func (s *Slot) CreatedAt() time.Time { return s.createdAt }

// StartLocal is the window's start as its provider's clock shows it, for
// people to read.
func (w Window) StartLocal() string { return w.local(w.Start, "2006-01-02 15:04") }

func (w Window) local(t time.Time, layout string) string {
	loc, err := time.LoadLocation(w.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	return t.In(loc).Format(layout)
}

// OpenForHolds reports whether holds may still be taken at now.
func (s *Slot) OpenForHolds(now time.Time) bool { return now.Before(s.rules.HoldsCloseAt) }

// Confirmed counts the seats of a tier.
func (s *Slot) Confirmed(t Tier) int {
	n := 0
	for _, st := range s.seats {
		if st.Tier == t {
			n++
		}
	}
	return n
}

// Seat finds the seat a hold became.
func (s *Slot) Seat(holdID string) (Seat, bool) {
	i := slices.IndexFunc(s.seats, func(st Seat) bool { return st.HoldID == holdID })
	if i < 0 {
		return Seat{}, false
	}
	return s.seats[i], true
}

// Confirm turns a held unit into a seat. A hold already seated answers
// its seat and false, so a retried confirmation changes nothing; a tier
// with every unit seated refuses.
func (s *Slot) Confirm(st Seat, now time.Time) (Seat, bool, error) {
	if existing, ok := s.Seat(st.HoldID); ok {
		return existing, false, nil
	}
	if st.HoldID == "" || st.BookedBy == "" {
		return Seat{}, false, ErrHoldNotFound
	}
	if st.Tier != Market && st.Tier != Inclusive {
		return Seat{}, false, ErrTierInvalid
	}
	if other, ok := s.SeatOf(st.BookedBy); ok && s.rules.OneSeatPerUser {
		return Seat{}, false, ErrAlreadyBooked.With(map[string]any{"bookingId": other.HoldID})
	}
	if s.Confirmed(st.Tier) >= s.capacity.Pool(st.Tier) {
		return Seat{}, false, ErrSlotFull.With(map[string]any{"tier": string(st.Tier)})
	}
	st.At = now.UTC()
	s.seats = append(s.seats, st)
	s.dropPromotion(st.HoldID)
	return st, true, nil
}

// Release gives a seat's unit back; false when the hold has no seat.
func (s *Slot) Release(holdID string) (Seat, bool) {
	i := slices.IndexFunc(s.seats, func(st Seat) bool { return st.HoldID == holdID })
	if i < 0 {
		return Seat{}, false
	}
	st := s.seats[i]
	s.seats = slices.Delete(s.seats, i, i+1)
	return st, true
}

// SetCapacity resizes the slot. It may grow at any time and shrink only
// down to what is seated, in total and in each tier.
func (s *Slot) SetCapacity(c Capacity) error {
	if err := c.Validate(); err != nil {
		return err
	}
	for _, t := range Tiers {
		if c.Pool(t) < s.Confirmed(t) {
			field := "/capacity"
			if t == Inclusive {
				field = "/inclusiveQuota"
			}
			return ErrBelowConfirmed.With(map[string]any{"tier": string(t), "confirmed": s.Confirmed(t)}).
				WithFields(fault.FieldError{Field: field, Code: "below_confirmed"})
		}
	}
	s.capacity = c
	return nil
}
