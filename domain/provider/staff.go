package provider

import (
	"slices"
	"strconv"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/service"
)

// StaffRole is what a staff member does for a provider.
type StaffRole string

const (
	StaffOffice    StaffRole = "provider_staff" // dispatches, answers families
	StaffCaregiver StaffRole = "caregiver"      // goes to the elder's home
)

// StaffInviteTTL is how long a staff invite can be accepted.
const StaffInviteTTL = 7 * 24 * time.Hour

// MaxStaff bounds a provider's document: its caregivers live in it, so
// dispatch reads a provider and everyone who may serve in one lookup.
const MaxStaff = 500

// CertificateWarningDays is how far ahead an expiring certificate is
// flagged to the provider.
const CertificateWarningDays = 30

var (
	ErrStaffNotFound   = fault.New(fault.NotFound, "staff_not_found")
	ErrStaffInvalid    = fault.New(fault.Unprocessable, "staff_invalid")
	ErrAlreadyStaff    = fault.New(fault.Conflict, "already_staff")
	ErrStaffFull       = fault.New(fault.Conflict, "staff_full")
	ErrStaffInviteGone = fault.New(fault.NotFound, "staff_invite_not_found")
	ErrNotCaregiver    = fault.New(fault.Conflict, "not_a_caregiver")
)

// StaffInvite waits for the phone's owner to accept.
type StaffInvite struct {
	Phone     identity.Phone
	Role      StaffRole
	InvitedBy string
	CreatedAt time.Time
	ExpiresAt time.Time
}

// Staff is one person working for the provider.
type Staff struct {
	UserID    string
	Role      StaffRole
	JoinedAt  time.Time
	Caregiver *Caregiver // set for caregivers once their profile is entered
	// Ratings of the visits this caregiver made for the provider; kept
	// apart from the profile, which the admin replaces as a whole.
	Ratings Tally
}

// Caregiver is what dispatch needs to know about a caregiver (持证上岗).
type Caregiver struct {
	Certificates []Certificate
	Skills       []service.Type
	Gender       string
	Languages    []string // 普通话, 上海话, 粤语 …
	HomeBase     geo.Point
	WeeklyHours  []Hours // in the provider's time zone
	Active       bool
}

// CertificateKind is a qualification and the services it qualifies for.
type CertificateKind string

const (
	ElderlyCareWorker CertificateKind = "elderly_care_worker" // 养老护理员
	Nurse             CertificateKind = "nurse"               // 护士执业证书
	HealthManager     CertificateKind = "health_manager"      // 健康管理师
	ChildcareWorker   CertificateKind = "childcare_worker"    // 保育员 / 育婴员
)

// qualifies says which services each certificate allows its holder to do.
var qualifies = map[CertificateKind][]service.Type{
	ElderlyCareWorker: {service.MealAid, service.Bathing, service.Cleaning, service.MobilityHelp, service.Errands,
		service.HomeVisit, service.RespiteStay, service.DayCare},
	Nurse: {service.MedicalEscort, service.HomeVisit, service.Bathing, service.MobilityHelp, service.RespiteStay,
		service.DayCare},
	HealthManager:   {service.HomeVisit, service.MedicalEscort},
	ChildcareWorker: {},
}

// Certificate is one qualification with its expiry.
type Certificate struct {
	Kind      CertificateKind
	Number    string
	Issuer    string
	ExpiresOn calendar.Date
}

// CanServe reports whether the caregiver may be offered or assigned a
// service of type t on day: it is one of their skills and a certificate
// valid that day qualifies for it.
func (c Caregiver) CanServe(t service.Type, day calendar.Date) bool {
	if !c.Active || !slices.Contains(c.Skills, t) {
		return false
	}
	for _, cert := range c.Certificates {
		if !cert.ExpiresOn.Before(day) && slices.Contains(qualifies[cert.Kind], t) {
			return true
		}
	}
	return false
}

// CertifiedUntil is the last day the caregiver holds a certificate that
// qualifies for elderly care (持证养老护理员: a childcare certificate
// alone does not count); zero when none ever did.
func (c Caregiver) CertifiedUntil() calendar.Date {
	var last calendar.Date
	for _, cert := range c.Certificates {
		if len(qualifies[cert.Kind]) > 0 && last.Before(cert.ExpiresOn) {
			last = cert.ExpiresOn
		}
	}
	return last
}

