// Package room is where a childcare provider looks after children: its
// rooms (班级/活动室), each for an age band, with a size and a staff to
// child ratio held to the national setting standard, and the provider's
// rules for the day (when a run of absences is worth an alert, how late a
// pickup may be before it counts). Pure domain code.
package room

import (
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/text"
)

var (
	ErrNotFound = fault.New(fault.NotFound, "room_not_found")
	ErrInvalid  = fault.New(fault.Unprocessable, "room_invalid")
	// ErrAboveStandard is a room set larger, or with more children per
	// carer, than the national standard allows for its youngest children.
	ErrAboveStandard = fault.New(fault.Unprocessable, "room_above_standard")
	// ErrHomePointCap is a home childcare point whose rooms together would
	// take more than five children.
	ErrHomePointCap = fault.New(fault.Unprocessable, "home_point_capacity_exceeded")
	ErrNameTaken    = fault.New(fault.Conflict, "room_name_taken")
	ErrTooMany      = fault.New(fault.Conflict, "rooms_full")
	ErrPolicy       = fault.New(fault.Unprocessable, "childcare_policy_invalid")
)

// Band is an age range in whole months, both ends included.
type Band struct{ MinMonths, MaxMonths int }

// Contains reports whether a child of months is of the band.
func (b Band) Contains(months int) bool { return b.MinMonths <= months && months <= b.MaxMonths }

func (b Band) overlaps(o Band) bool { return b.MinMonths <= o.MaxMonths && o.MinMonths <= b.MaxMonths }

// Standard is the national setting standard (托育机构设置标准（试行）,
// 国卫人口发〔2019〕58号) for one age band: how many children one carer
// may look after, and how many children one room may take.
type Standard struct {
	Band             Band
	ChildrenPerStaff int
	MaxChildren      int
}

// Standards are the three bands of the standard: under 12 months 1:3 in
// rooms of at most 10, 12–24 months 1:5 and 15, 24–36 months 1:7 and 20.
var Standards = []Standard{
	{Band{0, 11}, 3, 10},
	{Band{12, 23}, 5, 15},
	{Band{24, 35}, 7, 20},
}

// MaxAgeMonths: childcare takes children under three.
const MaxAgeMonths = 35

// HomePointMaxChildren is what a home childcare point (家庭托育点) takes
// at most, all its rooms together.
const HomePointMaxChildren = 5

// LimitsFor are the ratio and size of a room for band: those of the
// strictest standard band it overlaps, since a mixed room is run by the
// rules of its youngest children.
func LimitsFor(b Band) (childrenPerStaff, maxChildren int) {
	childrenPerStaff, maxChildren = 0, 0
	for _, s := range Standards {
		if !s.Band.overlaps(b) {
			continue
		}
		if childrenPerStaff == 0 || s.ChildrenPerStaff < childrenPerStaff {
			childrenPerStaff = s.ChildrenPerStaff
		}
		if maxChildren == 0 || s.MaxChildren < maxChildren {
			maxChildren = s.MaxChildren
		}
	}
	return childrenPerStaff, maxChildren
}

// Room is one room of a provider.
type Room struct {
	id               string
	name             string
	band             Band
	capacity         int
	childrenPerStaff int
	createdBy        string
	createdAt        time.Time
	updatedAt        time.Time
}

// Spec is what a room is made or changed from. A zero Capacity or
// ChildrenPerStaff takes the standard's value for the band.
type Spec struct {
	Name             string
	Band             Band
	Capacity         int
	ChildrenPerStaff int
}

// nameRule is a room's name, display text (domain/text) on staff's
// screens and in the office's ratio alerts.
var nameRule = text.Rule{Max: 50, Required: true}

