package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/childcare"
	"github.com/kincare/kincare/domain/complaint"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/homedevice"
	"github.com/kincare/kincare/domain/incident"
	"github.com/kincare/kincare/domain/indicator"
	"github.com/kincare/kincare/domain/meal"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/reservation"
	"github.com/kincare/kincare/domain/visit"
)

const indicatorFactsColl = "indicator_facts"

// factDoc is one aggregate's indicator fact (app/indicators). Keys are
// "<prefix>|<month>" for the province, city and district prefixes of its
// region, so that one indexed equality finds a region-month's facts at
// any level, on both stores.
type factDoc struct {
	ID         string   `bson:"_id"`
	Kind       string   `bson:"kind"`
	RegionCode string   `bson:"regionCode,omitempty"`
	Month      string   `bson:"month,omitempty"`
	Keys       []string `bson:"keys"`
	Version    int64    `bson:"version"`
	ProviderID string   `bson:"providerId,omitempty"`

	ServiceType    string `bson:"serviceType,omitempty"`
	Outcome        string `bson:"outcome,omitempty"`
	Accepted       bool   `bson:"accepted,omitempty"`
	ResponseSec    int64  `bson:"responseSec,omitempty"`
	CheckedIn      bool   `bson:"checkedIn,omitempty"`
	OnTime         bool   `bson:"onTime,omitempty"`
	ClockAdjusted  bool   `bson:"clockAdjusted,omitempty"`
	ElderConfirmed bool   `bson:"elderConfirmed,omitempty"`

	Escalated bool       `bson:"escalated,omitempty"`
	Replied   bool       `bson:"replied,omitempty"`
	RespondBy *time.Time `bson:"respondBy,omitempty"`
	RepliedAt *time.Time `bson:"repliedAt,omitempty"`

	AlarmKind    string `bson:"alarmKind,omitempty"`
	Acknowledged bool   `bson:"acknowledged,omitempty"`

	Served     bool  `bson:"served,omitempty"`
	SubsidyFen int64 `bson:"subsidyFen,omitempty"`

	ElderID   string `bson:"elderId,omitempty"`
	Due       bool   `bson:"due,omitempty"`
	Completed bool   `bson:"completed,omitempty"`

	ProviderKinds []string       `bson:"providerKinds,omitempty"`
	Verification  string         `bson:"verification,omitempty"`
	Credit        string         `bson:"credit,omitempty"`
	Caregivers    []certifiedDoc `bson:"caregivers,omitempty"`

	CareType        string `bson:"careType,omitempty"`
	Capacity        int    `bson:"capacity,omitempty"`
	InclusiveQuota  int    `bson:"inclusiveQuota,omitempty"`
	Booked          int    `bson:"booked,omitempty"`
	BookedInclusive int    `bson:"bookedInclusive,omitempty"`
}

type certifiedDoc struct {
	UserID  string `bson:"userId"`
	ValidTo string `bson:"validTo"`
}

