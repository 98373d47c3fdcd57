package mongo

import (
	"context"
	"fmt"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"
	"go.mongodb.org/mongo-driver/v2/mongo/options"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/service"
)

const eldersColl = "elders"

type elderDoc struct {
	ID         string          `bson:"_id"`
	FamilyID   string          `bson:"familyId"`
	Profile    elderProfileDoc `bson:"profile"`
	Health     healthDoc       `bson:"health"`
	Allowances []allowanceDoc  `bson:"allowances"`
	// BirthDateOfRecord: YYYY-MM-DD, empty until the birth date counted.
	BirthDateOfRecord string `bson:"birthDateOfRecord,omitempty"`
	BirthDateOfficial bool   `bson:"birthDateOfficial,omitempty"`
	// Account is the elder's own account, when linked.
	Account *elderAccountDoc `bson:"account,omitempty"`
	// Alarms are incidents being raised, Removal the elder's removal
	// under way (elder.BeginAlarm, BeginRemoval).
	Alarms    []elderAlarmDoc `bson:"alarms,omitempty"`
	Removal   *elderRemoveDoc `bson:"removal,omitempty"`
	CreatedBy string          `bson:"createdBy"`
	CreatedAt time.Time       `bson:"createdAt"`
	Version   int64           `bson:"version"`
}

type elderAccountDoc struct {
	UserID    string    `bson:"userId"`
	ConsentID string    `bson:"consentId"`
	LinkedAt  time.Time `bson:"linkedAt"`
	InvitedBy string    `bson:"invitedBy"`
}

func toElderAccountDoc(a *elder.Account) *elderAccountDoc {
	if a == nil {
		return nil
	}
	return &elderAccountDoc{UserID: a.UserID, ConsentID: a.ConsentID, LinkedAt: a.LinkedAt, InvitedBy: a.InvitedBy}
}

func (d *elderAccountDoc) account() *elder.Account {
	if d == nil {
		return nil
	}
	return &elder.Account{UserID: d.UserID, ConsentID: d.ConsentID, LinkedAt: d.LinkedAt.UTC(), InvitedBy: d.InvitedBy}
}

type elderAlarmDoc struct {
	IncidentID string    `bson:"incidentId"`
	At         time.Time `bson:"at"`
}

type elderRemoveDoc struct {
	ID    string    `bson:"id"`
	Since time.Time `bson:"since"`
	By    string    `bson:"by"`
}

func toElderAlarmDocs(as []elder.Alarm) []elderAlarmDoc {
	var out []elderAlarmDoc
	for _, a := range as {
		out = append(out, elderAlarmDoc{IncidentID: a.IncidentID, At: a.At})
	}
	return out
}

func (d elderDoc) alarms() []elder.Alarm {
	var out []elder.Alarm
	for _, a := range d.Alarms {
		out = append(out, elder.Alarm{IncidentID: a.IncidentID, At: a.At.UTC()})
	}
	return out
}

func toElderRemoveDoc(r *elder.Removal) *elderRemoveDoc {
	if r == nil {
		return nil
	}
	return &elderRemoveDoc{ID: r.ID, Since: r.Since, By: r.By}
}

func (d *elderRemoveDoc) removal() *elder.Removal {
	if d == nil {
		return nil
	}
	return &elder.Removal{ID: d.ID, Since: d.Since.UTC(), By: d.By}
}

type elderProfileDoc struct {
	Name              string                `bson:"name"`
	Gender            string                `bson:"gender"`
	BirthDate         string                `bson:"birthDate"` // YYYY-MM-DD
	Phone             string                `bson:"phone"`
	Address           addressDoc            `bson:"address"`
	Living            string                `bson:"living"`
	MobilityAids      []string              `bson:"mobilityAids"`
	Diet              dietDoc               `bson:"diet"`
	EmergencyContacts []emergencyContactDoc `bson:"emergencyContacts"`
	CaregiverNotes    string                `bson:"caregiverNotes"`
}

type addressDoc struct {
	Province   string   `bson:"province"`
	City       string   `bson:"city"`
	District   string   `bson:"district"`
	Street     string   `bson:"street"`
	Detail     string   `bson:"detail"`
	RegionCode string   `bson:"regionCode"`
	Location   pointDoc `bson:"location"`
}

type pointDoc struct {
	Lat float64 `bson:"lat"`
	Lng float64 `bson:"lng"`
}

type dietDoc struct {
	Tags      []string `bson:"tags"`
	Allergies string   `bson:"allergies"`
}

type emergencyContactDoc struct {
	Name     string `bson:"name"`
	Relation string `bson:"relation"`
	Phone    string `bson:"phone"`
}

