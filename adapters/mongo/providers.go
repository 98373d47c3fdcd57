package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/app/providers"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/provider"
)

const providersColl = "providers"

// maxProvidersListed bounds the providers one user manages.
const maxProvidersListed = 100

type providerDoc struct {
	ID      string             `bson:"_id"`
	Profile providerProfileDoc `bson:"profile"`
	// Regions are the province, city and district codes the address
	// lies in (regionsOf), for the regulators' list; written with every
	// save, and by BackfillRegions for providers saved before.
	Regions      []string  `bson:"regions"`
	Admins       []string  `bson:"admins"`
	Status       string    `bson:"status"`
	Reason       string    `bson:"reason"`
	Credit       string    `bson:"credit"`
	CreditReason string    `bson:"creditReason"`
	CreditAt     time.Time `bson:"creditAt,omitempty"` // absent until the regulator rates it
	// CreditHistory is every credit change, oldest first, written with
	// the change itself (absent before the first one).
	CreditHistory []creditChangeDoc `bson:"creditHistory,omitempty"`
	Stats         providerStatsDoc  `bson:"stats"`
	Items         []itemDoc         `bson:"items"` // the menu: see itemDoc
	Staff         []staffDoc        `bson:"staff"`
	StaffInvites  []staffInviteDoc  `bson:"staffInvites"`
	Duty          []string          `bson:"duty,omitempty"`
	CreatedBy     string            `bson:"createdBy"`
	CreatedAt     time.Time         `bson:"createdAt"`
	Version       int64             `bson:"version"`
	// The provider's outbox.
	PendingEvents []eventDoc `bson:"pendingEvents,omitempty"`
	OutboxSince   *time.Time `bson:"outboxSince,omitempty"`
}

type creditChangeDoc struct {
	ID          string    `bson:"id"`
	At          time.Time `bson:"at"`
	From        string    `bson:"from"`
	To          string    `bson:"to"`
	Reason      string    `bson:"reason,omitempty"`
	By          string    `bson:"by,omitempty"`
	ComplaintID string    `bson:"complaintId,omitempty"`
}

func toCreditChangeDocs(cs []provider.CreditChange) []creditChangeDoc {
	if len(cs) == 0 {
		return nil
	}
	out := make([]creditChangeDoc, len(cs))
	for i, c := range cs {
		out[i] = creditChangeDoc{ID: c.ID, At: c.At, From: string(c.From), To: string(c.To), Reason: c.Reason, By: c.By,
			ComplaintID: c.ComplaintID}
	}
	return out
}

func creditChangesFromDocs(ds []creditChangeDoc) []provider.CreditChange {
	if len(ds) == 0 {
		return nil
	}
	out := make([]provider.CreditChange, len(ds))
	for i, d := range ds {
		out[i] = provider.CreditChange{ID: d.ID, At: d.At.UTC(), From: provider.Credit(d.From), To: provider.Credit(d.To),
			Reason: d.Reason, CreditSource: provider.CreditSource{By: d.By, ComplaintID: d.ComplaintID}}
	}
	return out
}

type providerProfileDoc struct {
	LegalName    string           `bson:"legalName"`
	Licences     []licenceDoc     `bson:"licences"`
	Address      addressDoc       `bson:"address"`
	ServiceArea  serviceAreaDoc   `bson:"serviceArea"`
	TimeZone     string           `bson:"timeZone"`
	ContactPhone string           `bson:"contactPhone"`
	OpeningHours []openingHourDoc `bson:"openingHours"`
	Policy       visitPolicyDoc   `bson:"visitPolicy"`
}

type visitPolicyDoc struct {
	GeofenceMetres     int   `bson:"geofenceMetres,omitempty"`
	CancellationFeeFen int64 `bson:"cancellationFeeFen,omitempty"`
}

type licenceDoc struct {
	Kind   string `bson:"kind"`
	Number string `bson:"number"`
	// ValidTo is yyyy-mm-dd (so it compares as text), absent when the
	// licence does not lapse.
	ValidTo string `bson:"validTo,omitempty"`
}

type serviceAreaDoc struct {
	RadiusKM    float64  `bson:"radiusKm"`
	RegionCodes []string `bson:"regionCodes"`
}

