package e2e_test

// Helpers for the family stories: the people in them, the records they
// keep, and the JSON the API shows them. They hide HTTP plumbing (tokens,
// paths, decoding) and assert only that a step every story depends on
// succeeded; what a story is about is asserted in the story itself.

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

// familyLimits lifts the per-IP and per-user write limits out of the way:
// these stories make many requests from one client, and the limits have
// tests of their own.
var familyLimits = map[string]string{
	"RATE_LIMIT_IP_PER_MINUTE":          "100000",
	"RATE_LIMIT_USER_WRITES_PER_MINUTE": "100000",
}

// familyEnv is familyLimits plus extra variables.
func familyEnv(extra ...string) map[string]string {
	env := map[string]string{}
	for k, v := range familyLimits {
		env[k] = v
	}
	for i := 0; i+1 < len(extra); i += 2 {
		env[extra[i]] = extra[i+1]
	}
	return env
}

// ---------------------------------------------------------------------------
// People

// person is someone logged in to the family app.
type person struct {
	srv     *server
	phone   phone
	id      string
	access  string
	refresh string
}

// signUp logs a fresh phone number in by SMS code, creating the account.
func (s *server) signUp(t *testing.T) *person {
	t.Helper()
	p := newPhone()
	sess := s.login(t, p)
	if !sess.NewUser {
		t.Fatalf("login of fresh phone %s did not create an account", p.e164)
	}
	return &person{srv: s, phone: p, id: sess.User.ID, access: sess.Access, refresh: sess.Refresh}
}

// do sends a request as p; hdr are extra name, value pairs.
func (p *person) do(t *testing.T, method, path string, body any, hdr ...string) *response {
	t.Helper()
	return p.srv.do(t, method, path, body, append(bearer(p.access), hdr...)...)
}

func (p *person) get(t *testing.T, path string, hdr ...string) *response {
	t.Helper()
	return p.do(t, http.MethodGet, path, nil, hdr...)
}

func (p *person) post(t *testing.T, path string, body any, hdr ...string) *response {
	t.Helper()
	return p.do(t, http.MethodPost, path, body, hdr...)
}

func (p *person) patch(t *testing.T, path string, body any, hdr ...string) *response {
	t.Helper()
	return p.do(t, http.MethodPatch, path, body, hdr...)
}

func (p *person) del(t *testing.T, path string, hdr ...string) *response {
	t.Helper()
	return p.do(t, http.MethodDelete, path, nil, hdr...)
}

// must asserts r has status want and decodes it.
func must[T any](t *testing.T, r *response, want int) T {
	t.Helper()
	wantStatus(t, r, want)
	return decode[T](t, r)
}

// wantFieldCode asserts the problem names field with this code.
func wantFieldCode(t *testing.T, p problem, field, code string) {
	t.Helper()
	for _, e := range p.Errors {
		if e.Field == field {
			if e.Code != code {
				t.Errorf("field %s has code %q, want %q", field, e.Code, code)
			}
			return
		}
	}
	t.Errorf("errors[].field = %q, want one to be %q (%s)", p.fields(), field, code)
}

// ---------------------------------------------------------------------------
// What the API shows

type familyView struct {
	ID        string       `json:"id"`
	Name      string       `json:"name"`
	TimeZone  string       `json:"timeZone"`
	CreatedAt time.Time    `json:"createdAt"`
	Members   []memberView `json:"members"`
}

type memberView struct {
	UserID   string    `json:"userId"`
	Role     string    `json:"role"`
	Phone    string    `json:"phone"`
	JoinedAt time.Time `json:"joinedAt"`
	You      bool      `json:"you"`
}

// member is userID's entry, if a member.
func (f familyView) member(userID string) (memberView, bool) {
	for _, m := range f.Members {
		if m.UserID == userID {
			return m, true
		}
	}
	return memberView{}, false
}

// roles is userId → role, for comparing memberships at a glance.
func (f familyView) roles() map[string]string {
	out := map[string]string{}
	for _, m := range f.Members {
		out[m.UserID] = m.Role
	}
	return out
}

type familySummary struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	TimeZone string `json:"timeZone"`
	Role     string `json:"role"`
}

type inviteView struct {
	ID        string    `json:"id"`
	FamilyID  string    `json:"familyId"`
	Role      string    `json:"role"`
	Phone     string    `json:"phone"`
	CreatedAt time.Time `json:"createdAt"`
	ExpiresAt time.Time `json:"expiresAt"`
	Code      string    `json:"code"`
	Link      string    `json:"link"`
}

type pendingInvite struct {
	Code       string    `json:"code"`
	FamilyID   string    `json:"familyId"`
	FamilyName string    `json:"familyName"`
	Role       string    `json:"role"`
	ExpiresAt  time.Time `json:"expiresAt"`
}