type healthDoc struct {
	Conditions        []string        `bson:"conditions"`
	Assessment        *assessmentDoc  `bson:"assessment"` // null when none
	AssessmentHistory []assessmentDoc `bson:"assessmentHistory"`
}

type assessmentDoc struct {
	Level      string `bson:"level"`
	AssessedOn string `bson:"assessedOn"`
	AssessedBy string `bson:"assessedBy"`
	Source     string `bson:"source,omitempty"` // absent on records from before sources: self-reported
	RecordedBy string `bson:"recordedBy,omitempty"`
	ProviderID string `bson:"providerId,omitempty"`
}

type allowanceDoc struct {
	ID           string    `bson:"id"`
	Issuer       string    `bson:"issuer"`
	Kind         string    `bson:"kind"`
	MonthlyFen   int64     `bson:"monthlyFen"`
	MonthlyHours int       `bson:"monthlyHours"`
	ServiceTypes []string  `bson:"serviceTypes"`
	ValidFrom    string    `bson:"validFrom"`
	ValidTo      string    `bson:"validTo"` // "" when open-ended
	OneOff       bool      `bson:"oneOff,omitempty"`
	TimeZone     string    `bson:"timeZone,omitempty"`
	SetBy        string    `bson:"setBy"`
	SetAt        time.Time `bson:"setAt"`
}

func toElderDoc(e elder.Elder, version int64) elderDoc {
	p := e.Profile
	contacts := make([]emergencyContactDoc, len(p.EmergencyContacts))
	for i, c := range p.EmergencyContacts {
		contacts[i] = emergencyContactDoc{Name: c.Name, Relation: c.Relation, Phone: c.Phone.String()}
	}
	var current *assessmentDoc
	if e.Health.Assessment != nil {
		a := toAssessmentDoc(*e.Health.Assessment)
		current = &a
	}
	history := make([]assessmentDoc, len(e.Health.AssessmentHistory))
	for i, a := range e.Health.AssessmentHistory {
		history[i] = toAssessmentDoc(a)
	}
	allowances := make([]allowanceDoc, len(e.Allowances))
	for i, a := range e.Allowances {
		allowances[i] = allowanceDoc{ID: a.ID, Issuer: a.Issuer, Kind: string(a.Kind), MonthlyFen: a.MonthlyFen,
			MonthlyHours: a.MonthlyHours, ServiceTypes: stringList(a.ServiceTypes), ValidFrom: dateString(a.ValidFrom),
			ValidTo: dateString(a.ValidTo), OneOff: a.OneOff, TimeZone: a.TimeZone, SetBy: a.SetBy, SetAt: a.SetAt}
	}
	return elderDoc{
		ID:       e.ID,
		FamilyID: e.FamilyID,
		Profile: elderProfileDoc{Name: p.Name, Gender: string(p.Gender), BirthDate: dateString(p.BirthDate),
			Phone: p.Phone.String(), Address: toAddressDoc(p.Address), Living: string(p.Living),
			MobilityAids: stringList(p.MobilityAids), Diet: dietDoc{Tags: stringList(p.Diet.Tags), Allergies: p.Diet.Allergies},
			EmergencyContacts: contacts, CaregiverNotes: p.CaregiverNotes},
		Health:            healthDoc{Conditions: stringList(e.Health.Conditions), Assessment: current, AssessmentHistory: history},
		Allowances:        allowances,
		BirthDateOfRecord: dateString(e.BirthDateOfRecord),
		BirthDateOfficial: e.BirthDateOfficial, Account: toElderAccountDoc(e.Account),
		Alarms: toElderAlarmDocs(e.Alarms), Removal: toElderRemoveDoc(e.Removal),
		CreatedBy: e.CreatedBy,
		CreatedAt: e.CreatedAt,
		Version:   version,
	}
}

func toAssessmentDoc(a elder.Assessment) assessmentDoc {
	return assessmentDoc{Level: string(a.Level), AssessedOn: dateString(a.AssessedOn), AssessedBy: a.AssessedBy,
		Source: string(a.Source), RecordedBy: a.RecordedBy, ProviderID: a.ProviderID}
}

func toAddressDoc(a geo.Address) addressDoc {
	return addressDoc{Province: a.Province, City: a.City, District: a.District, Street: a.Street, Detail: a.Detail,
		RegionCode: a.RegionCode, Location: pointDoc{Lat: a.Location.Lat, Lng: a.Location.Lng}}
}