// Expiring lists certificates that lapse within CertificateWarningDays
// of today (in the provider's zone), or have lapsed, for renewal.
func (c Caregiver) Expiring(today calendar.Date) []Certificate {
	limit := today.AddDays(CertificateWarningDays)
	var out []Certificate
	for _, cert := range c.Certificates {
		if !limit.Before(cert.ExpiresOn) {
			out = append(out, cert)
		}
	}
	return out
}

// Validate checks a caregiver profile; certificates already expired on
// today are accepted (they are history) but qualify for nothing.
func (c Caregiver) Validate() (Caregiver, error) {
	var fields []fault.FieldError
	bad := func(f, code string) { fields = append(fields, fault.FieldError{Field: f, Code: code}) }
	c.Certificates, c.Languages = slices.Clone(c.Certificates), slices.Clone(c.Languages)
	for i, cert := range c.Certificates {
		at := "/certificates/" + strconv.Itoa(i)
		if _, ok := qualifies[cert.Kind]; !ok {
			bad(at+"/kind", "enum")
		}
		fields = numberRule.Check(fields, at+"/number", &c.Certificates[i].Number)
		fields = issuerRule.Check(fields, at+"/issuer", &c.Certificates[i].Issuer)
		if cert.ExpiresOn.IsZero() {
			bad(at+"/expiresOn", "required")
		}
	}
	for i, t := range c.Skills {
		if !t.Valid() {
			bad("/skills/"+strconv.Itoa(i), "enum")
		}
	}
	if c.Gender != "female" && c.Gender != "male" {
		bad("/gender", "enum")
	}
	for i := range c.Languages {
		fields = languageRule.Check(fields, "/languages/"+strconv.Itoa(i), &c.Languages[i])
	}
	if _, err := geo.NewPoint(c.HomeBase.Lat, c.HomeBase.Lng); err != nil {
		bad("/homeBase", "coordinates_invalid")
	}
	for i, h := range c.WeeklyHours {
		if h.Weekday < 1 || h.Weekday > 7 || !hhmm.MatchString(h.Open) || !hhmm.MatchString(h.Close) || h.Close <= h.Open {
			bad("/weeklyHours/"+strconv.Itoa(i), "period_invalid")
		}
	}
	if len(fields) > 0 {
		return c, ErrStaffInvalid.WithFields(fields...)
	}
	return c, nil
}

// InviteStaff records an invite by phone; the provider's admins only.
func (p *Provider) InviteStaff(actorID string, phone identity.Phone, role StaffRole, now time.Time) (StaffInvite, error) {
	if err := p.RequireAdmin(actorID); err != nil {
		return StaffInvite{}, err
	}
	if role != StaffOffice && role != StaffCaregiver {
		return StaffInvite{}, ErrStaffInvalid.WithFields(fault.FieldError{Field: "/role", Code: "enum"})
	}
	// Expired invites no longer hold a place.
	p.StaffInvites = slices.DeleteFunc(p.StaffInvites, func(i StaffInvite) bool { return !now.Before(i.ExpiresAt) })
	if len(p.Staff)+len(p.StaffInvites) >= MaxStaff {
		return StaffInvite{}, ErrStaffFull
	}
	inv := StaffInvite{Phone: phone, Role: role, InvitedBy: actorID, CreatedAt: now.UTC(), ExpiresAt: now.UTC().Add(StaffInviteTTL)}
	p.StaffInvites = slices.DeleteFunc(p.StaffInvites, func(i StaffInvite) bool { return i.Phone == phone })
	p.StaffInvites = append(p.StaffInvites, inv)
	return inv, nil
}

