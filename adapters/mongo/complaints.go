package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/app/complaints"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/complaint"
	"github.com/kincare/kincare/domain/provider"
)

const complaintsColl = "complaints"

// complaintDoc is a complaint: one document with its answer, escalation,
// decision and outbox, so every step and its events are one write.
type complaintDoc struct {
	ID          string `bson:"_id"`
	FamilyID    string `bson:"familyId"`
	FiledBy     string `bson:"filedBy"`
	SubjectKind string `bson:"subjectKind"`
	SubjectID   string `bson:"subjectId"`
	// SubjectKey is unique: an order or a booking takes one complaint; a
	// provider's key includes the complaint's own id, so it takes many.
	SubjectKey   string             `bson:"subjectKey"`
	ProviderID   string             `bson:"providerId"`
	ProviderName string             `bson:"providerName"`
	RegionCode   string             `bson:"regionCode"`
	Regions      []string           `bson:"regions"` // the province, city and district codes it lies in
	TimeZone     string             `bson:"timeZone"`
	Category     string             `bson:"category"`
	Text         string             `bson:"text"`
	PhotoKeys    []string           `bson:"photoKeys,omitempty"`
	Desired      string             `bson:"desiredResolution"`
	Status       string             `bson:"status"`
	FiledAt      time.Time          `bson:"filedAt"`
	RespondBy    time.Time          `bson:"respondBy"` // the timer: Overdue reads it
	Reply        *complaintReplyDoc `bson:"reply,omitempty"`
	Escalation   *escalationDoc     `bson:"escalation,omitempty"`
	ResolvedAt   time.Time          `bson:"resolvedAt,omitempty"`
	Decision     *decisionDoc       `bson:"decision,omitempty"`
	// CreditPending marks a decision whose credit change the provider has
	// not got yet; absent otherwise, so its sparse index holds only those.
	CreditPending *bool      `bson:"creditPending,omitempty"`
	Version       int64      `bson:"version"`
	Pending       []eventDoc `bson:"pendingEvents,omitempty"`
	OutboxSince   *time.Time `bson:"outboxSince,omitempty"`
}

type complaintReplyDoc struct {
	Text string    `bson:"text"`
	By   string    `bson:"by"`
	At   time.Time `bson:"at"`
	Late bool      `bson:"late,omitempty"`
}

type escalationDoc struct {
	By     string    `bson:"by"`
	UserID string    `bson:"userId,omitempty"`
	Reason string    `bson:"reason,omitempty"`
	At     time.Time `bson:"at"`
}

type decisionDoc struct {
	Outcome       string    `bson:"outcome"`
	Text          string    `bson:"text"`
	By            string    `bson:"by"`
	At            time.Time `bson:"at"`
	Credit        string    `bson:"credit,omitempty"`
	CreditPending bool      `bson:"creditPending,omitempty"`
}

func subjectKey(s complaint.Snapshot) string {
	if s.Subject.Kind == complaint.AboutProvider {
		return string(s.Subject.Kind) + ":" + s.Subject.ID + ":" + s.ID
	}
	return string(s.Subject.Kind) + ":" + s.Subject.ID
}

// regionsOf is a region code and the codes of the city and province it
// lies in (310104 → 31, 3101, 310104), for filters by any of them.
func regionsOf(code string) []string {
	if len(code) != 6 {
		return []string{}
	}
	return []string{code[:2], code[:4], code}
}