type openingHourDoc struct {
	Weekday int    `bson:"weekday"`
	Open    string `bson:"open"`
	Close   string `bson:"close"`
}

type providerStatsDoc struct {
	RatingSum     int64    `bson:"ratingSum"`
	RatingCount   int64    `bson:"ratingCount"`
	RecentRatings []string `bson:"recentRatings,omitempty"`
}

func toProviderDoc(p *provider.Provider, version int64) providerDoc {
	pr := p.Profile
	licences := make([]licenceDoc, len(pr.Licences))
	for i, l := range pr.Licences {
		licences[i] = licenceDoc{Kind: string(l.Kind), Number: l.Number}
		if !l.ValidTo.IsZero() {
			licences[i].ValidTo = l.ValidTo.String()
		}
	}
	hours := make([]openingHourDoc, len(pr.Hours))
	for i, h := range pr.Hours {
		hours[i] = openingHourDoc{Weekday: h.Weekday, Open: h.Open, Close: h.Close}
	}
	return providerDoc{
		ID: p.ID,
		Profile: providerProfileDoc{LegalName: pr.LegalName, Licences: licences, Address: toAddressDoc(pr.Address),
			ServiceArea: serviceAreaDoc{RadiusKM: pr.Area.RadiusKM, RegionCodes: stringList(pr.Area.RegionCodes)},
			TimeZone:    pr.TimeZone, ContactPhone: pr.ContactPhone.String(), OpeningHours: hours,
			Policy: visitPolicyDoc{GeofenceMetres: pr.Policy.GeofenceMetres, CancellationFeeFen: pr.Policy.CancellationFeeFen}},
		Regions:       regionsOf(pr.Address.RegionCode),
		Admins:        stringList(p.Admins),
		Status:        string(p.Status),
		Reason:        p.Reason,
		Credit:        string(p.Credit),
		CreditReason:  p.CreditWhy,
		CreditAt:      p.CreditAt,
		CreditHistory: toCreditChangeDocs(p.CreditHistory),
		Stats: providerStatsDoc{RatingSum: p.Stats.RatingSum, RatingCount: p.Stats.RatingCount,
			RecentRatings: p.Stats.RecentRatings},
		Items:        toItemDocs(p.Items),
		Staff:        toStaffDocs(p.Staff),
		StaffInvites: toStaffInviteDocs(p.StaffInvites),
		Duty:         p.Duty,
		CreatedBy:    p.CreatedBy,
		CreatedAt:    p.CreatedAt,
		Version:      version,

		PendingEvents: toEventDocs(p.Pending()),
		OutboxSince:   outboxSince(p.Pending()),
	}
}

func (d providerDoc) provider() *provider.Provider {
	pr := d.Profile
	licences := make([]provider.Licence, len(pr.Licences))
	for i, l := range pr.Licences {
		licences[i] = provider.Licence{Kind: provider.Kind(l.Kind), Number: l.Number}
		if l.ValidTo != "" {
			licences[i].ValidTo, _ = calendar.ParseDate(l.ValidTo)
		}
	}
	hours := make([]provider.Hours, len(pr.OpeningHours))
	for i, h := range pr.OpeningHours {
		hours[i] = provider.Hours{Weekday: h.Weekday, Open: h.Open, Close: h.Close}
	}
	return &provider.Provider{
		ID: d.ID,
		Profile: provider.Profile{LegalName: pr.LegalName, Licences: licences, Address: pr.Address.address(),
			Area:     provider.Area{RadiusKM: pr.ServiceArea.RadiusKM, RegionCodes: typedList[string](pr.ServiceArea.RegionCodes)},
			TimeZone: pr.TimeZone, ContactPhone: identity.Phone(pr.ContactPhone), Hours: hours,
			Policy: provider.VisitPolicy{GeofenceMetres: pr.Policy.GeofenceMetres, CancellationFeeFen: pr.Policy.CancellationFeeFen}},
		Admins:        typedList[string](d.Admins),
		Status:        provider.Verification(d.Status),
		Reason:        d.Reason,
		Credit:        provider.Credit(d.Credit),
		CreditWhy:     d.CreditReason,
		CreditAt:      d.CreditAt.UTC(),
		CreditHistory: creditChangesFromDocs(d.CreditHistory),
		Stats: provider.Stats{RatingSum: d.Stats.RatingSum, RatingCount: d.Stats.RatingCount,
			RecentRatings: d.Stats.RecentRatings},
		Items:        menu(d.Items, d.ID),
		Staff:        staffFromDocs(d.Staff),
		StaffInvites: staffInvitesFromDocs(d.StaffInvites),
		Duty:         d.Duty,
		CreatedBy:    d.CreatedBy,
		CreatedAt:    d.CreatedAt.UTC(),
		Outbox:       event.RestoreOutbox(fromEventDocs(d.PendingEvents)),
	}
}

