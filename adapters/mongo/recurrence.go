package mongo

import (
	"context"
	"errors"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/app/page"
	apprec "github.com/kincare/kincare/app/recurrence"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/recurrence"
)

const (
	recurringOrdersColl = "recurring_orders"
	occurrencesColl     = "occurrences"
)

// recurringOrderDoc is a recurring-order rule with its outbox.
type recurringOrderDoc struct {
	ID           string                `bson:"_id"`
	FamilyID     string                `bson:"familyId"`
	ElderID      string                `bson:"elderId"`
	CreatedBy    string                `bson:"createdBy"`
	ProviderID   string                `bson:"providerId"`
	ItemID       string                `bson:"itemId"`
	PriceVersion int                   `bson:"priceVersion"`
	Quantity     int                   `bson:"quantity"`
	Notes        string                `bson:"notes,omitempty"`
	DueFen       int64                 `bson:"dueFen"`
	Schedule     recurrenceScheduleDoc `bson:"schedule"`
	SplitFrom    string                `bson:"splitFrom,omitempty"`
	Status       string                `bson:"status"`
	Skips        []string              `bson:"skips,omitempty"`
	CreatedAt    time.Time             `bson:"createdAt"`
	UpdatedAt    time.Time             `bson:"updatedAt"`
	Version      int64                 `bson:"version"`
	Pending      []eventDoc            `bson:"pendingEvents,omitempty"`
	OutboxSince  *time.Time            `bson:"outboxSince,omitempty"`
}

type recurrenceScheduleDoc struct {
	Frequency string `bson:"frequency"`
	Interval  int    `bson:"interval"`
	Weekdays  []int  `bson:"weekdays,omitempty"`
	MonthDays []int  `bson:"monthDays,omitempty"`
	TimeZone  string `bson:"timeZone"`
	StartsOn  string `bson:"startsOn"`
	EndsOn    string `bson:"endsOn,omitempty"`
	At        int    `bson:"at"`
	Minutes   int    `bson:"durationMinutes"`
}

func parseStoredDate(s string) calendar.Date {
	if s == "" {
		return calendar.Date{}
	}
	d, _ := calendar.ParseDate(s)
	return d
}

func toScheduleDoc(s recurrence.Schedule) recurrenceScheduleDoc {
	sp := s.Spec()
	d := recurrenceScheduleDoc{Frequency: string(sp.Frequency), Interval: sp.Interval, MonthDays: sp.MonthDays,
		TimeZone: sp.TimeZone, StartsOn: dateString(sp.StartsOn), EndsOn: dateString(sp.EndsOn), At: sp.At,
		Minutes: int(sp.Duration / time.Minute)}
	for _, w := range sp.Weekdays {
		d.Weekdays = append(d.Weekdays, int(w))
	}
	return d
}

func (d recurrenceScheduleDoc) schedule() (recurrence.Schedule, error) {
	sp := recurrence.Spec{Frequency: recurrence.Frequency(d.Frequency), Interval: d.Interval, MonthDays: d.MonthDays,
		TimeZone: d.TimeZone, StartsOn: parseStoredDate(d.StartsOn), EndsOn: parseStoredDate(d.EndsOn), At: d.At,
		Duration: time.Duration(d.Minutes) * time.Minute}
	for _, w := range d.Weekdays {
		sp.Weekdays = append(sp.Weekdays, time.Weekday(w))
	}
	return recurrence.NewSchedule(sp)
}

func toRecurringOrderDoc(r *recurrence.Rule, version int64) recurringOrderDoc {
	s := r.Snapshot()
	d := recurringOrderDoc{ID: s.ID, FamilyID: s.FamilyID, ElderID: s.ElderID, CreatedBy: s.CreatedBy,
		ProviderID: s.ProviderID, ItemID: s.ItemID, PriceVersion: s.PriceVersion, Quantity: s.Quantity, Notes: s.Notes,
		DueFen: s.DueFen, Schedule: toScheduleDoc(s.Schedule), SplitFrom: s.SplitFrom, Status: string(s.Status),
		CreatedAt: s.CreatedAt, UpdatedAt: s.UpdatedAt, Version: version,
		Pending: toEventDocs(s.Pending), OutboxSince: outboxSince(s.Pending)}
	for _, k := range s.Skips {
		d.Skips = append(d.Skips, k.String())
	}
	return d
}