// check cleans a spec and fills its defaults, refusing what the standard
// does not allow.
func (s Spec) check() (Spec, error) {
	var fields []fault.FieldError
	bad := func(f, c string) { fields = append(fields, fault.FieldError{Field: f, Code: c}) }
	fields = nameRule.Check(fields, "/name", &s.Name)
	b := s.Band
	if b.MinMonths < 0 || b.MaxMonths > MaxAgeMonths || b.MinMonths > b.MaxMonths {
		bad("/ages", "range")
	}
	if s.Capacity < 0 {
		bad("/capacity", "range")
	}
	if s.ChildrenPerStaff < 0 {
		bad("/childrenPerStaff", "range")
	}
	if len(fields) > 0 {
		return Spec{}, ErrInvalid.WithFields(fields...)
	}
	perStaff, maxChildren := LimitsFor(b)
	if s.Capacity == 0 {
		s.Capacity = maxChildren
	}
	if s.ChildrenPerStaff == 0 {
		s.ChildrenPerStaff = perStaff
	}
	if s.Capacity > maxChildren {
		fields = append(fields, fault.FieldError{Field: "/capacity", Code: "above_standard"})
	}
	if s.ChildrenPerStaff > perStaff {
		fields = append(fields, fault.FieldError{Field: "/childrenPerStaff", Code: "above_standard"})
	}
	if len(fields) > 0 {
		return Spec{}, ErrAboveStandard.With(map[string]any{"maxChildren": maxChildren, "childrenPerStaff": perStaff}).
			WithFields(fields...)
	}
	return s, nil
}

func (r Room) ID() string           { return r.id }
func (r Room) Name() string         { return r.name }
func (r Room) Band() Band           { return r.band }
func (r Room) Capacity() int        { return r.capacity }
func (r Room) CreatedBy() string    { return r.createdBy }
func (r Room) CreatedAt() time.Time { return r.createdAt }
func (r Room) UpdatedAt() time.Time { return r.updatedAt }

// ChildrenPerStaff is the ratio, 1 carer to this many children.
func (r Room) ChildrenPerStaff() int { return r.childrenPerStaff }

// Allowed is how many children staff carers may look after in the room.
func (r Room) Allowed(staff int) int { return staff * r.childrenPerStaff }

// Policy is a provider's rules for the childcare day.
type Policy struct {
	// AbsenceAlertDays is how many booked days in a row a child may be
	// away before the office is told.
	AbsenceAlertDays int
	// LateGraceMinutes is how long after the end of a child's day a
	// pickup is still on time.
	LateGraceMinutes int
}

// DefaultPolicy applies until a provider sets its own.
var DefaultPolicy = Policy{AbsenceAlertDays: 3, LateGraceMinutes: 0}

// Check refuses a policy out of its bounds.
func (p Policy) Check() error {
	var fields []fault.FieldError
	if p.AbsenceAlertDays < 1 || p.AbsenceAlertDays > 30 {
		fields = append(fields, fault.FieldError{Field: "/absenceAlertDays", Code: "range"})
	}
	if p.LateGraceMinutes < 0 || p.LateGraceMinutes > 60 {
		fields = append(fields, fault.FieldError{Field: "/lateGraceMinutes", Code: "range"})
	}
	if len(fields) > 0 {
		return ErrPolicy.WithFields(fields...)
	}
	return nil
}

// Setup is one provider's rooms and day policy: one document, so a new
// room is checked against the others (names, a home point's five
// children) in the write that adds it.
type Setup struct {
	providerID string
	rooms      []Room
	policy     Policy
}

// MaxRooms bounds a provider's setup document.
const MaxRooms = 30

// NewSetup is a provider's setup before it has any room.
func NewSetup(providerID string) *Setup {
	return &Setup{providerID: providerID, policy: DefaultPolicy}
}

func (s *Setup) ProviderID() string { return s.providerID }
func (s *Setup) Rooms() []Room      { return slices.Clone(s.rooms) }
func (s *Setup) Policy() Policy     { return s.policy }

// Room finds a room.
func (s *Setup) Room(id string) (Room, error) {
	i := slices.IndexFunc(s.rooms, func(r Room) bool { return r.id == id })
	if i < 0 {
		return Room{}, ErrNotFound
	}
	return s.rooms[i], nil
}

// ForAge are the rooms that take a child of months, in the order they
// were made.
func (s *Setup) ForAge(months int) []Room {
	var out []Room
	for _, r := range s.rooms {
		if r.band.Contains(months) {
			out = append(out, r)
		}
	}
	return out
}