type consentView struct {
	ID            string     `json:"id"`
	Scope         string     `json:"scope"`
	ElderID       string     `json:"elderId"`
	GrantedBy     string     `json:"grantedBy"`
	GrantedAt     time.Time  `json:"grantedAt"`
	PolicyVersion string     `json:"policyVersion"`
	InForce       bool       `json:"inForce"`
	WithdrawnAt   *time.Time `json:"withdrawnAt"`
}

type contactView struct {
	Name     string `json:"name"`
	Relation string `json:"relation"`
	Phone    string `json:"phone"`
}

type assessmentView struct {
	Level      string `json:"level"`
	AssessedOn string `json:"assessedOn"`
	AssessedBy string `json:"assessedBy"`
}

type allowanceView struct {
	ID           string   `json:"id"`
	Issuer       string   `json:"issuer"`
	Kind         string   `json:"kind"`
	MonthlyFen   int64    `json:"monthlyFen"`
	MonthlyHours int      `json:"monthlyHours"`
	ServiceTypes []string `json:"serviceTypes"`
	ValidFrom    string   `json:"validFrom"`
	ValidTo      string   `json:"validTo"`
}

type elderView struct {
	ID        string `json:"id"`
	FamilyID  string `json:"familyId"`
	Name      string `json:"name"`
	Gender    string `json:"gender"`
	BirthDate string `json:"birthDate"`
	Age       int    `json:"age"`
	Phone     string `json:"phone"`
	Address   struct {
		City       string  `json:"city"`
		RegionCode string  `json:"regionCode"`
		Lat        float64 `json:"lat"`
		Lng        float64 `json:"lng"`
	} `json:"address"`
	Living            string           `json:"living"`
	CaregiverNotes    string           `json:"caregiverNotes"`
	EmergencyContacts []contactView    `json:"emergencyContacts"`
	Conditions        []string         `json:"conditions"`
	Assessment        *assessmentView  `json:"assessment"`
	AssessmentHistory []assessmentView `json:"assessmentHistory"`
	Allowances        []allowanceView  `json:"allowances"`
}

type pickupView struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Relation string `json:"relation"`
	Phone    string `json:"phone"`
	IDLast4  string `json:"idLast4"`
	AddedBy  string `json:"addedBy"`
}

type childView struct {
	ID            string       `json:"id"`
	FamilyID      string       `json:"familyId"`
	Name          string       `json:"name"`
	BirthDate     string       `json:"birthDate"`
	AgeMonths     int          `json:"ageMonths"`
	Gender        string       `json:"gender"`
	PickupPersons []pickupView `json:"pickupPersons"`
}

type auditView struct {
	ID         string    `json:"id"`
	ActorID    string    `json:"actorId"`
	Action     string    `json:"action"`
	Resource   string    `json:"resource"`
	ResourceID string    `json:"resourceId"`
	RequestID  string    `json:"requestId"`
	At         time.Time `json:"at"`
}

type listPage[T any] struct {
	Items      []T    `json:"items"`
	NextCursor string `json:"nextCursor"`
}

// ---------------------------------------------------------------------------
// Records a family keeps

// createFamily makes p the owner of a new family.
func (p *person) createFamily(t *testing.T, name string) familyView {
	t.Helper()
	return must[familyView](t, p.post(t, "/v1/families", map[string]string{"name": name}), http.StatusCreated)
}

func (p *person) family(t *testing.T, familyID string) familyView {
	t.Helper()
	return must[familyView](t, p.get(t, "/v1/families/"+familyID), http.StatusOK)
}

// invite is an owner's invite of phone (nil: a code invite) as role.
func (p *person) invite(t *testing.T, familyID string, to *phone, role string) inviteView {
	t.Helper()
	body := map[string]string{"role": role}
	if to != nil {
		body["phone"] = to.national
	}
	return must[inviteView](t, p.post(t, "/v1/families/"+familyID+"/invites", body), http.StatusCreated)
}

func (p *person) accept(t *testing.T, code string) *response {
	t.Helper()
	return p.post(t, "/v1/invites/"+url.PathEscape(code)+"/accept", nil)
}

// join brings p into owner's family by an invite to p's phone.
func (p *person) join(t *testing.T, owner *person, familyID, role string) {
	t.Helper()
	inv := owner.invite(t, familyID, &p.phone, role)
	wantStatus(t, p.accept(t, inv.Code), http.StatusOK)
}

// consent records the family's consent under the current policy.
func (p *person) consent(t *testing.T, familyID, scope, elderID string) consentView {
	t.Helper()
	body := map[string]string{"scope": scope, "policyVersion": "2026-11"}
	if elderID != "" {
		body["elderId"] = elderID
	}
	return must[consentView](t, p.post(t, "/v1/families/"+familyID+"/consents", body), http.StatusCreated)
}

