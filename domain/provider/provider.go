// Package provider is an organisation that delivers care: its licences,
// where it serves, whether the platform has verified it, and its credit
// standing with the regulator (诚信档案). Pure domain code.
package provider

import (
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/text"
)

// Display text a provider's records hold (see domain/text).
var (
	legalNameRule = text.Rule{Max: 200, Required: true}
	numberRule    = text.Rule{Max: 64, Required: true} // licence and certificate numbers
	issuerRule    = text.Rule{Max: 100, Required: true}
	languageRule  = text.Rule{Max: 20, Required: true}
)

// maxReason bounds the published reason of a verification decision or a
// credit standing.
const maxReason = 500

// Kind is a line of business; a provider may have several.
type Kind string

const (
	HomeCare             Kind = "home_care"             // 居家养老服务
	Canteen              Kind = "canteen"               // 老年食堂 / 幸福食堂
	DayCareCentre        Kind = "day_care_centre"       // 日间照料中心
	ChildcareInstitution Kind = "childcare_institution" // 托育机构
	HomeChildcarePoint   Kind = "home_childcare_point"  // 家庭托育点
	ClassOrganizer       Kind = "class_organizer"       // 父母课堂
	AbilityAssessment    Kind = "ability_assessment"    // 老年人能力评估机构: its assessments are official
)

var kinds = []Kind{HomeCare, Canteen, DayCareCentre, ChildcareInstitution, HomeChildcarePoint, ClassOrganizer,
	AbilityAssessment}

// Verification is where the platform's check of a provider stands.
type Verification string

const (
	Pending   Verification = "pending"
	Verified  Verification = "verified"
	Rejected  Verification = "rejected"
	Suspended Verification = "suspended"
)

// Credit is the regulator's standing of a provider (信用红黑名单).
type Credit string

const (
	CreditNormal Credit = "normal"
	RedListed    Credit = "red_listed"
	BlackListed  Credit = "black_listed"
)

// MaxServiceRadiusKM bounds a radius service area: beyond it "nearby"
// stops meaning anything for home care.
const MaxServiceRadiusKM = 50

var (
	ErrNotFound       = fault.New(fault.NotFound, "provider_not_found")
	ErrInvalid        = fault.New(fault.Unprocessable, "provider_invalid")
	ErrAdminRequired  = fault.New(fault.Forbidden, "provider_admin_required")
	ErrTransition     = fault.New(fault.Conflict, "provider_status_conflict")
	ErrReasonRequired = fault.New(fault.Unprocessable, "reason_required")
	ErrCreditInvalid  = fault.New(fault.Unprocessable, "credit_status_invalid")
	regionCode        = regexp.MustCompile(`^[1-9][0-9]{5}$`)
	hhmm              = regexp.MustCompile(`^([01][0-9]|2[0-3]):[0-5][0-9]$`)
)

// Licence is a licence or filing number (备案号) for one kind of business,
// with the last day it is valid when it lapses (zero: no end).
type Licence struct {
	Kind    Kind
	Number  string
	ValidTo calendar.Date
}

// Area is where a provider serves: within a radius of its address, or in
// a list of administrative regions. Exactly one is set.
type Area struct {
	RadiusKM    float64
	RegionCodes []string
}

// Hours are one opening period on a weekday (1 Monday … 7 Sunday), in
// the provider's time zone.
type Hours struct {
	Weekday     int
	Open, Close string // "08:00"
}

// Profile is what a provider says about itself.
type Profile struct {
	LegalName    string
	Licences     []Licence
	Address      geo.Address
	Area         Area
	TimeZone     string
	ContactPhone identity.Phone
	Hours        []Hours
	Policy       VisitPolicy
}

// VisitPolicy is what a provider publishes about its visits (收费公开):
// how near the elder's door a check-in must be, and the flat fee a family
// pays for cancelling once a caregiver holds the order.
type VisitPolicy struct {
	GeofenceMetres     int
	CancellationFeeFen int64
}

// DefaultGeofenceMetres is the check-in radius unless a provider sets one.
const DefaultGeofenceMetres = 200

// Geofence is the check-in radius in metres.
func (v VisitPolicy) Geofence() int {
	if v.GeofenceMetres <= 0 {
		return DefaultGeofenceMetres
	}
	return v.GeofenceMetres
}