func toComplaintDoc(c *complaint.Complaint, version int64) complaintDoc {
	s := c.Snapshot()
	d := complaintDoc{ID: s.ID, FamilyID: s.FamilyID, FiledBy: s.FiledBy, SubjectKind: string(s.Subject.Kind),
		SubjectID: s.Subject.ID, SubjectKey: subjectKey(s), ProviderID: s.ProviderID, ProviderName: s.ProviderName,
		RegionCode: s.RegionCode, Regions: regionsOf(s.RegionCode), TimeZone: s.TimeZone, Category: string(s.Category),
		Text: s.Text, PhotoKeys: s.PhotoKeys, Desired: string(s.Desired), Status: string(s.Status), FiledAt: s.FiledAt,
		RespondBy: s.RespondBy, ResolvedAt: s.ResolvedAt, Version: version, Pending: toEventDocs(s.Pending),
		OutboxSince: outboxSince(s.Pending)}
	if r := s.Reply; r != nil {
		d.Reply = &complaintReplyDoc{Text: r.Text, By: r.By, At: r.At, Late: r.Late}
	}
	if e := s.Escalation; e != nil {
		d.Escalation = &escalationDoc{By: string(e.By), UserID: e.UserID, Reason: e.Reason, At: e.At}
	}
	if x := s.Decision; x != nil {
		d.Decision = &decisionDoc{Outcome: string(x.Outcome), Text: x.Text, By: x.By, At: x.At, Credit: string(x.Credit),
			CreditPending: x.CreditPending}
		if x.CreditPending {
			pending := true
			d.CreditPending = &pending
		}
	}
	return d
}

func (d complaintDoc) complaint() *complaint.Complaint {
	s := complaint.Snapshot{ID: d.ID, FamilyID: d.FamilyID, FiledBy: d.FiledBy,
		Subject:    complaint.Subject{Kind: complaint.SubjectKind(d.SubjectKind), ID: d.SubjectID},
		ProviderID: d.ProviderID, ProviderName: d.ProviderName, RegionCode: d.RegionCode, TimeZone: d.TimeZone,
		Category: complaint.Category(d.Category), Text: d.Text, PhotoKeys: d.PhotoKeys,
		Desired: complaint.Resolution(d.Desired), Status: complaint.Status(d.Status), FiledAt: d.FiledAt.UTC(),
		RespondBy: d.RespondBy.UTC(), Pending: fromEventDocs(d.Pending)}
	if !d.ResolvedAt.IsZero() {
		s.ResolvedAt = d.ResolvedAt.UTC()
	}
	if r := d.Reply; r != nil {
		s.Reply = &complaint.Reply{Text: r.Text, By: r.By, At: r.At.UTC(), Late: r.Late}
	}
	if e := d.Escalation; e != nil {
		s.Escalation = &complaint.Escalation{By: complaint.Party(e.By), UserID: e.UserID, Reason: e.Reason, At: e.At.UTC()}
	}
	if x := d.Decision; x != nil {
		s.Decision = &complaint.Decision{Outcome: complaint.Outcome(x.Outcome), Text: x.Text, By: x.By, At: x.At.UTC(),
			Credit: provider.Credit(x.Credit), CreditPending: x.CreditPending}
	}
	return complaint.Unmarshal(s)
}

func (d complaintDoc) pendingEvents() int { return len(d.Pending) }

// Complaints implements the complaint store.
type Complaints struct {
	coll  *collection
	guard *writeGuard
	bell  *outboxBell
}

func (s *Store) Complaints() *Complaints {
	return &Complaints{coll: s.collection(complaintsColl), guard: s.guard, bell: s.bell}
}

// Create refuses a second complaint about one order or booking (the
// unique subjectKey) with complaint.ErrExists naming the first.
func (r *Complaints) Create(ctx context.Context, c *complaint.Complaint) error {
	d := toComplaintDoc(c, 1)
	if _, err := r.coll.InsertOne(ctx, d); err != nil {
		if mongo.IsDuplicateKeyError(err) {
			var first struct {
				ID string `bson:"_id"`
			}
			ferr := r.coll.FindOne(ctx, bson.D{{Key: "subjectKey", Value: d.SubjectKey}},
				options.FindOne().SetProjection(bson.D{{Key: "_id", Value: 1}})).Decode(&first)
			if ferr == nil {
				return complaint.ErrExists.With(map[string]any{"complaintId": first.ID})
			}
		}
		return fmt.Errorf("mongo: insert complaint: %w", err)
	}
	r.bell.ring(complaintsColl, c.ID())
	return nil
}

func (r *Complaints) find(ctx context.Context, id string) (complaintDoc, error) {
	return findByID[complaintDoc](ctx, r.coll, id, "complaint", complaint.ErrNotFound)
}

// Get returns complaint.ErrNotFound for an unknown id.
func (r *Complaints) Get(ctx context.Context, id string) (*complaint.Complaint, error) {
	d, err := r.find(ctx, id)
	if err != nil {
		return nil, err
	}
	return d.complaint(), nil
}

