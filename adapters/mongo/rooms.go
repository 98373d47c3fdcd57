package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kincare/kincare/domain/attendance"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/room"
)

const (
	setupsColl  = "childcareSetups"
	rostersColl = "rosters"
	ratesColl   = "subsidyRates"
)

// errMissing stands for "no document yet" inside the upserts of records
// that exist implicitly (an empty setup, an empty roster, a region
// without rates); it never leaves this package.
var errMissing = errors.New("mongo: no such document yet")

// setupDoc is a provider's rooms and day policy; _id is the provider's.
type setupDoc struct {
	ID      string    `bson:"_id"`
	Rooms   []roomDoc `bson:"rooms"`
	Policy  policyDoc `bson:"policy"`
	Version int64     `bson:"version"`
}

type roomDoc struct {
	ID               string    `bson:"id"`
	Name             string    `bson:"name"`
	MinMonths        int       `bson:"minMonths"`
	MaxMonths        int       `bson:"maxMonths"`
	Capacity         int       `bson:"capacity"`
	ChildrenPerStaff int       `bson:"childrenPerStaff"`
	CreatedBy        string    `bson:"createdBy"`
	CreatedAt        time.Time `bson:"createdAt"`
	UpdatedAt        time.Time `bson:"updatedAt"`
}

type policyDoc struct {
	AbsenceAlertDays int `bson:"absenceAlertDays"`
	LateGraceMinutes int `bson:"lateGraceMinutes"`
}

func toSetupDoc(s *room.Setup, version int64) setupDoc {
	snap := s.Snapshot()
	d := setupDoc{ID: snap.ProviderID, Version: version, Rooms: make([]roomDoc, len(snap.Rooms)),
		Policy: policyDoc{AbsenceAlertDays: snap.Policy.AbsenceAlertDays, LateGraceMinutes: snap.Policy.LateGraceMinutes}}
	for i, r := range snap.Rooms {
		d.Rooms[i] = roomDoc{ID: r.ID, Name: r.Name, MinMonths: r.Band.MinMonths, MaxMonths: r.Band.MaxMonths,
			Capacity: r.Capacity, ChildrenPerStaff: r.ChildrenPerStaff, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt,
			UpdatedAt: r.UpdatedAt}
	}
	return d
}

func (d setupDoc) setup() (*room.Setup, int64, error) {
	snap := room.SetupSnapshot{ProviderID: d.ID, Rooms: make([]room.RoomSnapshot, len(d.Rooms)),
		Policy: room.Policy{AbsenceAlertDays: d.Policy.AbsenceAlertDays, LateGraceMinutes: d.Policy.LateGraceMinutes}}
	for i, r := range d.Rooms {
		snap.Rooms[i] = room.RoomSnapshot{ID: r.ID, Name: r.Name, Band: room.Band{MinMonths: r.MinMonths, MaxMonths: r.MaxMonths},
			Capacity: r.Capacity, ChildrenPerStaff: r.ChildrenPerStaff, CreatedBy: r.CreatedBy, CreatedAt: r.CreatedAt.UTC(),
			UpdatedAt: r.UpdatedAt.UTC()}
	}
	return room.UnmarshalSetup(snap), d.Version, nil
}

// Setups implements childday.Setups.
type Setups struct {
	coll  *collection
	guard *writeGuard
	bell  *outboxBell
}

func (s *Store) Setups() *Setups {
	return &Setups{coll: s.collection(setupsColl), guard: s.guard, bell: s.bell}
}

func (r *Setups) find(ctx context.Context, id string) (setupDoc, error) {
	return findByID[setupDoc](ctx, r.coll, id, "childcare setup", errMissing)
}

// Get answers an empty setup for a provider that has none yet.
func (r *Setups) Get(ctx context.Context, providerID string) (*room.Setup, error) {
	d, err := r.find(ctx, providerID)
	if errors.Is(err, errMissing) {
		return room.NewSetup(providerID), nil
	}
	if err != nil {
		return nil, err
	}
	s, _, err := d.setup()
	return s, err
}

func (r *Setups) Update(ctx context.Context, providerID string, fn func(*room.Setup) error) (*room.Setup, error) {
	return upsertVersioned(ctx, r.coll, r.guard, r.bell, "childcare setup", providerID, errMissing, r.find, setupDoc.setup,
		func() *room.Setup { return room.NewSetup(providerID) }, fn, toSetupDoc)
}

// rosterDoc is where a provider's children are on a day; _id is
// providerId_date.
type rosterDoc struct {
	ID         string           `bson:"_id"`
	ProviderID string           `bson:"providerId"`
	Date       string           `bson:"date"`
	Entries    []rosterEntryDoc `bson:"entries"`
	Version    int64            `bson:"version"`
}

type rosterEntryDoc struct {
	ChildID    string   `bson:"childId"`
	RoomID     string   `bson:"roomId"`
	BookingIDs []string `bson:"bookingIds"`
}

func toRosterDoc(r *attendance.Roster, version int64) rosterDoc {
	snap := r.Snapshot()
	d := rosterDoc{ID: snap.ID, ProviderID: snap.ProviderID, Date: snap.Date.String(), Version: version,
		Entries: make([]rosterEntryDoc, 0, len(snap.Entries))}
	for child, e := range snap.Entries {
		d.Entries = append(d.Entries, rosterEntryDoc{ChildID: child, RoomID: e.RoomID, BookingIDs: stringList(e.BookingIDs)})
	}
	return d
}