// AcceptStaffInvite joins the user with phone to the staff.
func (p *Provider) AcceptStaffInvite(userID string, phone identity.Phone, now time.Time) (StaffRole, error) {
	i := slices.IndexFunc(p.StaffInvites, func(i StaffInvite) bool { return i.Phone == phone && now.Before(i.ExpiresAt) })
	if i < 0 {
		return "", ErrStaffInviteGone
	}
	if p.StaffMember(userID) != nil {
		return "", ErrAlreadyStaff
	}
	role := p.StaffInvites[i].Role
	p.StaffInvites = slices.Delete(p.StaffInvites, i, i+1)
	p.Staff = append(p.Staff, Staff{UserID: userID, Role: role, JoinedAt: now.UTC()})
	return role, nil
}

// StaffMember finds a member of staff.
func (p *Provider) StaffMember(userID string) *Staff {
	for i := range p.Staff {
		if p.Staff[i].UserID == userID {
			return &p.Staff[i]
		}
	}
	return nil
}

// RemoveStaff ends someone's work for the provider at once; admins only.
func (p *Provider) RemoveStaff(actorID, userID string) error {
	if err := p.RequireAdmin(actorID); err != nil {
		return err
	}
	n := len(p.Staff)
	p.Staff = slices.DeleteFunc(p.Staff, func(s Staff) bool { return s.UserID == userID })
	if len(p.Staff) == n {
		return ErrStaffNotFound
	}
	p.Duty = slices.DeleteFunc(p.Duty, func(id string) bool { return id == userID && !p.IsAdmin(id) })
	return nil
}

// SetCaregiver enters or replaces a caregiver's profile; admins only.
func (p *Provider) SetCaregiver(actorID, userID string, c Caregiver) error {
	if err := p.RequireAdmin(actorID); err != nil {
		return err
	}
	s := p.StaffMember(userID)
	if s == nil {
		return ErrStaffNotFound
	}
	if s.Role != StaffCaregiver {
		return ErrNotCaregiver
	}
	c, err := c.Validate()
	if err != nil {
		return err
	}
	s.Caregiver = &c
	return nil
}

// CanSeeStaff lets admins and staff see the staff list.
func (p *Provider) CanSeeStaff(userID string) bool {
	return p.IsAdmin(userID) || p.StaffMember(userID) != nil
}

// SeesInFull reports whether viewerID may see all of member's record:
// certificate numbers and home base are for those who run the provider
// (admins, office staff) and for the person themself. A caregiver sees
// colleagues as a colleague (AsColleague): where a colleague lives is
// not theirs to know.
func (p *Provider) SeesInFull(viewerID string, member Staff) bool {
	return p.InOffice(viewerID) || viewerID == member.UserID
}

// AsColleague is what a caregiver sees of a colleague: who they are,
// their role and what they do, nothing of their papers, home or hours.
func (s Staff) AsColleague() Staff {
	out := Staff{UserID: s.UserID, Role: s.Role, JoinedAt: s.JoinedAt}
	if s.Caregiver != nil {
		out.Caregiver = &Caregiver{Skills: slices.Clone(s.Caregiver.Skills)}
	}
	return out
}

// EmploysCaregiver reports whether userID is one of the provider's
// caregivers now. Access to the provider's orders as their caregiver
// follows this, asked on every request like a role (DESIGN invariant 11):
// an order remembers who accepted it, not whether they still work here.
func (p *Provider) EmploysCaregiver(userID string) bool {
	st := p.StaffMember(userID)
	return st != nil && st.Role == StaffCaregiver
}

// Works reports whether userID works for the provider now: an admin or
// anyone on its staff. Like EmploysCaregiver it is asked on every
// request, so someone removed from the staff stops at once.
func (p *Provider) Works(userID string) bool {
	return userID != "" && (p.IsAdmin(userID) || p.StaffMember(userID) != nil)
}

// InOffice reports whether userID runs the provider's business: an
// admin or office staff (caregivers serve, they do not manage).
func (p *Provider) InOffice(userID string) bool {
	if p.IsAdmin(userID) {
		return true
	}
	st := p.StaffMember(userID)
	return st != nil && st.Role == StaffOffice
}

// Office is everyone InOffice: who hears of the provider's business.
func (p *Provider) Office() []string {
	out := slices.Clone(p.Admins)
	for _, st := range p.Staff {
		if st.Role == StaffOffice && !slices.Contains(out, st.UserID) {
			out = append(out, st.UserID)
		}
	}
	return out
}