// Provider is one document.
type Provider struct {
	ID        string
	Profile   Profile
	Admins    []string // users who manage it
	Status    Verification
	Reason    string // why rejected or suspended
	Credit    Credit
	CreditWhy string
	CreditAt  time.Time
	// CreditHistory is every credit change, oldest first (SetCredit).
	CreditHistory []CreditChange
	Stats         Stats
	// Items is the provider's menu. It lives in the provider's document:
	// a menu is small, is always shown with its provider, and search reads
	// both at once (the embedded store answers only lookups by id from an
	// index; any other query scans the collection).
	Items []catalog.Item
	// Staff and their pending invites live here too, so dispatch reads a
	// provider and everyone who may serve for it in one lookup.
	Staff        []Staff
	StaffInvites []StaffInvite
	// Duty is who is on emergency duty for the elders the provider
	// serves (SetDuty, OnDuty).
	Duty      []string
	CreatedBy string
	CreatedAt time.Time
	// The events the provider's next write announces.
	event.Outbox
}

// MaxItems bounds a menu, and with it the provider's document.
const MaxItems = 200

var ErrMenuFull = fault.New(fault.Conflict, "menu_full")

// AddItem puts a validated item on the menu.
func (p *Provider) AddItem(it catalog.Item) error {
	if len(p.Items) >= MaxItems {
		return ErrMenuFull.With(map[string]any{"max": MaxItems})
	}
	it.ProviderID = p.ID
	p.Items = append(p.Items, it)
	return nil
}

// Item finds an item on the menu.
func (p *Provider) Item(id string) (*catalog.Item, error) {
	for i := range p.Items {
		if p.Items[i].ID == id {
			return &p.Items[i], nil
		}
	}
	return nil, catalog.ErrNotFound
}

// Stats are the public rating counters orders keep (ratings.go).
type Stats struct {
	RatingSum   int64
	RatingCount int64
	// RecentRatings are the keys of the last ratings counted, newest
	// last, so counting one again changes nothing (ratings.go).
	RecentRatings []string
}

// New registers a provider; the registering user is its first admin and
// it waits for the platform's verification.
func New(id, creatorID string, p Profile, eventID string, now time.Time) (*Provider, error) {
	p, err := p.Validate()
	if err != nil {
		return nil, err
	}
	prov := &Provider{ID: id, Profile: p, Admins: []string{creatorID}, Status: Pending, Credit: CreditNormal,
		CreatedBy: creatorID, CreatedAt: now.UTC()}
	prov.announce(eventID, EventRegistered, now, map[string]string{"status": string(Pending)})
	return prov, nil
}

// Validate checks a profile and reports every bad field.
func (p Profile) Validate() (Profile, error) {
	var fields []fault.FieldError
	bad := func(f, c string) { fields = append(fields, fault.FieldError{Field: f, Code: c}) }
	fields = legalNameRule.Check(fields, "/legalName", &p.LegalName)
	if g := p.Policy.GeofenceMetres; g != 0 && (g < 50 || g > 2000) {
		bad("/visitPolicy/geofenceMetres", "range")
	}
	if f := p.Policy.CancellationFeeFen; f < 0 || f > 100_000 {
		bad("/visitPolicy/cancellationFeeFen", "range")
	}
	if len(p.Licences) == 0 {
		bad("/licences", "required")
	}
	seen := map[Kind]bool{}
	p.Licences = slices.Clone(p.Licences)
	for i, l := range p.Licences {
		at := "/licences/" + strconv.Itoa(i)
		if !slices.Contains(kinds, l.Kind) {
			bad(at+"/kind", "enum")
		} else if seen[l.Kind] {
			bad(at+"/kind", "duplicate")
		}
		seen[l.Kind] = true
		fields = numberRule.Check(fields, at+"/number", &p.Licences[i].Number)
	}
	if a, err := geo.NewAddress("/address", p.Address); err != nil {
		fe, _ := fault.As(err)
		fields = append(fields, fe.Fields...)
	} else if !a.Location.Served() {
		bad("/address/lat", "outside_served_range")
	} else {
		p.Address = a
	}
	switch {
	case p.Area.RadiusKM > 0 && len(p.Area.RegionCodes) > 0, p.Area.RadiusKM == 0 && len(p.Area.RegionCodes) == 0:
		bad("/serviceArea", "one_of_required")
	case p.Area.RadiusKM < 0 || p.Area.RadiusKM > MaxServiceRadiusKM:
		bad("/serviceArea/radiusKm", "range")
	}
	for i, rc := range p.Area.RegionCodes {
		if !regionCode.MatchString(rc) {
			bad("/serviceArea/regionCodes/"+strconv.Itoa(i), "pattern")
		}
	}
	if _, err := time.LoadLocation(p.TimeZone); err != nil || p.TimeZone == "" || p.TimeZone == "Local" {
		bad("/timeZone", "time_zone_invalid")
	}
	if p.ContactPhone == "" {
		bad("/contactPhone", "required")
	}
	for i, h := range p.Hours {
		at := "/openingHours/" + strconv.Itoa(i)
		if h.Weekday < 1 || h.Weekday > 7 {
			bad(at+"/weekday", "range")
		}
		if !hhmm.MatchString(h.Open) || !hhmm.MatchString(h.Close) || h.Close <= h.Open {
			bad(at, "period_invalid")
		}
	}
	if len(fields) > 0 {
		return p, ErrInvalid.WithFields(fields...)
	}
	return p, nil
}