func optionalUTC(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func factKey(prefix string, m indicator.Month) string { return prefix + "|" + m.String() }

// standingKey is the key of a standing fact (indicator.Fact.Standing) in
// a region: it counts in every month from its own on, so its keys name
// no month and a read compares the month field.
func standingKey(prefix string) string { return prefix + "|standing" }

func toFactDoc(f indicator.Fact) factDoc {
	d := factDoc{ID: f.Key, Kind: string(f.Kind), RegionCode: f.RegionCode, Keys: []string{}, Version: f.Version,
		ProviderID:  f.ProviderID,
		ServiceType: f.ServiceType, Outcome: string(f.Outcome), Accepted: f.Accepted, ResponseSec: f.ResponseSec,
		CheckedIn: f.CheckedIn, OnTime: f.OnTime, ClockAdjusted: f.ClockAdjusted, ElderConfirmed: f.ElderConfirmed,
		Escalated: f.Escalated, Replied: f.Replied, RespondBy: optionalUTC(f.RespondBy), RepliedAt: optionalUTC(f.RepliedAt),
		AlarmKind: f.AlarmKind, Acknowledged: f.Acknowledged, Served: f.Served, SubsidyFen: f.SubsidyFen,
		ElderID: f.ElderID, Due: f.Due, Completed: f.Completed,
		ProviderKinds: f.ProviderKinds, Verification: f.Verification, Credit: f.Credit,
		CareType: f.CareType, Capacity: f.Capacity, InclusiveQuota: f.InclusiveQuota, Booked: f.Booked,
		BookedInclusive: f.BookedInclusive}
	for _, c := range f.Caregivers {
		d.Caregivers = append(d.Caregivers, certifiedDoc{UserID: c.UserID, ValidTo: c.ValidTo.String()})
	}
	if !f.Month.IsZero() {
		d.Month = f.Month.String()
		for _, p := range regionsOf(f.RegionCode) {
			if f.Standing() {
				d.Keys = append(d.Keys, standingKey(p))
			} else {
				d.Keys = append(d.Keys, factKey(p, f.Month))
			}
		}
	}
	return d
}

func (d factDoc) fact() indicator.Fact {
	f := indicator.Fact{Key: d.ID, Kind: indicator.Kind(d.Kind), RegionCode: d.RegionCode, Version: d.Version,
		ProviderID:  d.ProviderID,
		ServiceType: d.ServiceType, Outcome: indicator.Outcome(d.Outcome), Accepted: d.Accepted, ResponseSec: d.ResponseSec,
		CheckedIn: d.CheckedIn, OnTime: d.OnTime, ClockAdjusted: d.ClockAdjusted, ElderConfirmed: d.ElderConfirmed,
		Escalated: d.Escalated, Replied: d.Replied, AlarmKind: d.AlarmKind, Acknowledged: d.Acknowledged,
		Served: d.Served, SubsidyFen: d.SubsidyFen, ElderID: d.ElderID, Due: d.Due, Completed: d.Completed,
		Verification: d.Verification, Credit: d.Credit, CareType: d.CareType, Capacity: d.Capacity,
		InclusiveQuota: d.InclusiveQuota, Booked: d.Booked, BookedInclusive: d.BookedInclusive}
	if d.Kind == string(indicator.KindProvider) {
		// Empty lists are stored as none (omitempty): read back as empty,
		// so a rebuilt fact equals the incremental one.
		f.ProviderKinds, f.Caregivers = append([]string{}, d.ProviderKinds...), []indicator.Certified{}
		for _, c := range d.Caregivers {
			day, _ := calendar.ParseDate(c.ValidTo)
			f.Caregivers = append(f.Caregivers, indicator.Certified{UserID: c.UserID, ValidTo: day})
		}
	}
	if d.RespondBy != nil {
		f.RespondBy = d.RespondBy.UTC()
	}
	if d.RepliedAt != nil {
		f.RepliedAt = d.RepliedAt.UTC()
	}
	if d.Month != "" {
		f.Month, _ = indicator.ParseMonth(d.Month)
	}
	return f
}

// IndicatorFacts is the indicators' read model (indicators.Facts).
type IndicatorFacts struct {
	coll  *collection
	guard *writeGuard
}

func (s *Store) IndicatorFacts() *IndicatorFacts {
	return &IndicatorFacts{coll: s.collection(indicatorFactsColl), guard: s.guard}
}

// Put replaces the fact under its key unless the one kept is newer.
// Against MongoDB the version is in the filter of an upsert: a newer
// fact makes the upsert insert a second document under the same _id,
// which the unique _id refuses, and that refusal means "keep it". On the
// embedded store the document's guard makes load, compare and write one
// step (the store replaces by _id alone).
func (r *IndicatorFacts) Put(ctx context.Context, f indicator.Fact) error {
	d := toFactDoc(f)
	upsert := options.Replace().SetUpsert(true)
	if r.guard.on {
		ctx, unlock := r.guard.lock(ctx, indicatorFactsColl, d.ID)
		defer unlock()
		old, err := findByID[factDoc](ctx, r.coll, d.ID, "indicator fact", errNoFact)
		switch {
		case err == nil && old.Version > d.Version:
			return nil
		case err != nil && !errors.Is(err, errNoFact):
			return err
		}
		if _, err := r.coll.ReplaceOne(ctx, bson.D{{Key: "_id", Value: d.ID}}, d, upsert); err != nil {
			return fmt.Errorf("mongo: put indicator fact: %w", err)
		}
		return nil
	}
	filter := bson.D{{Key: "_id", Value: d.ID}, {Key: "version", Value: bson.D{{Key: "$lte", Value: d.Version}}}}
	_, err := r.coll.ReplaceOne(ctx, filter, d, upsert)
	if err != nil && !mongo.IsDuplicateKeyError(err) {
		return fmt.Errorf("mongo: put indicator fact: %w", err)
	}
	return nil
}

var errNoFact = errors.New("mongo: no indicator fact")

func (r *IndicatorFacts) Delete(ctx context.Context, key string) error {
	if _, err := r.coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: key}}); err != nil {
		return fmt.Errorf("mongo: delete indicator fact: %w", err)
	}
	return nil
}

// InRegion reads one region-month's facts through the keys index, in
// no particular order (a table does not depend on it): the month's own,
// and the standing facts begun by it ("YYYY-MM" compares as months do).
func (r *IndicatorFacts) InRegion(ctx context.Context, prefix string, m indicator.Month) ([]indicator.Fact, error) {
	filter := bson.D{{Key: "$or", Value: bson.A{
		bson.D{{Key: "keys", Value: factKey(prefix, m)}},
		bson.D{{Key: "keys", Value: standingKey(prefix)}, {Key: "month", Value: bson.D{{Key: "$lte", Value: m.String()}}}},
	}}}
	return findAll(ctx, r.coll, "indicator facts", filter, options.Find(), factDoc.fact)
}

