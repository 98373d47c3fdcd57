package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/app/visits"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/visit"
)

const (
	careRecordsColl = "care_records"
	visitsColl      = "visits"
	volunteersColl  = "volunteers"
)

// careDoc is an elder's official care record, keyed by the elder's id.
// WatchFrom is set only while the record's quiet spell is unalerted, for
// the watch's sparse index; VisitorID copies the assignment's user for
// the visitor's plan.
type careDoc struct {
	ID              string            `bson:"_id"`
	FamilyID        string            `bson:"familyId"`
	ElderName       string            `bson:"elderName"`
	RegionCode      string            `bson:"regionCode"`
	Regions         []string          `bson:"regions"`
	TimeZone        string            `bson:"timeZone"`
	StationID       string            `bson:"stationId,omitempty"`
	Categories      []string          `bson:"categories"`
	Markings        []visit.Marking   `bson:"markings"`
	Visitor         *visit.Assignment `bson:"visitor,omitempty"`
	VisitorID       string            `bson:"visitorId,omitempty"`
	VulnerableSince time.Time         `bson:"vulnerableSince"`
	LastVisitAt     time.Time         `bson:"lastVisitAt"`
	AlertedSince    time.Time         `bson:"alertedSince"`
	WatchFrom       *time.Time        `bson:"watchFrom,omitempty"`
	Version         int64             `bson:"version"`
	Pending         []eventDoc        `bson:"pendingEvents,omitempty"`
	OutboxSince     *time.Time        `bson:"outboxSince,omitempty"`
}

func (d careDoc) pendingEvents() int { return len(d.Pending) }

func toCareDoc(c *visit.Care, version int64) careDoc {
	d := careDoc{ID: c.ElderID, FamilyID: c.FamilyID, ElderName: c.ElderName, RegionCode: c.RegionCode,
		Regions: regionsOf(c.RegionCode), TimeZone: c.TimeZone, StationID: c.StationID,
		Categories: make([]string, len(c.Categories)), Markings: c.Markings, Visitor: c.Visitor,
		VulnerableSince: c.VulnerableSince, LastVisitAt: c.LastVisitAt, AlertedSince: c.AlertedSince,
		Version: version, Pending: toEventDocs(c.Pending()), OutboxSince: outboxSince(c.Pending())}
	for i, k := range c.Categories {
		d.Categories[i] = string(k)
	}
	if c.Visitor != nil {
		d.VisitorID = c.Visitor.UserID
	}
	if since := c.QuietSince(); c.Vulnerable() && !since.IsZero() && !c.AlertedSince.Equal(since) {
		d.WatchFrom = &since
	}
	return d
}

func (d careDoc) care() *visit.Care {
	c := &visit.Care{ElderID: d.ID, FamilyID: d.FamilyID, ElderName: d.ElderName, RegionCode: d.RegionCode,
		TimeZone: d.TimeZone, StationID: d.StationID, Markings: d.Markings, Visitor: d.Visitor,
		VulnerableSince: d.VulnerableSince.UTC(), LastVisitAt: d.LastVisitAt.UTC(), AlertedSince: d.AlertedSince.UTC(),
		Outbox: event.RestoreOutbox(fromEventDocs(d.Pending))}
	for _, k := range d.Categories {
		c.Categories = append(c.Categories, visit.Category(k))
	}
	if c.Visitor != nil {
		c.Visitor.At = c.Visitor.At.UTC()
	}
	return c
}

// Cares implements app/visits' care records.
type Cares struct {
	coll  *collection
	guard *writeGuard
	bell  *outboxBell
}

func (s *Store) Cares() *Cares {
	return &Cares{coll: s.collection(careRecordsColl), guard: s.guard, bell: s.bell}
}

func (r *Cares) find(ctx context.Context, id string) (careDoc, error) {
	return findByID[careDoc](ctx, r.coll, id, "care record", visit.ErrNotFound)
}

