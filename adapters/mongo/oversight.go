package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/domain/audit"
)

const oversightColl = "oversight"

// officialDoc is one regulator's action. The log is append only: this
// adapter inserts and reads, and has no way to change or remove an
// entry.
type officialDoc struct {
	ID           string    `bson:"_id"` // UUIDv7: id order is time order
	ActorID      string    `bson:"actorId"`
	ActorRegions []string  `bson:"actorRegions"`
	Action       string    `bson:"action"`
	SubjectKind  string    `bson:"subjectKind"`
	SubjectID    string    `bson:"subjectId"`
	RegionCode   string    `bson:"regionCode"`
	Regions      []string  `bson:"regions"` // regionsOf(RegionCode), for readers' regions
	Detail       string    `bson:"detail,omitempty"`
	RequestID    string    `bson:"requestId"`
	At           time.Time `bson:"at"`
}

// Oversight is the regulators' action log (audittrail.OfficialLog and
// oversight.Log).
type Oversight struct{ coll *collection }

func (s *Store) Oversight() *Oversight { return &Oversight{coll: s.collection(oversightColl)} }

func (r *Oversight) RecordOfficial(ctx context.Context, a audit.OfficialAction) error {
	d := officialDoc{ID: a.ID, ActorID: a.ActorID, ActorRegions: stringList(a.ActorRegions), Action: string(a.Action),
		SubjectKind: a.SubjectKind, SubjectID: a.SubjectID, RegionCode: a.RegionCode, Regions: regionsOf(a.RegionCode),
		Detail: a.Detail, RequestID: a.RequestID, At: a.At}
	if _, err := r.coll.InsertOne(ctx, d); err != nil {
		return fmt.Errorf("mongo: insert official action: %w", err)
	}
	return nil
}

// Each calls fn for the actions about subjects in regions (prefixes; nil:
// anywhere), newest first, with ids before before (empty: from the
// newest), until fn says stop or fails.
func (r *Oversight) Each(ctx context.Context, regions []string, before string,
	fn func(audit.OfficialAction) (bool, error)) error {
	filter := bson.D{}
	if regions != nil {
		in := bson.A{}
		for _, p := range regions {
			in = append(in, p)
		}
		filter = append(filter, bson.E{Key: "regions", Value: bson.D{{Key: "$in", Value: in}}})
	}
	if before != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$lt", Value: before}}})
	}
	cur, err := r.coll.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: -1}}))
	if err != nil {
		return fmt.Errorf("mongo: find official actions: %w", err)
	}
	defer func() { _ = cur.Close(context.WithoutCancel(ctx)) }()
	for cur.Next(ctx) {
		var d officialDoc
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("mongo: read official action: %w", err)
		}
		a := audit.OfficialAction{ID: d.ID, ActorID: d.ActorID, ActorRegions: d.ActorRegions, Action: audit.OfficialVerb(d.Action),
			SubjectKind: d.SubjectKind, SubjectID: d.SubjectID, RegionCode: d.RegionCode, Detail: d.Detail,
			RequestID: d.RequestID, At: d.At.UTC()}
		if goOn, err := fn(a); err != nil || !goOn {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("mongo: read official actions: %w", err)
	}
	return nil
}
