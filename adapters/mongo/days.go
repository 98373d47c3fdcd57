package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/domain/attendance"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/reservation"
)

const roomDaysColl = "roomDays"

// dayDoc is one room's day; _id is roomId_date, so every use reads it by
// id. The date is kept as YYYY-MM-DD, which sorts as dates do, for the
// month a statement reads by provider and date.
type dayDoc struct {
	ID          string        `bson:"_id"`
	ProviderID  string        `bson:"providerId"`
	Room        roomRefDoc    `bson:"room"`
	Date        string        `bson:"date"`
	Zone        string        `bson:"zone"`
	Duties      []dutyDoc     `bson:"duties"`
	Children    []attendeeDoc `bson:"children"`
	Breaches    []breachDoc   `bson:"breaches"`
	Version     int64         `bson:"version"`
	Pending     []eventDoc    `bson:"pendingEvents,omitempty"`
	OutboxSince *time.Time    `bson:"outboxSince,omitempty"`
}

func (d dayDoc) pendingEvents() int { return len(d.Pending) }

type roomRefDoc struct {
	ID               string `bson:"id"`
	Name             string `bson:"name"`
	ChildrenPerStaff int    `bson:"childrenPerStaff"`
	Capacity         int    `bson:"capacity"`
}

type dutyDoc struct {
	UserID     string     `bson:"userId"`
	AssignedBy string     `bson:"assignedBy"`
	AssignedAt time.Time  `bson:"assignedAt"`
	Shifts     []shiftDoc `bson:"shifts"`
}

type shiftDoc struct {
	In    time.Time  `bson:"in"`
	InBy  string     `bson:"inBy"`
	Out   *time.Time `bson:"out,omitempty"`
	OutBy string     `bson:"outBy,omitempty"`
}

type attendeeDoc struct {
	ChildID  string       `bson:"childId"`
	FamilyID string       `bson:"familyId"`
	Places   []placeDoc   `bson:"places"`
	PlacedAt time.Time    `bson:"placedAt"`
	CheckIn  *checkInDoc  `bson:"checkIn,omitempty"`
	CheckOut *checkOutDoc `bson:"checkOut,omitempty"`
	Absence  *absenceDoc  `bson:"absence,omitempty"`
	NoShow   *noShowDoc   `bson:"noShow,omitempty"`
	Refusals []refusalDoc `bson:"refusals,omitempty"`
}

type placeDoc struct {
	BookingID string    `bson:"bookingId"`
	Tier      string    `bson:"tier"`
	Start     time.Time `bson:"start"`
	End       time.Time `bson:"end"`
	AtDoor    bool      `bson:"atDoor,omitempty"`
}

type checkInDoc struct {
	At               time.Time `bson:"at"`
	By               string    `bson:"by"`
	TemperatureDeciC int       `bson:"temperatureDeciC"`
	Result           string    `bson:"result"`
	Notes            string    `bson:"notes,omitempty"`
	ParentNote       string    `bson:"parentNote,omitempty"`
}

type pickupRecordDoc struct {
	PickupPersonID string `bson:"pickupPersonId,omitempty"`
	Name           string `bson:"name"`
	Relation       string `bson:"relation,omitempty"`
	IDLast4        string `bson:"idLast4,omitempty"`
	OneTime        bool   `bson:"oneTime,omitempty"`
}

type checkOutDoc struct {
	At           time.Time       `bson:"at"`
	By           string          `bson:"by"`
	Person       pickupRecordDoc `bson:"person"`
	Verification string          `bson:"verification"`
	Note         string          `bson:"note,omitempty"`
	Due          time.Time       `bson:"due"`
	LateMinutes  int             `bson:"lateMinutes"`
}

type absenceDoc struct {
	ID         string    `bson:"id"`
	Reason     string    `bson:"reason"`
	Note       string    `bson:"note,omitempty"`
	ReportedBy string    `bson:"reportedBy"`
	ReportedAt time.Time `bson:"reportedAt"`
}

type noShowDoc struct {
	By string    `bson:"by"`
	At time.Time `bson:"at"`
}

type refusalDoc struct {
	At     time.Time       `bson:"at"`
	By     string          `bson:"by"`
	Person pickupRecordDoc `bson:"person"`
	Reason string          `bson:"reason"`
}