func (r *Cares) Get(ctx context.Context, elderID string) (*visit.Care, error) {
	d, err := r.find(ctx, elderID)
	if err != nil {
		return nil, err
	}
	return d.care(), nil
}

func (r *Cares) Upsert(ctx context.Context, elderID string, fresh func() *visit.Care, fn func(*visit.Care) error) (*visit.Care, error) {
	return upsertVersioned(ctx, r.coll, r.guard, r.bell, "care record", elderID, visit.ErrNotFound, r.find,
		func(d careDoc) (*visit.Care, int64, error) { return d.care(), d.Version, nil }, fresh, fn, toCareDoc)
}

func (r *Cares) Update(ctx context.Context, elderID string, fn func(*visit.Care) error) (*visit.Care, error) {
	return versionedUpdate(ctx, r.coll, r.guard, r.bell, "care record", elderID, r.find,
		func(d careDoc) (*visit.Care, int64, error) {
			c := d.care()
			if err := fn(c); err != nil {
				return nil, 0, err
			}
			return c, d.Version, nil
		}, toCareDoc)
}

func (r *Cares) list(ctx context.Context, filter bson.D) ([]*visit.Care, error) {
	return findAll(ctx, r.coll, "care records", filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}),
		careDoc.care)
}

func (r *Cares) ForStation(ctx context.Context, stationID string) ([]*visit.Care, error) {
	return r.list(ctx, bson.D{{Key: "stationId", Value: stationID}})
}

func (r *Cares) InRegion(ctx context.Context, code string) ([]*visit.Care, error) {
	return r.list(ctx, bson.D{{Key: "regions", Value: code}})
}

func (r *Cares) ForVisitor(ctx context.Context, userID string) ([]*visit.Care, error) {
	return r.list(ctx, bson.D{{Key: "visitorId", Value: userID}})
}

func (r *Cares) QuietBefore(ctx context.Context, cutoff time.Time, after string, limit int) ([]*visit.Care, error) {
	filter := bson.D{{Key: "watchFrom", Value: bson.D{{Key: "$lt", Value: cutoff}}}}
	if after != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}})
	}
	return findAll(ctx, r.coll, "quiet care records", filter,
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)), careDoc.care)
}

// visitDoc is one visit. CreditDue is set (true) only while a
// volunteer's verified visit has no credit noted, for the repair pass's
// sparse index.
type visitDoc struct {
	ID          string           `bson:"_id"`
	ElderID     string           `bson:"elderId"`
	FamilyID    string           `bson:"familyId"`
	ElderName   string           `bson:"elderName"`
	RegionCode  string           `bson:"regionCode"`
	Regions     []string         `bson:"regions"`
	StationID   string           `bson:"stationId"`
	VisitorID   string           `bson:"visitorId"`
	VisitorKind string           `bson:"visitorKind"`
	Mode        string           `bson:"mode"`
	Status      string           `bson:"status"`
	Month       string           `bson:"month"`
	CheckIn     *visit.Stamp     `bson:"checkIn,omitempty"`
	CheckOut    *visit.Stamp     `bson:"checkOut,omitempty"`
	StartedAt   time.Time        `bson:"startedAt"`
	Minutes     int              `bson:"minutes"`
	Assessment  visit.Assessment `bson:"assessment"`
	FollowUps   []visit.FollowUp `bson:"followUps"`
	Credited    int64            `bson:"credited"`
	CreditDue   *bool            `bson:"creditDue,omitempty"`
	Version     int64            `bson:"version"`
	Pending     []eventDoc       `bson:"pendingEvents,omitempty"`
	OutboxSince *time.Time       `bson:"outboxSince,omitempty"`
}

func (d visitDoc) pendingEvents() int { return len(d.Pending) }