// Empty reports a read model with no fact at all: never built.
func (r *IndicatorFacts) Empty(ctx context.Context) (bool, error) {
	err := r.coll.FindOne(ctx, bson.D{}).Err()
	if errors.Is(err, mongo.ErrNoDocuments) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("mongo: find an indicator fact: %w", err)
	}
	return false, nil
}

// Reset forgets every fact.
func (r *IndicatorFacts) Reset(ctx context.Context) error {
	if _, err := r.coll.DeleteMany(ctx, bson.D{}); err != nil {
		return fmt.Errorf("mongo: reset indicator facts: %w", err)
	}
	return nil
}

// IndicatorSources reads what indicator facts derive from
// (indicators.Sources).
type IndicatorSources struct {
	orders, complaints, incidents, providers, elders, meals, cares, visits, slots, offerings, devices *collection
}

func (s *Store) IndicatorSources() *IndicatorSources {
	return &IndicatorSources{orders: s.collection(ordersColl), complaints: s.collection(complaintsColl),
		incidents: s.collection(incidentsColl), providers: s.collection(providersColl), elders: s.collection(eldersColl),
		meals: s.collection(mealOrdersColl), cares: s.collection(careRecordsColl), visits: s.collection(visitsColl),
		slots: s.collection(slotsColl), offerings: s.collection(offeringsColl), devices: s.collection(homeDevicesColl)}
}

// HomeDevice answers homedevice.ErrNotFound for a device never
// registered; a removed one is found, not registered.
func (r *IndicatorSources) HomeDevice(ctx context.Context, id string) (homedevice.Device, bool, int64, error) {
	d, err := findByID[homeDeviceDoc](ctx, r.devices, id, "home device", homedevice.ErrNotFound)
	if err != nil {
		return homedevice.Device{}, false, 0, err
	}
	return d.device(), d.RemovedAt == nil, d.Version, nil
}

func (r *IndicatorSources) EachHomeDevice(ctx context.Context, fn func(homedevice.Device, bool, int64) error) error {
	return eachDoc(ctx, r.devices, "home devices", func(d homeDeviceDoc) error {
		return fn(d.device(), d.RemovedAt == nil, d.Version)
	})
}

// Care answers visit.ErrNotFound for an elder without a care record.
func (r *IndicatorSources) Care(ctx context.Context, elderID string) (*visit.Care, int64, error) {
	d, err := findByID[careDoc](ctx, r.cares, elderID, "care record", visit.ErrNotFound)
	if err != nil {
		return nil, 0, err
	}
	return d.care(), d.Version, nil
}

// Visit answers visit.ErrVisitNotFound for an unknown id.
func (r *IndicatorSources) Visit(ctx context.Context, id string) (*visit.Visit, int64, error) {
	d, err := findByID[visitDoc](ctx, r.visits, id, "visit", visit.ErrVisitNotFound)
	if err != nil {
		return nil, 0, err
	}
	return d.visit(), d.Version, nil
}

func (r *IndicatorSources) EachCare(ctx context.Context, fn func(*visit.Care, int64) error) error {
	return eachDoc(ctx, r.cares, "care records", func(d careDoc) error { return fn(d.care(), d.Version) })
}

func (r *IndicatorSources) EachVisit(ctx context.Context, fn func(*visit.Visit, int64) error) error {
	return eachDoc(ctx, r.visits, "visits", func(d visitDoc) error { return fn(d.visit(), d.Version) })
}

// MealOrder answers meal.ErrOrderNotFound for an unknown id.
func (r *IndicatorSources) MealOrder(ctx context.Context, id string) (*meal.Order, int64, error) {
	d, err := findByID[mealOrderDoc](ctx, r.meals, id, "meal order", meal.ErrOrderNotFound)
	if err != nil {
		return nil, 0, err
	}
	o, err := d.order()
	return o, d.Version, err
}

func (r *IndicatorSources) EachMealOrder(ctx context.Context, fn func(*meal.Order, int64) error) error {
	return eachDoc(ctx, r.meals, "meal orders", func(d mealOrderDoc) error {
		o, err := d.order()
		if err != nil {
			return err
		}
		return fn(o, d.Version)
	})
}

func (r *IndicatorSources) Incident(ctx context.Context, id string) (*incident.Incident, int64, error) {
	d, err := findByID[incidentDoc](ctx, r.incidents, id, "incident", incident.ErrNotFound)
	if err != nil {
		return nil, 0, err
	}
	return d.incident(), d.Version, nil
}