func (d recurringOrderDoc) rule() (*recurrence.Rule, error) {
	sched, err := d.Schedule.schedule()
	if err != nil {
		return nil, fmt.Errorf("mongo: recurring order %s: stored schedule: %w", d.ID, err)
	}
	s := recurrence.Snapshot{Draft: recurrence.Draft{ID: d.ID, FamilyID: d.FamilyID, ElderID: d.ElderID,
		CreatedBy: d.CreatedBy, ProviderID: d.ProviderID, ItemID: d.ItemID, PriceVersion: d.PriceVersion,
		Quantity: d.Quantity, Notes: d.Notes, DueFen: d.DueFen, Schedule: sched, SplitFrom: d.SplitFrom},
		Status: recurrence.Status(d.Status), CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(),
		Pending: fromEventDocs(d.Pending)}
	for _, k := range d.Skips {
		s.Skips = append(s.Skips, parseStoredDate(k))
	}
	return recurrence.Unmarshal(s), nil
}

func (d recurringOrderDoc) pendingEvents() int { return len(d.Pending) }

// RecurringOrders implements app/recurrence.Rules.
type RecurringOrders struct {
	coll  *collection
	guard *writeGuard
	bell  *outboxBell
}

func (s *Store) RecurringOrders() *RecurringOrders {
	return &RecurringOrders{coll: s.collection(recurringOrdersColl), guard: s.guard, bell: s.bell}
}

func (r *RecurringOrders) Create(ctx context.Context, rule *recurrence.Rule) error {
	if _, err := r.coll.InsertOne(ctx, toRecurringOrderDoc(rule, 1)); err != nil {
		return fmt.Errorf("mongo: insert recurring order: %w", err)
	}
	if len(rule.Pending()) > 0 {
		r.bell.ring(recurringOrdersColl, rule.ID())
	}
	return nil
}

func (r *RecurringOrders) find(ctx context.Context, id string) (recurringOrderDoc, error) {
	return findByID[recurringOrderDoc](ctx, r.coll, id, "recurring order", recurrence.ErrNotFound)
}

func (r *RecurringOrders) Get(ctx context.Context, id string) (*recurrence.Rule, error) {
	d, err := r.find(ctx, id)
	if err != nil {
		return nil, err
	}
	return d.rule()
}

func (r *RecurringOrders) Update(ctx context.Context, id string, fn func(*recurrence.Rule) error) (*recurrence.Rule, error) {
	return versionedUpdate(ctx, r.coll, r.guard, r.bell, "recurring order", id, r.find,
		func(d recurringOrderDoc) (*recurrence.Rule, int64, error) {
			rule, err := d.rule()
			if err != nil {
				return nil, 0, err
			}
			if err := fn(rule); err != nil {
				return nil, 0, err
			}
			return rule, d.Version, nil
		}, toRecurringOrderDoc)
}

func (r *RecurringOrders) rules(ctx context.Context, what string, filter bson.D, opts *options.FindOptionsBuilder) ([]*recurrence.Rule, error) {
	docs, err := findAll(ctx, r.coll, what, filter, opts, func(d recurringOrderDoc) recurringOrderDoc { return d })
	if err != nil {
		return nil, err
	}
	out := make([]*recurrence.Rule, 0, len(docs))
	for _, d := range docs {
		rule, err := d.rule()
		if err != nil {
			return nil, err
		}
		out = append(out, rule)
	}
	return out, nil
}

// ForElder pages through an elder's rules, newest first.
func (r *RecurringOrders) ForElder(ctx context.Context, elderID string, p page.Request) ([]*recurrence.Rule, bool, error) {
	filter := bson.D{{Key: "elderId", Value: elderID}}
	if p.After != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: p.After}}})
	}
	out, err := r.rules(ctx, "recurring orders", filter,
		options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(int64(p.Limit+1)))
	if err != nil {
		return nil, false, err
	}
	if len(out) > p.Limit {
		return out[:p.Limit], true, nil
	}
	return out, false, nil
}

// Active pages through the active rules by id, for the generator.
func (r *RecurringOrders) Active(ctx context.Context, after string, limit int) ([]*recurrence.Rule, error) {
	filter := bson.D{{Key: "status", Value: string(recurrence.Active)}}
	if after != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}})
	}
	return r.rules(ctx, "active recurring orders", filter,
		options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
}

// occurrenceDoc is one occurrence of a plan: its _id is the generator's
// key (kind, plan, date), so two workers claiming it at once make one
// document, on MongoDB and on the embedded store alike, without a
// transaction.
type occurrenceDoc struct {
	Key       string    `bson:"_id"`
	Kind      string    `bson:"kind"`
	PlanID    string    `bson:"planId"`
	Date      string    `bson:"date"`
	Start     time.Time `bson:"start"`
	MadeID    string    `bson:"madeId"`
	State     string    `bson:"state"`
	Ref       string    `bson:"ref,omitempty"`
	Code      string    `bson:"code,omitempty"`
	ClaimedAt time.Time `bson:"claimedAt"`
	DoneAt    time.Time `bson:"doneAt,omitempty"`
}