func toVisitDoc(v *visit.Visit, version int64) visitDoc {
	d := visitDoc{ID: v.ID, ElderID: v.ElderID, FamilyID: v.FamilyID, ElderName: v.ElderName, RegionCode: v.RegionCode,
		Regions: regionsOf(v.RegionCode), StationID: v.StationID, VisitorID: v.VisitorID,
		VisitorKind: string(v.VisitorKind), Mode: string(v.Mode), Status: string(v.Status), Month: v.Month,
		CheckIn: v.CheckIn, CheckOut: v.CheckOut, StartedAt: v.StartedAt, Minutes: v.Minutes, Assessment: v.Assessment,
		FollowUps: v.FollowUps, Credited: v.Credited, Version: version, Pending: toEventDocs(v.Pending()),
		OutboxSince: outboxSince(v.Pending())}
	if d.FollowUps == nil {
		d.FollowUps = []visit.FollowUp{}
	}
	if v.VisitorKind == visit.ByVolunteer && v.Verified() && v.Credited == 0 {
		due := true
		d.CreditDue = &due
	}
	return d
}

func utcStamp(s *visit.Stamp) *visit.Stamp {
	if s == nil {
		return nil
	}
	out := *s
	out.DeviceTime, out.ServerTime, out.Time = out.DeviceTime.UTC(), out.ServerTime.UTC(), out.Time.UTC()
	return &out
}

func (d visitDoc) visit() *visit.Visit {
	return &visit.Visit{ID: d.ID, ElderID: d.ElderID, FamilyID: d.FamilyID, ElderName: d.ElderName,
		RegionCode: d.RegionCode, StationID: d.StationID, VisitorID: d.VisitorID,
		VisitorKind: visit.VisitorKind(d.VisitorKind), Mode: visit.Mode(d.Mode), Status: visit.Status(d.Status),
		Month: d.Month, CheckIn: utcStamp(d.CheckIn), CheckOut: utcStamp(d.CheckOut), StartedAt: d.StartedAt.UTC(),
		Minutes: d.Minutes, Assessment: d.Assessment, FollowUps: d.FollowUps, Credited: d.Credited,
		Outbox: event.RestoreOutbox(fromEventDocs(d.Pending))}
}

// Visits implements app/visits' visit records.
type Visits struct {
	coll  *collection
	guard *writeGuard
	bell  *outboxBell
}

func (s *Store) Visits() *Visits {
	return &Visits{coll: s.collection(visitsColl), guard: s.guard, bell: s.bell}
}

func (r *Visits) find(ctx context.Context, id string) (visitDoc, error) {
	return findByID[visitDoc](ctx, r.coll, id, "visit", visit.ErrVisitNotFound)
}

func (r *Visits) Create(ctx context.Context, v *visit.Visit) error {
	if _, err := r.coll.InsertOne(ctx, toVisitDoc(v, 1)); err != nil {
		return fmt.Errorf("mongo: insert visit: %w", err)
	}
	if len(v.Pending()) > 0 {
		r.bell.ring(visitsColl, v.ID)
	}
	return nil
}

func (r *Visits) Get(ctx context.Context, id string) (*visit.Visit, error) {
	d, err := r.find(ctx, id)
	if err != nil {
		return nil, err
	}
	return d.visit(), nil
}

func (r *Visits) Update(ctx context.Context, id string, fn func(*visit.Visit) error) (*visit.Visit, error) {
	return versionedUpdate(ctx, r.coll, r.guard, r.bell, "visit", id, r.find,
		func(d visitDoc) (*visit.Visit, int64, error) {
			v := d.visit()
			if err := fn(v); err != nil {
				return nil, 0, err
			}
			return v, d.Version, nil
		}, toVisitDoc)
}

func (r *Visits) list(ctx context.Context, filter bson.D, limit int64) ([]*visit.Visit, error) {
	opts := options.Find().SetSort(bson.D{{Key: "_id", Value: 1}})
	if limit > 0 {
		opts.SetLimit(limit)
	}
	return findAll(ctx, r.coll, "visits", filter, opts, visitDoc.visit)
}

func (r *Visits) ForStationMonth(ctx context.Context, stationID, month string) ([]*visit.Visit, error) {
	return r.list(ctx, bson.D{{Key: "stationId", Value: stationID}, {Key: "month", Value: month}}, 0)
}

