package mongo

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/app/incidents"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/incident"
)

const incidentsColl = "incidents"

// incidentDoc is an incident: its ladder, timeline and outbox in one
// document, so every step and its events are one write.
type incidentDoc struct {
	ID        string `bson:"_id"`
	ElderID   string `bson:"elderId"`
	FamilyID  string `bson:"familyId"`
	ElderName string `bson:"elderName"`
	// WindowKey is unique: the elder and the merge window the incident
	// was raised in, so two alarms at once make one incident.
	WindowKey  string             `bson:"windowKey"`
	Kind       string             `bson:"kind"`
	Source     incidentSourceDoc  `bson:"source"`
	Location   *pointDoc          `bson:"location,omitempty"`
	Status     string             `bson:"status"`
	Rung       int                `bson:"rung"`
	FamilyWait time.Duration      `bson:"familyWait"`
	NearbyWait time.Duration      `bson:"nearbyWait"`
	DueAt      *time.Time         `bson:"dueAt,omitempty"` // the timer; absent once the ladder stopped
	RaisedAt   time.Time          `bson:"raisedAt"`
	LastRaised time.Time          `bson:"lastRaisedAt"`
	Responders []responderDoc     `bson:"responders"`
	Called     []string           `bson:"called"` // responders' ids, for their list
	Timeline   []incidentEntryDoc `bson:"timeline"`
	AckBy      string             `bson:"acknowledgedBy,omitempty"`
	AckAt      time.Time          `bson:"acknowledgedAt,omitempty"`
	Outcome    string             `bson:"outcome,omitempty"`
	ResolvedAt time.Time          `bson:"resolvedAt,omitempty"`
	ClosedAt   time.Time          `bson:"closedAt,omitempty"`
	PendingSMS []string           `bson:"pendingSms,omitempty"`
	// Untexted is set while texts wait, for the resync's sparse index.
	Untexted    *bool      `bson:"untexted,omitempty"`
	Version     int64      `bson:"version"`
	Pending     []eventDoc `bson:"pendingEvents,omitempty"`
	OutboxSince *time.Time `bson:"outboxSince,omitempty"`
}

type incidentSourceDoc struct {
	Kind     string `bson:"kind"`
	UserID   string `bson:"userId,omitempty"`
	DeviceID string `bson:"deviceId,omitempty"`
}

type responderDoc struct {
	UserID     string `bson:"userId"`
	Rung       int    `bson:"rung"`
	Role       string `bson:"role"`
	ProviderID string `bson:"providerId,omitempty"`
}

type incidentEntryDoc struct {
	At      time.Time `bson:"at"`
	Type    string    `bson:"type"`
	By      string    `bson:"by,omitempty"`
	Role    string    `bson:"role,omitempty"`
	Rung    int       `bson:"rung,omitempty"`
	Source  string    `bson:"source,omitempty"`
	Note    string    `bson:"note,omitempty"`
	Outcome string    `bson:"outcome,omitempty"`
	Called  int       `bson:"called,omitempty"`
	Texted  int       `bson:"texted,omitempty"`
}

func windowKey(elderID string, raisedAt time.Time) string {
	return elderID + ":" + strconv.FormatInt(raisedAt.UnixNano()/int64(incident.MergeWindow), 10)
}