func (d elderDoc) elder() (elder.Elder, error) {
	var dates dateParser
	p := d.Profile
	contacts := make([]elder.EmergencyContact, len(p.EmergencyContacts))
	for i, c := range p.EmergencyContacts {
		contacts[i] = elder.EmergencyContact{Name: c.Name, Relation: c.Relation, Phone: identity.Phone(c.Phone)}
	}
	var current *elder.Assessment
	if d.Health.Assessment != nil {
		a := dates.assessment(*d.Health.Assessment)
		current = &a
	}
	history := make([]elder.Assessment, len(d.Health.AssessmentHistory))
	for i, a := range d.Health.AssessmentHistory {
		history[i] = dates.assessment(a)
	}
	allowances := make([]elder.Allowance, len(d.Allowances))
	for i, a := range d.Allowances {
		allowances[i] = elder.Allowance{ID: a.ID, Issuer: a.Issuer, Kind: elder.AllowanceKind(a.Kind),
			MonthlyFen: a.MonthlyFen, MonthlyHours: a.MonthlyHours, ServiceTypes: typedList[service.Type](a.ServiceTypes),
			ValidFrom: dates.parse(a.ValidFrom), ValidTo: dates.parse(a.ValidTo), OneOff: a.OneOff, TimeZone: a.TimeZone,
			SetBy: a.SetBy, SetAt: a.SetAt.UTC()}
	}
	e := elder.Elder{
		ID:       d.ID,
		FamilyID: d.FamilyID,
		Profile: elder.Profile{Name: p.Name, Gender: elder.Gender(p.Gender), BirthDate: dates.parse(p.BirthDate),
			Phone: identity.Phone(p.Phone), Address: p.Address.address(), Living: elder.Living(p.Living),
			MobilityAids:      typedList[elder.MobilityAid](p.MobilityAids),
			Diet:              elder.Diet{Tags: typedList[elder.DietTag](p.Diet.Tags), Allergies: p.Diet.Allergies},
			EmergencyContacts: contacts, CaregiverNotes: p.CaregiverNotes},
		Health: elder.Health{Conditions: typedList[string](d.Health.Conditions), Assessment: current,
			AssessmentHistory: history},
		Allowances:        allowances,
		BirthDateOfRecord: dates.parse(d.BirthDateOfRecord),
		BirthDateOfficial: d.BirthDateOfficial, Account: d.Account.account(),
		Alarms: d.alarms(), Removal: d.Removal.removal(),
		CreatedBy: d.CreatedBy,
		CreatedAt: d.CreatedAt.UTC(),
	}
	if dates.err != nil {
		return elder.Elder{}, fmt.Errorf("mongo: elder %s: %w", d.ID, dates.err)
	}
	return e, nil
}

func (a addressDoc) address() geo.Address {
	return geo.Address{Province: a.Province, City: a.City, District: a.District, Street: a.Street, Detail: a.Detail,
		RegionCode: a.RegionCode, Location: geo.Point{Lat: a.Location.Lat, Lng: a.Location.Lng}}
}

func (p *dateParser) assessment(a assessmentDoc) elder.Assessment {
	source := elder.AssessmentSource(a.Source)
	if source == "" {
		source = elder.SelfReported
	}
	return elder.Assessment{Level: elder.AbilityLevel(a.Level), AssessedOn: p.parse(a.AssessedOn), AssessedBy: a.AssessedBy,
		Source: source, RecordedBy: a.RecordedBy, ProviderID: a.ProviderID}
}

// Elders implements the elder store, one document per elder.
type Elders struct {
	r familyRecords[elder.Elder, elderDoc]
}

func (s *Store) Elders() *Elders {
	return &Elders{r: familyRecords[elder.Elder, elderDoc]{
		coll: s.collection(eldersColl), guard: s.guard, name: "elder", notFound: elder.ErrNotFound,
		toDoc: toElderDoc, fromDoc: elderDoc.elder,
		keys:    func(e elder.Elder) (string, string) { return e.ID, e.FamilyID },
		docKeys: func(d elderDoc) (string, string, int64) { return d.ID, d.FamilyID, d.Version },
	}}
}

func (s *Elders) Create(ctx context.Context, e elder.Elder) error { return s.r.create(ctx, e) }

// Get returns elder.ErrNotFound for an unknown id.
func (s *Elders) Get(ctx context.Context, id string) (elder.Elder, error) { return s.r.get(ctx, id) }

// Update may not change the id or the family: a record never moves.
func (s *Elders) Update(ctx context.Context, id string, fn func(*elder.Elder) error) (elder.Elder, error) {
	return s.r.update(ctx, id, fn)
}

// Delete returns elder.ErrNotFound when there was no such elder.
func (s *Elders) Delete(ctx context.Context, id string) error { return s.r.delete(ctx, id) }