func (r *Visits) ForRegionMonth(ctx context.Context, code, month string) ([]*visit.Visit, error) {
	return r.list(ctx, bson.D{{Key: "regions", Value: code}, {Key: "month", Value: month}}, 0)
}

func (r *Visits) Uncredited(ctx context.Context, limit int) ([]*visit.Visit, error) {
	return r.list(ctx, bson.D{{Key: "creditDue", Value: true}}, int64(limit))
}

// volunteerDoc is a volunteer, keyed by the user's id.
type volunteerDoc struct {
	ID           string     `bson:"_id"`
	Name         string     `bson:"name"`
	StationID    string     `bson:"stationId"`
	RegisteredAt time.Time  `bson:"registeredAt"`
	VerifiedBy   string     `bson:"verifiedBy,omitempty"`
	VerifiedAt   time.Time  `bson:"verifiedAt,omitempty"`
	Version      int64      `bson:"version"`
	Pending      []eventDoc `bson:"pendingEvents,omitempty"`
	OutboxSince  *time.Time `bson:"outboxSince,omitempty"`
}

func (d volunteerDoc) pendingEvents() int { return len(d.Pending) }

func toVolunteerDoc(v *visit.Volunteer, version int64) volunteerDoc {
	return volunteerDoc{ID: v.UserID, Name: v.Name, StationID: v.StationID, RegisteredAt: v.RegisteredAt,
		VerifiedBy: v.VerifiedBy, VerifiedAt: v.VerifiedAt, Version: version, Pending: toEventDocs(v.Pending()),
		OutboxSince: outboxSince(v.Pending())}
}

func (d volunteerDoc) volunteer() *visit.Volunteer {
	return &visit.Volunteer{UserID: d.ID, Name: d.Name, StationID: d.StationID, RegisteredAt: d.RegisteredAt.UTC(),
		VerifiedBy: d.VerifiedBy, VerifiedAt: d.VerifiedAt.UTC(), Outbox: event.RestoreOutbox(fromEventDocs(d.Pending))}
}

// Volunteers implements app/visits' volunteers.
type Volunteers struct {
	coll  *collection
	guard *writeGuard
	bell  *outboxBell
}

func (s *Store) Volunteers() *Volunteers {
	return &Volunteers{coll: s.collection(volunteersColl), guard: s.guard, bell: s.bell}
}

func (r *Volunteers) find(ctx context.Context, id string) (volunteerDoc, error) {
	return findByID[volunteerDoc](ctx, r.coll, id, "volunteer", visit.ErrVolunteerNotFound)
}

func (r *Volunteers) Create(ctx context.Context, v *visit.Volunteer) error {
	if _, err := r.coll.InsertOne(ctx, toVolunteerDoc(v, 1)); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return visits.ErrAlreadyVolunteer
		}
		return fmt.Errorf("mongo: insert volunteer: %w", err)
	}
	return nil
}

func (r *Volunteers) Get(ctx context.Context, userID string) (*visit.Volunteer, error) {
	d, err := r.find(ctx, userID)
	if err != nil {
		return nil, err
	}
	return d.volunteer(), nil
}

func (r *Volunteers) Update(ctx context.Context, userID string, fn func(*visit.Volunteer) error) (*visit.Volunteer, error) {
	return versionedUpdate(ctx, r.coll, r.guard, r.bell, "volunteer", userID, r.find,
		func(d volunteerDoc) (*visit.Volunteer, int64, error) {
			v := d.volunteer()
			if err := fn(v); err != nil {
				return nil, 0, err
			}
			return v, d.Version, nil
		}, toVolunteerDoc)
}

func (r *Volunteers) ForStation(ctx context.Context, stationID string) ([]*visit.Volunteer, error) {
	return findAll(ctx, r.coll, "volunteers", bson.D{{Key: "stationId", Value: stationID}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}), volunteerDoc.volunteer)
}