func toIncidentDoc(i *incident.Incident, version int64) incidentDoc {
	s := i.Snapshot()
	d := incidentDoc{ID: s.ID, ElderID: s.ElderID, FamilyID: s.FamilyID, ElderName: s.ElderName,
		WindowKey: windowKey(s.ElderID, s.RaisedAt), Kind: string(s.Kind),
		Source: incidentSourceDoc{Kind: string(s.Source.Kind), UserID: s.Source.UserID, DeviceID: s.Source.DeviceID},
		Status: string(s.Status), Rung: s.Rung, FamilyWait: s.Ladder.FamilyWait, NearbyWait: s.Ladder.NearbyWait,
		RaisedAt: s.RaisedAt, LastRaised: s.LastRaisedAt, AckBy: s.AcknowledgedBy, AckAt: s.AcknowledgedAt,
		Outcome: string(s.Outcome), ResolvedAt: s.ResolvedAt, ClosedAt: s.ClosedAt, PendingSMS: s.PendingSMS,
		Responders: make([]responderDoc, len(s.Responders)), Called: make([]string, len(s.Responders)),
		Timeline: make([]incidentEntryDoc, len(s.Timeline)), Version: version,
		Pending: toEventDocs(s.Pending), OutboxSince: outboxSince(s.Pending)}
	if s.Location != nil {
		d.Location = &pointDoc{Lat: s.Location.Lat, Lng: s.Location.Lng}
	}
	if !s.DueAt.IsZero() {
		due := s.DueAt
		d.DueAt = &due
	}
	if len(s.PendingSMS) > 0 {
		t := true
		d.Untexted = &t
	}
	for k, r := range s.Responders {
		d.Responders[k] = responderDoc{UserID: r.UserID, Rung: r.Rung, Role: string(r.Role), ProviderID: r.ProviderID}
		d.Called[k] = r.UserID
	}
	for k, e := range s.Timeline {
		d.Timeline[k] = incidentEntryDoc{At: e.At, Type: string(e.Type), By: e.By, Role: string(e.Role), Rung: e.Rung,
			Source: string(e.Source), Note: e.Note, Outcome: string(e.Outcome), Called: e.Called, Texted: e.Texted}
	}
	return d
}

func (d incidentDoc) incident() *incident.Incident {
	s := incident.Snapshot{ID: d.ID, ElderID: d.ElderID, FamilyID: d.FamilyID, ElderName: d.ElderName,
		Kind:   incident.Kind(d.Kind),
		Source: incident.Source{Kind: incident.SourceKind(d.Source.Kind), UserID: d.Source.UserID, DeviceID: d.Source.DeviceID},
		Status: incident.Status(d.Status), Rung: d.Rung,
		Ladder:   incident.Ladder{FamilyWait: d.FamilyWait, NearbyWait: d.NearbyWait},
		RaisedAt: d.RaisedAt.UTC(), LastRaisedAt: d.LastRaised.UTC(), AcknowledgedBy: d.AckBy,
		Outcome: incident.Outcome(d.Outcome), PendingSMS: d.PendingSMS, Pending: fromEventDocs(d.Pending)}
	if d.Location != nil {
		s.Location = &geo.Point{Lat: d.Location.Lat, Lng: d.Location.Lng}
	}
	if d.DueAt != nil {
		s.DueAt = d.DueAt.UTC()
	}
	for _, t := range []struct {
		from time.Time
		to   *time.Time
	}{{d.AckAt, &s.AcknowledgedAt}, {d.ResolvedAt, &s.ResolvedAt}, {d.ClosedAt, &s.ClosedAt}} {
		if !t.from.IsZero() {
			*t.to = t.from.UTC()
		}
	}
	for _, r := range d.Responders {
		s.Responders = append(s.Responders, incident.Responder{UserID: r.UserID, Rung: r.Rung,
			Role: incident.Role(r.Role), ProviderID: r.ProviderID})
	}
	for _, e := range d.Timeline {
		s.Timeline = append(s.Timeline, incident.Entry{At: e.At.UTC(), Type: incident.EntryType(e.Type), By: e.By,
			Role: incident.Role(e.Role), Rung: e.Rung, Source: incident.SourceKind(e.Source), Note: e.Note,
			Outcome: incident.Outcome(e.Outcome), Called: e.Called, Texted: e.Texted})
	}
	return incident.Unmarshal(s)
}

func (d incidentDoc) pendingEvents() int { return len(d.Pending) }

// Incidents implements incidents.Store.
type Incidents struct {
	coll  *collection
	guard *writeGuard
	bell  *outboxBell
}

func (s *Store) Incidents() *Incidents {
	return &Incidents{coll: s.collection(incidentsColl), guard: s.guard, bell: s.bell}
}

// Create refuses a second incident of an elder in one merge window
// (the unique windowKey) with incidents.ErrRaceLost.
func (r *Incidents) Create(ctx context.Context, i *incident.Incident) error {
	if _, err := r.coll.InsertOne(ctx, toIncidentDoc(i, 1)); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			return incidents.ErrRaceLost
		}
		return fmt.Errorf("mongo: insert incident: %w", err)
	}
	r.bell.ring(incidentsColl, i.ID())
	return nil
}

func (r *Incidents) find(ctx context.Context, id string) (incidentDoc, error) {
	return findByID[incidentDoc](ctx, r.coll, id, "incident", incident.ErrNotFound)
}