// LicenceLapsesBy reports whether one of the provider's licences is valid
// no later than day: a licence about to lapse, or lapsed already, which
// a regulator follows up (证照到期).
func (p *Provider) LicenceLapsesBy(day calendar.Date) bool {
	return slices.ContainsFunc(p.Profile.Licences, func(l Licence) bool {
		return !l.ValidTo.IsZero() && !day.Before(l.ValidTo)
	})
}

// HasKind reports whether the provider holds a licence for kind.
func (p *Provider) HasKind(k Kind) bool {
	return slices.ContainsFunc(p.Profile.Licences, func(l Licence) bool { return l.Kind == k })
}

// ParseKind accepts the kinds of business there are.
func ParseKind(s string) (Kind, bool) { return Kind(s), slices.Contains(kinds, Kind(s)) }

// ParseCredit accepts the credit standings there are.
func ParseCredit(s string) (Credit, bool) {
	c := Credit(s)
	return c, c == CreditNormal || c == RedListed || c == BlackListed
}

// Visible reports whether families may find and order from it: verified
// by the platform and not black-listed by the regulator.
func (p *Provider) Visible() bool { return p.Status == Verified && p.Credit != BlackListed }

// MayAssess reports whether userID records ability assessments
// officially for the provider: it holds an assessment licence, the
// platform verified it and it is not black-listed, and userID is one of
// its admins or current staff.
func (p *Provider) MayAssess(userID string) bool {
	licensed := slices.ContainsFunc(p.Profile.Licences, func(l Licence) bool { return l.Kind == AbilityAssessment })
	return licensed && p.Visible() && (p.IsAdmin(userID) || p.StaffMember(userID) != nil)
}

// IsAdmin reports whether userID manages the provider.
func (p *Provider) IsAdmin(userID string) bool { return slices.Contains(p.Admins, userID) }

// RequireAdmin lets the provider's admins through.
func (p *Provider) RequireAdmin(userID string) error {
	if !p.IsAdmin(userID) {
		return ErrAdminRequired
	}
	return nil
}

// Covers reports whether the provider serves a place at distance metres
// from its address, in region code region.
func (p *Provider) Covers(distanceMetres float64, region string) bool {
	if p.Profile.Area.RadiusKM > 0 {
		return distanceMetres <= p.Profile.Area.RadiusKM*1000
	}
	return region != "" && slices.Contains(p.Profile.Area.RegionCodes, region)
}

// Verify admits a pending or rejected provider, or reinstates a
// suspended one.
func (p *Provider) Verify(eventID string, now time.Time) error {
	if p.Status == Verified {
		return ErrTransition.With(map[string]any{"status": string(p.Status)})
	}
	p.Status, p.Reason = Verified, ""
	p.announceVerification(eventID, now)
	return nil
}