func (r *IndicatorSources) ElderRegion(ctx context.Context, id string) (string, error) {
	d, err := findByID[elderDoc](ctx, r.elders, id, "elder", elder.ErrNotFound)
	if errors.Is(err, elder.ErrNotFound) {
		return "", nil // gone: their alarms count nowhere
	}
	if err != nil {
		return "", err
	}
	return d.Profile.Address.RegionCode, nil
}

func (r *IndicatorSources) EachIncident(ctx context.Context, fn func(*incident.Incident, int64) error) error {
	return eachDoc(ctx, r.incidents, "incidents", func(d incidentDoc) error { return fn(d.incident(), d.Version) })
}

func (r *IndicatorSources) Order(ctx context.Context, id string) (*order.Order, int64, error) {
	d, err := findByID[orderDoc](ctx, r.orders, id, "order", order.ErrNotFound)
	if err != nil {
		return nil, 0, err
	}
	return d.order(), d.Version, nil
}

func (r *IndicatorSources) Complaint(ctx context.Context, id string) (*complaint.Complaint, int64, error) {
	d, err := findByID[complaintDoc](ctx, r.complaints, id, "complaint", complaint.ErrNotFound)
	if err != nil {
		return nil, 0, err
	}
	return d.complaint(), d.Version, nil
}

func (r *IndicatorSources) ProviderRegion(ctx context.Context, id string) (string, error) {
	d, err := findByID[providerDoc](ctx, r.providers, id, "provider", provider.ErrNotFound)
	if errors.Is(err, provider.ErrNotFound) {
		return "", nil // gone: its orders count nowhere
	}
	if err != nil {
		return "", err
	}
	return d.Profile.Address.RegionCode, nil
}

// Slot answers reservation.ErrSlotNotFound for an unknown id.
func (r *IndicatorSources) Slot(ctx context.Context, id string) (*reservation.Slot, int64, error) {
	d, err := findByID[slotDoc](ctx, r.slots, id, "slot", reservation.ErrSlotNotFound)
	if err != nil {
		return nil, 0, err
	}
	return d.slot(), d.Version, nil
}

// CareType is "" for an offering that is gone.
func (r *IndicatorSources) CareType(ctx context.Context, offeringID string) (string, error) {
	d, err := findByID[offeringDoc](ctx, r.offerings, offeringID, "offering", childcare.ErrNotFound)
	if errors.Is(err, childcare.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return string(d.offering().CareType), nil
}

// EachChildcareSlot streams the slots of childcare offerings (a filter
// on the resource kind: the embedded store reads them all to find them,
// as a rebuild would anyway).
func (r *IndicatorSources) EachChildcareSlot(ctx context.Context, fn func(*reservation.Slot, int64) error) error {
	cur, err := r.slots.Find(ctx, bson.D{{Key: "resourceKind", Value: reservation.ChildcarePlace}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return fmt.Errorf("mongo: find childcare slots: %w", err)
	}
	defer func() { _ = cur.Close(context.WithoutCancel(ctx)) }()
	for cur.Next(ctx) {
		var d slotDoc
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("mongo: read childcare slots: %w", err)
		}
		if err := fn(d.slot(), d.Version); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("mongo: read childcare slots: %w", err)
	}
	return nil
}

// Provider answers provider.ErrNotFound for an unknown id.
func (r *IndicatorSources) Provider(ctx context.Context, id string) (*provider.Provider, int64, error) {
	d, err := findByID[providerDoc](ctx, r.providers, id, "provider", provider.ErrNotFound)
	if err != nil {
		return nil, 0, err
	}
	return d.provider(), d.Version, nil
}

func (r *IndicatorSources) EachProvider(ctx context.Context, fn func(*provider.Provider, int64) error) error {
	return eachDoc(ctx, r.providers, "providers", func(d providerDoc) error { return fn(d.provider(), d.Version) })
}

func (r *IndicatorSources) EachOrder(ctx context.Context, fn func(*order.Order, int64) error) error {
	return eachDoc(ctx, r.orders, "orders", func(d orderDoc) error { return fn(d.order(), d.Version) })
}

func (r *IndicatorSources) EachComplaint(ctx context.Context, fn func(*complaint.Complaint, int64) error) error {
	return eachDoc(ctx, r.complaints, "complaints", func(d complaintDoc) error { return fn(d.complaint(), d.Version) })
}

// eachDoc streams every document of a collection, in _id order, one
// decoded at a time.
func eachDoc[D any](ctx context.Context, coll *collection, what string, fn func(D) error) error {
	cur, err := coll.Find(ctx, bson.D{}, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return fmt.Errorf("mongo: find %s: %w", what, err)
	}
	defer func() { _ = cur.Close(context.WithoutCancel(ctx)) }()
	for cur.Next(ctx) {
		var d D
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("mongo: read %s: %w", what, err)
		}
		if err := fn(d); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("mongo: read %s: %w", what, err)
	}
	return nil
}