// Providers implements providers.Store, one document per provider with
// its menu.
type Providers struct {
	coll  *collection
	guard *writeGuard
	bell  *outboxBell
}

func (s *Store) Providers() *Providers {
	return &Providers{coll: s.collection(providersColl), guard: s.guard, bell: s.bell}
}

// Create refuses a provider with another provider's item on its menu.
func (r *Providers) Create(ctx context.Context, p *provider.Provider) error {
	if err := checkMenu(p, p.ID); err != nil {
		return err
	}
	if _, err := r.coll.InsertOne(ctx, toProviderDoc(p, 1)); err != nil {
		return fmt.Errorf("mongo: insert provider: %w", err)
	}
	return nil
}

// Get returns provider.ErrNotFound for an unknown id.
func (r *Providers) Get(ctx context.Context, id string) (*provider.Provider, error) {
	d, err := r.find(ctx, id)
	if err != nil {
		return nil, err
	}
	return d.provider(), nil
}

func (r *Providers) find(ctx context.Context, id string) (providerDoc, error) {
	return findByID[providerDoc](ctx, r.coll, id, "provider", provider.ErrNotFound)
}

// Update is optimistic like Families.Update: the write is conditional on
// the version read, and a lost race reloads and applies fn again. fn's
// errors come back as they are; fn may not change the id, nor put
// another provider's item on the menu.
func (r *Providers) Update(ctx context.Context, id string, fn func(*provider.Provider) error) (*provider.Provider, error) {
	return versionedUpdate(ctx, r.coll, r.guard, r.bell, "provider", id, r.find,
		func(d providerDoc) (*provider.Provider, int64, error) {
			p := d.provider()
			if err := fn(p); err != nil {
				return nil, 0, err
			}
			if p.ID != id {
				return nil, 0, fmt.Errorf("mongo: update provider %s: the id changed to %s", id, p.ID)
			}
			return p, d.Version, checkMenu(p, id)
		}, toProviderDoc)
}

func (d providerDoc) pendingEvents() int { return len(d.PendingEvents) }

// ListByAdmin returns the providers userID manages, oldest first, up to
// maxProvidersListed.
func (r *Providers) ListByAdmin(ctx context.Context, userID string) ([]*provider.Provider, error) {
	cur, err := r.coll.Find(ctx, bson.D{{Key: "admins", Value: userID}},
		options.Find().SetSort(bson.D{{Key: "createdAt", Value: 1}, {Key: "_id", Value: 1}}).
			SetLimit(maxProvidersListed))
	if err != nil {
		return nil, fmt.Errorf("mongo: list providers by admin: %w", err)
	}
	return readProviders(ctx, cur)
}

// GetMany returns the providers with these ids that exist, each once, in
// no particular order, in one query (on the embedded store, one SQL
// lookup through the _id index).
func (r *Providers) GetMany(ctx context.Context, ids []string) ([]*provider.Provider, error) {
	if len(ids) == 0 {
		return []*provider.Provider{}, nil
	}
	cur, err := r.coll.Find(ctx, bson.D{{Key: "_id", Value: bson.D{{Key: "$in", Value: ids}}}})
	if err != nil {
		return nil, fmt.Errorf("mongo: get providers: %w", err)
	}
	return readProviders(ctx, cur)
}