// Reject refuses a pending provider, with the reason it is shown.
func (p *Provider) Reject(reason, eventID string, now time.Time) error {
	if p.Status != Pending {
		return ErrTransition.With(map[string]any{"status": string(p.Status)})
	}
	return p.withReason(Rejected, reason, eventID, now)
}

// Suspend hides a verified provider until it is verified again.
func (p *Provider) Suspend(reason, eventID string, now time.Time) error {
	if p.Status != Verified {
		return ErrTransition.With(map[string]any{"status": string(p.Status)})
	}
	return p.withReason(Suspended, reason, eventID, now)
}

func (p *Provider) withReason(s Verification, reason, eventID string, now time.Time) error {
	reason, bad := text.Rule{Max: maxReason, Required: true}.Clean("/reason", reason)
	if bad != nil {
		return ErrReasonRequired.WithFields(*bad)
	}
	p.Status, p.Reason = s, reason
	p.announceVerification(eventID, now)
	return nil
}

// CreditSource is who set a standing: the official's user id and, when
// the standing follows a complaint's decision, that complaint.
type CreditSource struct {
	By          string
	ComplaintID string
}

// CreditChange is one entry of a provider's credit history (诚信档案):
// what the standing was and became, why, who set it and when. ID is the
// change's event id (UUIDv7 in the service: time order).
type CreditChange struct {
	ID       string
	At       time.Time
	From, To Credit
	Reason   string
	CreditSource
}

// SetCredit records the regulator's standing; anything but normal needs a
// reason, which is published. The change joins the credit history in the
// same write as the standing itself, so the history can neither miss a
// change nor hold one that did not happen. A history grows by officials'
// decisions only (a few a year for a provider), so it lives in the
// provider's document.
func (p *Provider) SetCredit(c Credit, reason string, src CreditSource, eventID string, now time.Time) error {
	switch c {
	case CreditNormal, RedListed, BlackListed:
	default:
		return ErrCreditInvalid.WithFields(fault.FieldError{Field: "/status", Code: "enum"})
	}
	reason, bad := text.Rule{Max: maxReason, Required: c != CreditNormal}.Clean("/reason", reason)
	if bad != nil {
		return ErrReasonRequired.WithFields(*bad)
	}
	if len(p.CreditHistory) == 0 && !p.CreditAt.IsZero() {
		// A standing set before the history was kept stays its first entry.
		p.CreditHistory = []CreditChange{{At: p.CreditAt, To: p.Credit, Reason: p.CreditWhy}}
	}
	from := p.Credit
	p.Credit, p.CreditWhy, p.CreditAt = c, reason, now.UTC()
	p.CreditHistory = append(p.CreditHistory, CreditChange{ID: eventID, At: now.UTC(), From: from, To: c, Reason: reason,
		CreditSource: src})
	p.announce(eventID, EventCreditChanged, now, map[string]string{"credit": string(c), "reason": reason})
	return nil
}

// CreditChanges is the credit history, newest first. A standing set
// before the history was kept shows as one entry with what is known of
// it: no id, no former standing, no official.
func (p *Provider) CreditChanges() []CreditChange {
	out := make([]CreditChange, 0, len(p.CreditHistory)+1)
	for i := len(p.CreditHistory) - 1; i >= 0; i-- {
		out = append(out, p.CreditHistory[i])
	}
	if len(out) == 0 && !p.CreditAt.IsZero() {
		out = append(out, CreditChange{At: p.CreditAt, To: p.Credit, Reason: p.CreditWhy})
	}
	return out
}

// UpdateProfile replaces the profile; admins only. A new legal name or
// new licences are what verification checked, so a verified provider
// changing them waits for verification again. Every change is announced
// (the indicators count providers by kind and region, both of which a
// profile carries).
func (p *Provider) UpdateProfile(actorID string, next Profile, eventID string, now time.Time) error {
	if err := p.RequireAdmin(actorID); err != nil {
		return err
	}
	next, err := next.Validate()
	if err != nil {
		return err
	}
	reverify := next.LegalName != p.Profile.LegalName || !slices.Equal(next.Licences, p.Profile.Licences)
	p.Profile = next
	if reverify && p.Status == Verified {
		p.Status, p.Reason = Pending, ""
		p.announceVerification(eventID, now)
		return nil
	}
	p.AnnounceUpdated(eventID, now)
	return nil
}