// AddRoom makes a room. homePoint is a provider registered only as a
// home childcare point.
func (s *Setup) AddRoom(id string, spec Spec, homePoint bool, by string, now time.Time) (Room, error) {
	if len(s.rooms) >= MaxRooms {
		return Room{}, ErrTooMany.With(map[string]any{"max": MaxRooms})
	}
	spec, err := spec.check()
	if err != nil {
		return Room{}, err
	}
	r := Room{id: id, name: spec.Name, band: spec.Band, capacity: spec.Capacity, childrenPerStaff: spec.ChildrenPerStaff,
		createdBy: by, createdAt: now.UTC(), updatedAt: now.UTC()}
	if err := s.fits(r, homePoint); err != nil {
		return Room{}, err
	}
	s.rooms = append(s.rooms, r)
	return r, nil
}

// UpdateRoom changes a room within the standard. Children already placed
// for a day keep their place; the new size counts for places made from
// now on, the new ratio from the next check of the room.
func (s *Setup) UpdateRoom(id string, spec Spec, homePoint bool, now time.Time) (Room, error) {
	i := slices.IndexFunc(s.rooms, func(r Room) bool { return r.id == id })
	if i < 0 {
		return Room{}, ErrNotFound
	}
	spec, err := spec.check()
	if err != nil {
		return Room{}, err
	}
	r := s.rooms[i]
	r.name, r.band, r.capacity, r.childrenPerStaff, r.updatedAt = spec.Name, spec.Band, spec.Capacity, spec.ChildrenPerStaff, now.UTC()
	if err := s.fits(r, homePoint); err != nil {
		return Room{}, err
	}
	s.rooms[i] = r
	return r, nil
}

// fits checks r beside the other rooms: a name of its own, and a home
// point's five children at most.
func (s *Setup) fits(r Room, homePoint bool) error {
	total := r.capacity
	for _, o := range s.rooms {
		if o.id == r.id {
			continue
		}
		if strings.EqualFold(o.name, r.name) {
			return ErrNameTaken.WithFields(fault.FieldError{Field: "/name", Code: "taken"})
		}
		total += o.capacity
	}
	if homePoint && total > HomePointMaxChildren {
		return ErrHomePointCap.With(map[string]any{"max": HomePointMaxChildren}).
			WithFields(fault.FieldError{Field: "/capacity", Code: "home_point_max_" + strconv.Itoa(HomePointMaxChildren)})
	}
	return nil
}

// SetPolicy replaces the day policy.
func (s *Setup) SetPolicy(p Policy) error {
	if err := p.Check(); err != nil {
		return err
	}
	s.policy = p
	return nil
}

// SetupSnapshot is a setup as stored; UnmarshalSetup rebuilds it without
// the checks of its methods (what was stored was valid).
type SetupSnapshot struct {
	ProviderID string
	Rooms      []RoomSnapshot
	Policy     Policy
}

// RoomSnapshot is a room as stored.
type RoomSnapshot struct {
	ID               string
	Name             string
	Band             Band
	Capacity         int
	ChildrenPerStaff int
	CreatedBy        string
	CreatedAt        time.Time
	UpdatedAt        time.Time
}

func (s *Setup) Snapshot() SetupSnapshot {
	out := SetupSnapshot{ProviderID: s.providerID, Policy: s.policy, Rooms: make([]RoomSnapshot, len(s.rooms))}
	for i, r := range s.rooms {
		out.Rooms[i] = RoomSnapshot{ID: r.id, Name: r.name, Band: r.band, Capacity: r.capacity,
			ChildrenPerStaff: r.childrenPerStaff, CreatedBy: r.createdBy, CreatedAt: r.createdAt, UpdatedAt: r.updatedAt}
	}
	return out
}

func UnmarshalSetup(s SetupSnapshot) *Setup {
	out := &Setup{providerID: s.ProviderID, policy: s.Policy, rooms: make([]Room, len(s.Rooms))}
	for i, r := range s.Rooms {
		out.rooms[i] = Room{id: r.ID, name: r.Name, band: r.Band, capacity: r.Capacity, childrenPerStaff: r.ChildrenPerStaff,
			createdBy: r.CreatedBy, createdAt: r.CreatedAt, updatedAt: r.UpdatedAt}
	}
	if out.policy == (Policy{}) {
		out.policy = DefaultPolicy
	}
	return out
}