// Get returns incident.ErrNotFound for an unknown id.
func (r *Incidents) Get(ctx context.Context, id string) (*incident.Incident, error) {
	d, err := r.find(ctx, id)
	if err != nil {
		return nil, err
	}
	return d.incident(), nil
}

// Update is the one way an incident changes: load, let the domain act,
// write only if nobody wrote since, with the events of the step.
func (r *Incidents) Update(ctx context.Context, id string, fn func(*incident.Incident) error) (*incident.Incident, error) {
	return versionedUpdate(ctx, r.coll, r.guard, r.bell, "incident", id, r.find,
		func(d incidentDoc) (*incident.Incident, int64, error) {
			i := d.incident()
			if err := fn(i); err != nil {
				return nil, 0, err
			}
			return i, d.Version, nil
		}, toIncidentDoc)
}

// Latest is the elder's newest incident (ids are UUIDv7), nil if none.
func (r *Incidents) Latest(ctx context.Context, elderID string) (*incident.Incident, error) {
	out, err := findAll(ctx, r.coll, "latest incident", bson.D{{Key: "elderId", Value: elderID}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(1), incidentDoc.incident)
	if err != nil || len(out) == 0 {
		return nil, err
	}
	return out[0], nil
}

// Live lists the ids of the elder's open and acknowledged incidents.
func (r *Incidents) Live(ctx context.Context, elderID string) ([]string, error) {
	type idDoc struct {
		ID string `bson:"_id"`
	}
	return findAll(ctx, r.coll, "live incidents", bson.D{{Key: "elderId", Value: elderID},
		{Key: "status", Value: bson.D{{Key: "$in", Value: bson.A{string(incident.Open), string(incident.Acknowledged)}}}}},
		options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetProjection(bson.D{{Key: "_id", Value: 1}}),
		func(d idDoc) string { return d.ID })
}

func (r *Incidents) list(ctx context.Context, filter bson.D, p page.Request) ([]*incident.Incident, bool, error) {
	if p.After != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: p.After}}})
	}
	out, err := findAll(ctx, r.coll, "incidents", filter,
		options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(int64(p.Limit+1)), incidentDoc.incident)
	if err != nil {
		return nil, false, err
	}
	if len(out) > p.Limit {
		return out[:p.Limit], true, nil
	}
	return out, false, nil
}

func (r *Incidents) ForElder(ctx context.Context, elderID string, p page.Request) ([]*incident.Incident, bool, error) {
	return r.list(ctx, bson.D{{Key: "elderId", Value: elderID}}, p)
}

func (r *Incidents) ForResponder(ctx context.Context, userID string, live bool, p page.Request) ([]*incident.Incident, bool, error) {
	filter := bson.D{{Key: "called", Value: userID}}
	if live {
		filter = append(filter, bson.E{Key: "status", Value: bson.D{{Key: "$in",
			Value: bson.A{string(incident.Open), string(incident.Acknowledged)}}}})
	}
	return r.list(ctx, filter, p)
}

// Deadlines are the next deadlines of every open incident.
func (r *Incidents) Deadlines(ctx context.Context) (map[string]time.Time, error) {
	type dueDoc struct {
		ID    string    `bson:"_id"`
		DueAt time.Time `bson:"dueAt"`
	}
	docs, err := findAll(ctx, r.coll, "incident deadlines", bson.D{
		{Key: "status", Value: string(incident.Open)},
		{Key: "dueAt", Value: bson.D{{Key: "$exists", Value: true}}},
	}, options.Find().SetProjection(bson.D{{Key: "dueAt", Value: 1}}), func(d dueDoc) dueDoc { return d })
	if err != nil {
		return nil, err
	}
	out := make(map[string]time.Time, len(docs))
	for _, d := range docs {
		out[d.ID] = d.DueAt.UTC()
	}
	return out, nil
}

// Untexted lists incidents whose texts wait.
func (r *Incidents) Untexted(ctx context.Context, limit int) ([]string, error) {
	type idDoc struct {
		ID string `bson:"_id"`
	}
	return findAll(ctx, r.coll, "untexted incidents", bson.D{{Key: "untexted", Value: true}},
		options.Find().SetLimit(int64(limit)).SetProjection(bson.D{{Key: "_id", Value: 1}}),
		func(d idDoc) string { return d.ID })
}