// EachVisible calls fn for every provider families may find (verified and
// not black-listed: provider.Visible), reading them through a cursor one
// batch at a time rather than all at once. An error of fn stops the walk
// and comes back as it is.
func (r *Providers) EachVisible(ctx context.Context, fn func(*provider.Provider) error) error {
	cur, err := r.coll.Find(ctx, bson.D{
		{Key: "status", Value: string(provider.Verified)},
		{Key: "credit", Value: bson.D{{Key: "$ne", Value: string(provider.BlackListed)}}},
	})
	if err != nil {
		return fmt.Errorf("mongo: find visible providers: %w", err)
	}
	defer func() { _ = cur.Close(context.WithoutCancel(ctx)) }()
	for cur.Next(ctx) {
		var d providerDoc
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("mongo: read visible provider: %w", err)
		}
		if err := fn(d.provider()); err != nil {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("mongo: read visible providers: %w", err)
	}
	return nil
}

// checkMenu refuses an item of another provider: items are stored in
// their provider's document without their provider's id, which reads back
// as the id of the document holding them. An item with no provider id
// yet is taken as the provider's own.
func checkMenu(p *provider.Provider, id string) error {
	for _, it := range p.Items {
		if it.ProviderID != "" && it.ProviderID != id {
			return fmt.Errorf("mongo: provider %s: item %s belongs to provider %s", id, it.ID, it.ProviderID)
		}
	}
	return nil
}

func readProviders(ctx context.Context, cur *cursor) ([]*provider.Provider, error) {
	var docs []providerDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("mongo: read providers: %w", err)
	}
	out := make([]*provider.Provider, len(docs))
	for i, d := range docs {
		out[i] = d.provider()
	}
	return out, nil
}

// EachSupervised walks the providers a regulator's list keeps, in id
// order after after, through a cursor. Regions match the prefixes of the
// address's region code (the regions field).
func (r *Providers) EachSupervised(ctx context.Context, f providers.SupervisedFilter, after string,
	fn func(*provider.Provider) (bool, error)) error {
	filter := bson.D{}
	if f.Regions != nil {
		in := bson.A{}
		for _, p := range f.Regions {
			in = append(in, p)
		}
		filter = append(filter, bson.E{Key: "regions", Value: bson.D{{Key: "$in", Value: in}}})
	}
	if f.Credit != "" {
		filter = append(filter, bson.E{Key: "credit", Value: f.Credit})
	}
	if f.Status != "" {
		filter = append(filter, bson.E{Key: "status", Value: f.Status})
	}
	if after != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}})
	}
	cur, err := r.coll.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return fmt.Errorf("mongo: find supervised providers: %w", err)
	}
	defer func() { _ = cur.Close(context.WithoutCancel(ctx)) }()
	for cur.Next(ctx) {
		var d providerDoc
		if err := cur.Decode(&d); err != nil {
			return fmt.Errorf("mongo: read supervised provider: %w", err)
		}
		if goOn, err := fn(d.provider()); err != nil || !goOn {
			return err
		}
	}
	if err := cur.Err(); err != nil {
		return fmt.Errorf("mongo: read supervised providers: %w", err)
	}
	return nil
}

// BackfillRegions gives every provider saved before providers carried
// their regions (the regulators' list reads them) its regions, by saving
// it again unchanged; it returns how many it saved. Run at start: after
// the first run it finds none, and a provider saved meanwhile by the
// current code has them already.
func (r *Providers) BackfillRegions(ctx context.Context) (int, error) {
	cur, err := r.coll.Find(ctx, bson.D{{Key: "regions", Value: bson.D{{Key: "$exists", Value: false}}}},
		options.Find().SetProjection(bson.D{{Key: "_id", Value: 1}}))
	if err != nil {
		return 0, fmt.Errorf("mongo: find providers without regions: %w", err)
	}
	var ids []struct {
		ID string `bson:"_id"`
	}
	if err := cur.All(ctx, &ids); err != nil {
		return 0, fmt.Errorf("mongo: read providers without regions: %w", err)
	}
	for _, d := range ids {
		if _, err := r.Update(ctx, d.ID, func(*provider.Provider) error { return nil }); err != nil {
			return 0, fmt.Errorf("mongo: backfill regions of provider %s: %w", d.ID, err)
		}
	}
	return len(ids), nil
}