// DeleteRemoving erases the elder only while their removal removalID is
// under way, in one conditional write: elder.ErrRemovalTakenBack if it
// is not (the repair took it back), elder.ErrNotFound if the elder is
// gone.
func (s *Elders) DeleteRemoving(ctx context.Context, id, removalID string) error {
	ctx, unlock := s.r.guard.lock(ctx, s.r.coll.Name(), id)
	defer unlock()
	filter := bson.D{{Key: "_id", Value: id}, {Key: "removal.id", Value: removalID}}
	if s.r.guard.on {
		// Held, the lock makes reading and deleting one step; FerretDB
		// finds a document by _id alone without a scan.
		d, err := s.r.find(ctx, id)
		if err != nil {
			return err
		}
		if d.Removal == nil || d.Removal.ID != removalID {
			return elder.ErrRemovalTakenBack
		}
		filter = filter[:1]
	}
	res, err := s.r.coll.DeleteOne(ctx, filter)
	if err != nil {
		return fmt.Errorf("mongo: delete elder: %w", err)
	}
	if res.DeletedCount == 1 {
		return nil
	}
	if _, err := s.r.find(ctx, id); err != nil {
		return err
	}
	return elder.ErrRemovalTakenBack
}

// ListByFamily pages through a family's records in id order.
func (s *Elders) ListByFamily(ctx context.Context, familyID string, p page.Request) ([]elder.Elder, bool, error) {
	return s.r.listByFamily(ctx, familyID, p)
}

func (s *Elders) DeleteByFamily(ctx context.Context, familyID string) error {
	return s.r.deleteByFamily(ctx, familyID)
}

// RemovingSince lists, in id order after after, at most limit elders
// whose removal began (or was last renewed) at or before cutoff: the
// repair's candidates. The sparse index on removal.since holds only
// elders being removed, so the pass reads those alone.
func (s *Elders) RemovingSince(ctx context.Context, cutoff time.Time, after string, limit int) ([]elder.Elder, error) {
	filter := bson.D{{Key: "removal.since", Value: bson.D{{Key: "$lte", Value: cutoff}}}}
	if after != "" {
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: "$gt", Value: after}}})
	}
	cur, err := s.r.coll.Find(ctx, filter, options.Find().SetSort(bson.D{{Key: "_id", Value: 1}}).SetLimit(int64(limit)))
	if err != nil {
		return nil, fmt.Errorf("mongo: find elders being removed: %w", err)
	}
	var docs []elderDoc
	if err := cur.All(ctx, &docs); err != nil {
		return nil, fmt.Errorf("mongo: read elders being removed: %w", err)
	}
	out := make([]elder.Elder, 0, len(docs))
	for _, d := range docs {
		e, err := d.elder()
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// findPage reads one page of a family's documents in _id order, ascending
// (dir 1, after p.After) or descending (dir -1, before p.After), and
// reports whether more follow by asking for one document beyond the page.
// The limit is clamped as page.Parse clamps it.
func findPage[D any](ctx context.Context, coll *collection, familyID string, p page.Request, dir int) ([]D, bool, error) {
	limit := p.Limit
	switch {
	case limit <= 0:
		limit = page.DefaultLimit
	case limit > page.MaxLimit:
		limit = page.MaxLimit
	}
	filter := bson.D{{Key: "familyId", Value: familyID}}
	if p.After != "" {
		op := "$gt"
		if dir < 0 {
			op = "$lt"
		}
		filter = append(filter, bson.E{Key: "_id", Value: bson.D{{Key: op, Value: p.After}}})
	}
	cur, err := coll.Find(ctx, filter,
		options.Find().SetSort(bson.D{{Key: "_id", Value: dir}}).SetLimit(int64(limit+1)))
	if err != nil {
		return nil, false, err
	}
	var docs []D
	if err := cur.All(ctx, &docs); err != nil {
		return nil, false, err
	}
	if len(docs) > limit {
		return docs[:limit], true, nil
	}
	return docs, false, nil
}

// Civil dates are stored as YYYY-MM-DD strings, "" for none: they sort
// and compare as dates, and carry no time zone to shift them.
func dateString(d calendar.Date) string {
	if d.IsZero() {
		return ""
	}
	return d.String()
}

// dateParser keeps the first bad date, so a conversion reads on and fails once.
type dateParser struct{ err error }

func (p *dateParser) parse(s string) calendar.Date {
	if s == "" {
		return calendar.Date{}
	}
	d, err := calendar.ParseDate(s)
	if err != nil && p.err == nil {
		p.err = fmt.Errorf("stored date %q: %w", s, err)
	}
	return d
}

// stringList stores a list of string-typed values; never null, so arrays
// are always arrays in the database.
func stringList[T ~string](in []T) []string {
	out := make([]string, len(in))
	for i, v := range in {
		out[i] = string(v)
	}
	return out
}

// typedList reads a stored list back; never nil.
func typedList[T ~string](in []string) []T {
	out := make([]T, len(in))
	for i, v := range in {
		out[i] = T(v)
	}
	return out
}