// Update is the one way a complaint changes: load, let the domain act,
// write only if nobody wrote since, with the events of the step.
func (r *Complaints) Update(ctx context.Context, id string, fn func(*complaint.Complaint) error) (*complaint.Complaint, error) {
	return versionedUpdate(ctx, r.coll, r.guard, r.bell, "complaint", id, r.find,
		func(d complaintDoc) (*complaint.Complaint, int64, error) {
			c := d.complaint()
			if err := fn(c); err != nil {
				return nil, 0, err
			}
			return c, d.Version, nil
		}, toComplaintDoc)
}

// List pages through complaints newest first (ids are UUIDv7).
func (r *Complaints) List(ctx context.Context, f complaints.Filter, p page.Request) ([]*complaint.Complaint, bool, error) {
	filter := bson.D{}
	for key, v := range map[string]string{"familyId": f.FamilyID, "providerId": f.ProviderID, "regions": f.Region} {
		if v != "" {
			filter = append(filter, bson.E{Key: key, Value: v})
		}
	}
	if len(f.Statuses) > 0 {
		in := bson.A{}
		for _, s := range f.Statuses {
			in = append(in, string(s))
		}
		filter = append(filter, bson.E{Key: "status", Value: bson.D{{Key: "$in", Value: in}}})
	}
	if f.Within != nil {
		in := bson.A{}
		for _, p := range f.Within {
			in = append(in, p)
		}
		filter = append(filter, bson.E{Key: "regions", Value: bson.D{{Key: "$in", Value: in}}})
	}
	if f.Escalated {
		filter = append(filter, bson.E{Key: "escalation.at", Value: bson.D{{Key: "$exists", Value: true}}})
	}
	if p.After != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: p.After}}})
	}
	out, err := findAll(ctx, r.coll, "complaints", filter,
		options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}).SetLimit(int64(p.Limit+1)), complaintDoc.complaint)
	if err != nil {
		return nil, false, err
	}
	if len(out) > p.Limit {
		return out[:p.Limit], true, nil
	}
	return out, false, nil
}

// Overdue lists open complaints whose deadline is at or before now,
// oldest deadline first.
func (r *Complaints) Overdue(ctx context.Context, now time.Time, limit int) ([]string, error) {
	return r.ids(ctx, "overdue complaints", bson.D{
		{Key: "status", Value: string(complaint.StatusOpen)},
		{Key: "respondBy", Value: bson.D{{Key: "$lte", Value: now}}},
	}, bson.D{{Key: "respondBy", Value: 1}}, limit)
}

// CreditPending lists decided complaints whose credit change waits.
func (r *Complaints) CreditPending(ctx context.Context, limit int) ([]string, error) {
	return r.ids(ctx, "complaints with a credit change pending", bson.D{{Key: "creditPending", Value: true}},
		bson.D{{Key: "_id", Value: 1}}, limit)
}

func (r *Complaints) ids(ctx context.Context, what string, filter, sort bson.D, limit int) ([]string, error) {
	type idDoc struct {
		ID string `bson:"_id"`
	}
	return findAll(ctx, r.coll, what, filter,
		options.Find().SetSort(sort).SetLimit(int64(limit)).SetProjection(bson.D{{Key: "_id", Value: 1}}),
		func(d idDoc) string { return d.ID })
}

// FiledSince returns the complaints about these providers filed at or
// after since, without their texts and outboxes.
func (r *Complaints) FiledSince(ctx context.Context, providerIDs []string, since time.Time) ([]*complaint.Complaint, error) {
	if len(providerIDs) == 0 {
		return nil, nil
	}
	filter := bson.D{{Key: "providerId", Value: bson.D{{Key: "$in", Value: providerIDs}}},
		{Key: "filedAt", Value: bson.D{{Key: "$gte", Value: since}}}}
	return findAll(ctx, r.coll, "complaints filed since", filter,
		options.Find().SetProjection(bson.D{{Key: "text", Value: 0}, {Key: "reply.text", Value: 0},
			{Key: "decision.text", Value: 0}, {Key: "pendingEvents", Value: 0}}),
		complaintDoc.complaint)
}