type breachDoc struct {
	Start    time.Time  `bson:"start"`
	End      *time.Time `bson:"end,omitempty"`
	Children int        `bson:"children"`
	Staff    int        `bson:"staff"`
	Allowed  int        `bson:"allowed"`
	Peak     int        `bson:"peak"`
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

func fromOptTime(t *time.Time) time.Time {
	if t == nil {
		return time.Time{}
	}
	return t.UTC()
}

func toPickupRecord(p attendance.Pickup) pickupRecordDoc {
	return pickupRecordDoc{PickupPersonID: p.PickupPersonID, Name: p.Name, Relation: p.Relation, IDLast4: p.IDLast4, OneTime: p.OneTime}
}

func (d pickupRecordDoc) pickup() attendance.Pickup {
	return attendance.Pickup{PickupPersonID: d.PickupPersonID, Name: d.Name, Relation: d.Relation, IDLast4: d.IDLast4, OneTime: d.OneTime}
}

func toDayDoc(day *attendance.Day, version int64) dayDoc {
	s := day.Snapshot()
	d := dayDoc{ID: s.ID, ProviderID: s.ProviderID, Date: s.Date.String(), Zone: s.Zone, Version: version,
		Room:   roomRefDoc{ID: s.Room.ID, Name: s.Room.Name, ChildrenPerStaff: s.Room.ChildrenPerStaff, Capacity: s.Room.Capacity},
		Duties: docList(s.Duties, toDutyDoc), Children: docList(s.Children, toAttendeeDoc),
		Breaches: docList(s.Breaches, func(b attendance.Breach) breachDoc {
			return breachDoc{Start: b.Start, End: optTime(b.End), Children: b.Children, Staff: b.Staff, Allowed: b.Allowed, Peak: b.Peak}
		}),
		Pending: toEventDocs(s.Pending), OutboxSince: outboxSince(s.Pending)}
	return d
}

func toDutyDoc(du attendance.Duty) dutyDoc {
	return dutyDoc{UserID: du.UserID, AssignedBy: du.AssignedBy, AssignedAt: du.AssignedAt,
		Shifts: docList(du.Shifts, func(s attendance.Shift) shiftDoc {
			return shiftDoc{In: s.In, InBy: s.InBy, Out: optTime(s.Out), OutBy: s.OutBy}
		})}
}

func toAttendeeDoc(a attendance.Attendee) attendeeDoc {
	d := attendeeDoc{ChildID: a.ChildID, FamilyID: a.FamilyID, PlacedAt: a.PlacedAt,
		Places: docList(a.Places, func(p attendance.Place) placeDoc {
			return placeDoc{BookingID: p.BookingID, Tier: string(p.Tier), Start: p.Start, End: p.End, AtDoor: p.AtDoor}
		}),
		Refusals: docList(a.Refusals, func(r attendance.Refusal) refusalDoc {
			return refusalDoc{At: r.At, By: r.By, Person: toPickupRecord(r.Person), Reason: string(r.Reason)}
		})}
	if c := a.CheckIn; c != nil {
		d.CheckIn = &checkInDoc{At: c.At, By: c.By, TemperatureDeciC: c.Health.TemperatureDeciC, Result: string(c.Health.Result),
			Notes: c.Health.Notes, ParentNote: c.ParentNote}
	}
	if c := a.CheckOut; c != nil {
		d.CheckOut = &checkOutDoc{At: c.At, By: c.By, Person: toPickupRecord(c.Person), Verification: string(c.Verification),
			Note: c.Note, Due: c.Due, LateMinutes: c.LateMinutes}
	}
	if ab := a.Absence; ab != nil {
		d.Absence = &absenceDoc{ID: ab.ID, Reason: string(ab.Reason), Note: ab.Note, ReportedBy: ab.ReportedBy, ReportedAt: ab.ReportedAt}
	}
	if n := a.NoShow; n != nil {
		d.NoShow = &noShowDoc{By: n.By, At: n.At}
	}
	return d
}

func (a attendeeDoc) attendee() attendance.Attendee {
	out := attendance.Attendee{ChildID: a.ChildID, FamilyID: a.FamilyID, PlacedAt: a.PlacedAt.UTC()}
	for _, p := range a.Places {
		out.Places = append(out.Places, attendance.Place{BookingID: p.BookingID, Tier: reservation.Tier(p.Tier),
			Start: p.Start.UTC(), End: p.End.UTC(), AtDoor: p.AtDoor})
	}
	for _, r := range a.Refusals {
		out.Refusals = append(out.Refusals, attendance.Refusal{At: r.At.UTC(), By: r.By, Person: r.Person.pickup(),
			Reason: attendance.RefusalReason(r.Reason)})
	}
	if c := a.CheckIn; c != nil {
		out.CheckIn = &attendance.CheckIn{At: c.At.UTC(), By: c.By, ParentNote: c.ParentNote,
			Health: attendance.HealthCheck{TemperatureDeciC: c.TemperatureDeciC, Result: attendance.HealthResult(c.Result), Notes: c.Notes}}
	}
	if c := a.CheckOut; c != nil {
		out.CheckOut = &attendance.CheckOut{At: c.At.UTC(), By: c.By, Person: c.Person.pickup(),
			Verification: attendance.Verification(c.Verification), Note: c.Note, Due: c.Due.UTC(), LateMinutes: c.LateMinutes}
	}
	if ab := a.Absence; ab != nil {
		out.Absence = &attendance.Absence{ID: ab.ID, Reason: attendance.AbsenceReason(ab.Reason), Note: ab.Note,
			ReportedBy: ab.ReportedBy, ReportedAt: ab.ReportedAt.UTC()}
	}
	if n := a.NoShow; n != nil {
		out.NoShow = &attendance.NoShow{By: n.By, At: n.At.UTC()}
	}
	return out
}

func (d dayDoc) day() (*attendance.Day, int64, error) {
	date, err := calendar.ParseDate(d.Date)
	if err != nil {
		return nil, 0, fmt.Errorf("mongo: room day %s: %w", d.ID, err)
	}
	s := attendance.DaySnapshot{ID: d.ID, ProviderID: d.ProviderID, Date: date, Zone: d.Zone,
		Room:    attendance.RoomRef{ID: d.Room.ID, Name: d.Room.Name, ChildrenPerStaff: d.Room.ChildrenPerStaff, Capacity: d.Room.Capacity},
		Pending: fromEventDocs(d.Pending)}
	for _, du := range d.Duties {
		duty := attendance.Duty{UserID: du.UserID, AssignedBy: du.AssignedBy, AssignedAt: du.AssignedAt.UTC()}
		for _, sh := range du.Shifts {
			duty.Shifts = append(duty.Shifts, attendance.Shift{In: sh.In.UTC(), InBy: sh.InBy, Out: fromOptTime(sh.Out), OutBy: sh.OutBy})
		}
		s.Duties = append(s.Duties, duty)
	}
	for _, a := range d.Children {
		s.Children = append(s.Children, a.attendee())
	}
	for _, b := range d.Breaches {
		s.Breaches = append(s.Breaches, attendance.Breach{Start: b.Start.UTC(), End: fromOptTime(b.End), Children: b.Children,
			Staff: b.Staff, Allowed: b.Allowed, Peak: b.Peak})
	}
	return attendance.UnmarshalDay(s), d.Version, nil
}

// Days implements childday.Days.
type Days struct {
	coll  *collection
	guard *writeGuard
	bell  *outboxBell
}

func (s *Store) Days() *Days {
	return &Days{coll: s.collection(roomDaysColl), guard: s.guard, bell: s.bell}
}

func (r *Days) find(ctx context.Context, id string) (dayDoc, error) {
	return findByID[dayDoc](ctx, r.coll, id, "room day", attendance.ErrDayNotFound)
}

// Get returns attendance.ErrDayNotFound for a day nothing happened in.
func (r *Days) Get(ctx context.Context, id string) (*attendance.Day, error) {
	d, err := r.find(ctx, id)
	if err != nil {
		return nil, err
	}
	day, _, err := d.day()
	return day, err
}

// Update loads or starts a day, applies fn and writes it with its events.
func (r *Days) Update(ctx context.Context, id string, fresh func() *attendance.Day, fn func(*attendance.Day) error) (*attendance.Day, error) {
	return upsertVersioned(ctx, r.coll, r.guard, r.bell, "room day", id, attendance.ErrDayNotFound, r.find, dayDoc.day,
		fresh, fn, toDayDoc)
}

// OfProvider are a provider's room days from one date to another, both
// included, by date. A month of a provider's rooms is at most a few
// hundred documents.
func (r *Days) OfProvider(ctx context.Context, providerID string, from, to calendar.Date) ([]*attendance.Day, error) {
	docs, err := findAll(ctx, r.coll, "room days", bson.D{
		{Key: "providerId", Value: providerID},
		{Key: "date", Value: bson.D{{Key: "$gte", Value: from.String()}, {Key: "$lte", Value: to.String()}}},
	}, options.Find().SetSort(bson.D{{Key: "date", Value: 1}, {Key: "_id", Value: 1}}), func(d dayDoc) dayDoc { return d })
	if err != nil {
		return nil, err
	}
	out := make([]*attendance.Day, 0, len(docs))
	for _, d := range docs {
		day, _, err := d.day()
		if err != nil {
			return nil, err
		}
		out = append(out, day)
	}
	return out, nil
}

// Scrub takes a family's children's health and notes (one child's, when
// childID is set) out of every room day they are in, when the family
// withdraws its consent to children's data or dissolves, or the child's
// record is deleted: arrivals, departures and who collected a child
// stay, the provider's record for its subsidy claims.
func (r *Days) Scrub(ctx context.Context, familyID, childID string) error {
	cur, err := r.coll.Find(ctx, bson.D{{Key: "children.familyId", Value: familyID}},
		options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return fmt.Errorf("mongo: find room days of family: %w", err)
	}
	var ids []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &ids); err != nil {
		return fmt.Errorf("mongo: read room days of family: %w", err)
	}
	for _, id := range ids {
		if _, err := r.Update(ctx, id.ID, nil, func(d *attendance.Day) error {
			d.Scrub(familyID, childID)
			return nil
		}); err != nil {
			return err
		}
	}
	return nil
}