func (d rosterDoc) roster() (*attendance.Roster, int64, error) {
	date, err := calendar.ParseDate(d.Date)
	if err != nil {
		return nil, 0, fmt.Errorf("mongo: roster %s: %w", d.ID, err)
	}
	entries := make(map[string]attendance.Entry, len(d.Entries))
	for _, e := range d.Entries {
		entries[e.ChildID] = attendance.Entry{RoomID: e.RoomID, BookingIDs: e.BookingIDs}
	}
	return attendance.UnmarshalRoster(attendance.RosterSnapshot{ID: d.ID, ProviderID: d.ProviderID, Date: date,
		Entries: entries}), d.Version, nil
}

// Rosters implements childday.Rosters.
type Rosters struct {
	coll  *collection
	guard *writeGuard
	bell  *outboxBell
}

func (s *Store) Rosters() *Rosters {
	return &Rosters{coll: s.collection(rostersColl), guard: s.guard, bell: s.bell}
}

func (r *Rosters) find(ctx context.Context, id string) (rosterDoc, error) {
	return findByID[rosterDoc](ctx, r.coll, id, "roster", errMissing)
}

// Get answers an empty roster and false for a day nobody was placed on.
func (r *Rosters) Get(ctx context.Context, providerID string, date calendar.Date) (*attendance.Roster, bool, error) {
	d, err := r.find(ctx, attendance.RosterID(providerID, date))
	if errors.Is(err, errMissing) {
		return attendance.NewRoster(providerID, date), false, nil
	}
	if err != nil {
		return nil, false, err
	}
	ro, _, err := d.roster()
	return ro, err == nil, err
}

func (r *Rosters) Update(ctx context.Context, providerID string, date calendar.Date, fn func(*attendance.Roster) error) (*attendance.Roster, error) {
	return upsertVersioned(ctx, r.coll, r.guard, r.bell, "roster", attendance.RosterID(providerID, date), errMissing, r.find,
		rosterDoc.roster, func() *attendance.Roster { return attendance.NewRoster(providerID, date) }, fn, toRosterDoc)
}

// rateBookDoc is a region's subsidy rates; _id is the region code.
type rateBookDoc struct {
	ID      string    `bson:"_id"`
	Rates   []rateDoc `bson:"rates"`
	Version int64     `bson:"version"`
}

type rateDoc struct {
	DailyFen int64     `bson:"dailyFen"`
	Basis    string    `bson:"basis"`
	From     string    `bson:"from"`
	Document string    `bson:"document"`
	SetBy    string    `bson:"setBy"`
	SetAt    time.Time `bson:"setAt"`
}

func toRateBookDoc(b *attendance.RateBook, version int64) rateBookDoc {
	d := rateBookDoc{ID: b.RegionCode(), Version: version, Rates: []rateDoc{}}
	for _, r := range b.Rates() {
		d.Rates = append(d.Rates, rateDoc{DailyFen: r.DailyFen, Basis: string(r.Basis), From: r.From.String(),
			Document: r.Document, SetBy: r.SetBy, SetAt: r.SetAt})
	}
	return d
}

func (d rateBookDoc) book() (*attendance.RateBook, int64, error) {
	rates := make([]attendance.Rate, len(d.Rates))
	for i, r := range d.Rates {
		m, err := attendance.ParseMonth(r.From)
		if err != nil {
			return nil, 0, fmt.Errorf("mongo: rates of %s: %w", d.ID, err)
		}
		rates[i] = attendance.Rate{RegionCode: d.ID, DailyFen: r.DailyFen, Basis: attendance.Basis(r.Basis), From: m,
			Document: r.Document, SetBy: r.SetBy, SetAt: r.SetAt.UTC()}
	}
	return attendance.UnmarshalRateBook(d.ID, rates), d.Version, nil
}

// Rates implements childday.Rates.
type Rates struct {
	coll  *collection
	guard *writeGuard
	bell  *outboxBell
}

func (s *Store) Rates() *Rates {
	return &Rates{coll: s.collection(ratesColl), guard: s.guard, bell: s.bell}
}

func (r *Rates) find(ctx context.Context, id string) (rateBookDoc, error) {
	return findByID[rateBookDoc](ctx, r.coll, id, "subsidy rates", errMissing)
}

// Get answers an empty book for a region without rates.
func (r *Rates) Get(ctx context.Context, regionCode string) (*attendance.RateBook, error) {
	d, err := r.find(ctx, regionCode)
	if errors.Is(err, errMissing) {
		return attendance.NewRateBook(regionCode), nil
	}
	if err != nil {
		return nil, err
	}
	b, _, err := d.book()
	return b, err
}

func (r *Rates) Update(ctx context.Context, regionCode string, fn func(*attendance.RateBook) error) (*attendance.RateBook, error) {
	return upsertVersioned(ctx, r.coll, r.guard, r.bell, "subsidy rates", regionCode, errMissing, r.find, rateBookDoc.book,
		func() *attendance.RateBook { return attendance.NewRateBook(regionCode) }, fn, toRateBookDoc)
}