func (p *person) addElder(t *testing.T, familyID string, body map[string]any) elderView {
	t.Helper()
	return must[elderView](t, p.post(t, "/v1/families/"+familyID+"/elders", body), http.StatusCreated)
}

func (p *person) elder(t *testing.T, elderID string) elderView {
	t.Helper()
	return must[elderView](t, p.get(t, "/v1/elders/"+elderID), http.StatusOK)
}

func (p *person) elders(t *testing.T, familyID string) []elderView {
	t.Helper()
	return must[listPage[elderView]](t, p.get(t, "/v1/families/"+familyID+"/elders?limit=100"), http.StatusOK).Items
}

func (p *person) addChild(t *testing.T, familyID string, body map[string]any) childView {
	t.Helper()
	return must[childView](t, p.post(t, "/v1/families/"+familyID+"/children", body), http.StatusCreated)
}

func (p *person) child(t *testing.T, childID string) childView {
	t.Helper()
	return must[childView](t, p.get(t, "/v1/children/"+childID), http.StatusOK)
}

func (p *person) children(t *testing.T, familyID string) []childView {
	t.Helper()
	return must[listPage[childView]](t, p.get(t, "/v1/families/"+familyID+"/children?limit=100"), http.StatusOK).Items
}

// addPickup authorizes someone with phone to collect the child.
func (p *person) addPickup(t *testing.T, childID, name, relation string, ph phone) pickupView {
	t.Helper()
	body := map[string]string{"name": name, "relation": relation, "phone": ph.national, "idLast4": "123X"}
	return must[pickupView](t, p.post(t, "/v1/children/"+childID+"/pickup-persons", body), http.StatusCreated)
}

// ---------------------------------------------------------------------------
// Request bodies

// address is a valid Shanghai address at lat, lng.
func address(lat, lng float64) map[string]any {
	return map[string]any{"province": "上海市", "city": "上海市", "district": "徐汇区", "street": "漕溪北路 88 号",
		"detail": "3号楼2单元401室", "regionCode": "310104", "lat": lat, "lng": lng}
}

// elderBody is a complete, valid new elder born on 1944-05-12 (calendar-safe:
// over 80 on any day this runs); change adds or replaces top-level fields.
func elderBody(name string, change map[string]any) map[string]any {
	b := map[string]any{
		"name": name, "gender": "female", "birthDate": "1944-05-12",
		"address": address(31.1883, 121.4365), "living": "alone",
		"diet":           map[string]any{"tags": []string{"low_salt", "soft_food"}, "allergies": "对花生过敏"},
		"caregiverNotes": "耳背，请用力敲门",
	}
	for k, v := range change {
		b[k] = v
	}
	return b
}

// childBody is a valid new child born on birthDate.
func childBody(name, birthDate string) map[string]any {
	return map[string]any{"name": name, "birthDate": birthDate, "gender": "male", "allergies": "牛奶蛋白过敏"}
}

// shanghaiToday is today where kincare's families live by default.
func shanghaiToday() time.Time {
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		panic(err)
	}
	y, m, d := time.Now().In(loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// dateAgo is the Shanghai date years, months and days before today.
func dateAgo(years, months, days int) string {
	return shanghaiToday().AddDate(-years, -months, -days).Format(time.DateOnly)
}

// allowanceYears runs from 1 January of this year in Shanghai to 31
// December of the next.
func allowanceYears() (from, to string) {
	y := shanghaiToday().Year()
	return fmt.Sprintf("%d-01-01", y), fmt.Sprintf("%d-12-31", y+1)
}

// randomID looks like a kincare id (a UUID) but names nothing.
func randomID() string {
	return fmt.Sprintf("0190%04x-%04x-7%03x-8%03x-%012x", randInt(1<<16), randInt(1<<16), randInt(1<<12),
		randInt(1<<12), randInt(1<<48))
}

// uniqueName is a display name no other test or run uses, so its absence
// from a body or a file means something.
func uniqueName(prefix string) string {
	return fmt.Sprintf("%s-%06d", prefix, randInt(1_000_000))
}

// containsAny lists which of needles occur in haystack.
func containsAny(haystack []byte, needles map[string]string) []string {
	var found []string
	for what, n := range needles {
		if n != "" && bytes.Contains(haystack, []byte(n)) {
			found = append(found, fmt.Sprintf("%s (%q)", what, n))
		}
	}
	return found
}

// compactJSON renders v on one line for failure messages.
func compactJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// requestID is a fresh X-Request-Id a test can look for afterwards.
func requestID(what string) string {
	return strings.ReplaceAll(uniqueName("e2e-"+what), " ", "-")
}