func (d occurrenceDoc) record() apprec.Record {
	r := apprec.Record{Key: d.Key, Kind: d.Kind, PlanID: d.PlanID, Date: parseStoredDate(d.Date),
		Start: d.Start.UTC(), ID: d.MadeID, State: apprec.State(d.State), Ref: d.Ref, Code: d.Code,
		ClaimedAt: d.ClaimedAt.UTC()}
	if !d.DoneAt.IsZero() {
		r.DoneAt = d.DoneAt.UTC()
	}
	return r
}

// Occurrences implements app/recurrence.Records.
type Occurrences struct {
	coll  *collection
	guard *writeGuard
}

func (s *Store) Occurrences() *Occurrences {
	return &Occurrences{coll: s.collection(occurrencesColl), guard: s.guard}
}

// Claim inserts the record; the key being the _id, a second claim fails
// with a duplicate key and reads the first.
func (o *Occurrences) Claim(ctx context.Context, r apprec.Record) (apprec.Record, bool, error) {
	d := occurrenceDoc{Key: r.Key, Kind: r.Kind, PlanID: r.PlanID, Date: r.Date.String(), Start: r.Start.UTC(),
		MadeID: r.ID, State: string(r.State), Ref: r.Ref, Code: r.Code, ClaimedAt: r.ClaimedAt.UTC()}
	_, err := o.coll.InsertOne(ctx, d)
	if err == nil {
		return r, true, nil
	}
	if !mongo.IsDuplicateKeyError(err) {
		return apprec.Record{}, false, fmt.Errorf("mongo: claim occurrence: %w", err)
	}
	got, err := findByID[occurrenceDoc](ctx, o.coll, r.Key, "occurrence", errOccurrenceVanished)
	if err != nil {
		return apprec.Record{}, false, err
	}
	return got.record(), false, nil
}

var errOccurrenceVanished = errors.New("mongo: occurrence claimed by another run vanished")

// Retake moves a stale claim to now, if nobody did first.
func (o *Occurrences) Retake(ctx context.Context, key string, was, now time.Time) (bool, error) {
	ctx, unlock := o.guard.lock(ctx, o.coll.Name(), key)
	defer unlock()
	res, err := o.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: key}, {Key: "state", Value: string(apprec.Claimed)},
		{Key: "claimedAt", Value: was.UTC()}}, bson.D{{Key: "$set", Value: bson.D{{Key: "claimedAt", Value: now.UTC()}}}})
	if err != nil {
		return false, fmt.Errorf("mongo: retake occurrence: %w", err)
	}
	return res.ModifiedCount == 1, nil
}

// Finish marks a claimed occurrence made or skipped.
func (o *Occurrences) Finish(ctx context.Context, key string, state apprec.State, ref, code string, at time.Time) error {
	ctx, unlock := o.guard.lock(ctx, o.coll.Name(), key)
	defer unlock()
	_, err := o.coll.UpdateOne(ctx, bson.D{{Key: "_id", Value: key}}, bson.D{{Key: "$set", Value: bson.D{
		{Key: "state", Value: string(state)}, {Key: "ref", Value: ref}, {Key: "code", Value: code},
		{Key: "doneAt", Value: at.UTC()}}}})
	if err != nil {
		return fmt.Errorf("mongo: finish occurrence: %w", err)
	}
	return nil
}

// ForPlan lists a plan's occurrences with dates in [from, to].
func (o *Occurrences) ForPlan(ctx context.Context, kind, planID string, from, to calendar.Date) ([]apprec.Record, error) {
	return findAll(ctx, o.coll, "occurrences", bson.D{{Key: "kind", Value: kind}, {Key: "planId", Value: planID},
		{Key: "date", Value: bson.D{{Key: "$gte", Value: from.String()}, {Key: "$lte", Value: to.String()}}}},
		options.Find().SetSort(bson.D{{Key: "date", Value: 1}}), occurrenceDoc.record)
}

// Forget deletes an occurrence whose order was withdrawn.
func (o *Occurrences) Forget(ctx context.Context, key string) error {
	if _, err := o.coll.DeleteOne(ctx, bson.D{{Key: "_id", Value: key}}); err != nil {
		return fmt.Errorf("mongo: forget occurrence: %w", err)
	}
	return nil
}

// ForFamily pages through a family's rules in id order, any status, for
// the family's data export.
func (r *RecurringOrders) ForFamily(ctx context.Context, familyID string, p page.Request) ([]*recurrence.Rule, bool, error) {
	docs, more, err := findPage[recurringOrderDoc](ctx, r.coll, familyID, p, 1)
	if err != nil {
		return nil, false, fmt.Errorf("mongo: recurring orders of a family: %w", err)
	}
	out := make([]*recurrence.Rule, 0, len(docs))
	for _, d := range docs {
		rule, err := d.rule()
		if err != nil {
			return nil, false, err
		}
		out = append(out, rule)
	}
	return out, more, nil
}
