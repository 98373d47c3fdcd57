package e2e_test

// Helpers for the provider stories: the staff who run the platform (a
// platform admin from ADMIN_PHONES, a regulator it appoints), provider
// admins, the bodies they send, the JSON the API shows, and the
// geometry the searches are checked against.

import (
	"fmt"
	"math"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"
)

// ---------------------------------------------------------------------------
// People

// loginExisting logs ph in (it may or may not have an account yet) and
// returns the person.
func (s *server) loginExisting(t *testing.T, ph phone) *person {
	t.Helper()
	sess := s.login(t, ph)
	return &person{srv: s, phone: ph, id: sess.User.ID, access: sess.Access, refresh: sess.Refresh}
}

// providerStaff are the platform's people: a platform admin (from
// ADMIN_PHONES) and, if asked, a regulator the admin appointed.
type providerStaff struct {
	srv       *server
	admin     *person
	regulator *person
}

// startProviderServer starts kincare with a platform admin configured
// and logs the admin in; withRegulator also appoints a regulator.
func startProviderServer(t *testing.T, withRegulator bool) providerStaff {
	t.Helper()
	adminPhone := newPhone()
	srv := startServer(t, config{env: familyEnv("ADMIN_PHONES", adminPhone.national)})
	st := providerStaff{srv: srv, admin: srv.loginExisting(t, adminPhone)}
	if withRegulator {
		st.regulator = srv.signUp(t)
		makeRegulator(t, st.admin, st.regulator, "310000")
	}
	return st
}

// ---------------------------------------------------------------------------
// What the API shows

type licenceView struct {
	Kind   string `json:"kind"`
	Number string `json:"number"`
}

type hoursView struct {
	Weekday int    `json:"weekday"`
	Open    string `json:"open"`
	Close   string `json:"close"`
}

type priceView struct {
	Version      int        `json:"version"`
	MarketFen    int64      `json:"marketFen"`
	InclusiveFen int64      `json:"inclusiveFen"`
	AgreementRef string     `json:"agreementRef"`
	From         *time.Time `json:"from"`
}

type itemView struct {
	ID         string `json:"id"`
	ProviderID string `json:"providerId"`
	Type       string `json:"type"`
	Names      struct {
		ZhCN string `json:"zhCN"`
		En   string `json:"en"`
	} `json:"names"`
	Unit             string    `json:"unit"`
	DurationMinutes  int       `json:"durationMinutes"`
	CaregiversNeeded int       `json:"caregiversNeeded"`
	UsesCapacity     bool      `json:"usesCapacity"`
	Price            priceView `json:"price"`
	Active           bool      `json:"active"`
}

type providerView struct {
	ID        string        `json:"id"`
	LegalName string        `json:"legalName"`
	Licences  []licenceView `json:"licences"`
	Address   struct {
		City       string  `json:"city"`
		RegionCode string  `json:"regionCode"`
		Lat        float64 `json:"lat"`
		Lng        float64 `json:"lng"`
	} `json:"address"`
	ServiceArea struct {
		RadiusKm    float64  `json:"radiusKm"`
		RegionCodes []string `json:"regionCodes"`
	} `json:"serviceArea"`
	TimeZone       string      `json:"timeZone"`
	ContactPhone   string      `json:"contactPhone"`
	OpeningHours   []hoursView `json:"openingHours"`
	Status         string      `json:"status"`
	StatusReason   string      `json:"statusReason"`
	Credit         string      `json:"credit"`
	CreditReason   string      `json:"creditReason"`
	CreditSetAt    *time.Time  `json:"creditSetAt"`
	RatingAverage  *float64    `json:"ratingAverage"`
	RatingCount    *int64      `json:"ratingCount"`
	ComplaintCount *int64      `json:"complaintCount"`
	Items          []itemView  `json:"items"`
}

// item is the item with this id on the page, if shown.
func (p providerView) item(id string) (itemView, bool) {
	for _, it := range p.Items {
		if it.ID == id {
			return it, true
		}
	}
	return itemView{}, false
}

func itemIDs(items []itemView) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	slices.Sort(out)
	return out
}

type hitView struct {
	Provider       providerView `json:"provider"`
	DistanceMetres *int         `json:"distanceMetres"`
	Items          []itemView   `json:"items"`
}

type hitPage struct {
	Items      []hitView `json:"items"`
	NextCursor string    `json:"nextCursor"`
}

// hit is the hit for providerID, if found.
func (p hitPage) hit(providerID string) (hitView, bool) {
	for _, h := range p.Items {
		if h.Provider.ID == providerID {
			return h, true
		}
	}
	return hitView{}, false
}

func (p hitPage) ids() []string {
	out := make([]string, len(p.Items))
	for i, h := range p.Items {
		out[i] = h.Provider.ID
	}
	return out
}

// ---------------------------------------------------------------------------
// Requests

// providerBody is a valid registration of a home-care provider at pt
// serving a radius of radiusKm; change adds or replaces top-level fields.
func providerBody(name string, pt point, radiusKm float64, contact phone, change map[string]any) map[string]any {
	b := map[string]any{
		"legalName":    name,
		"licences":     []map[string]string{{"kind": "home_care", "number": "沪民养备字2026第" + name[len(name)-6:] + "号"}},
		"address":      address(pt.lat, pt.lng),
		"serviceArea":  map[string]any{"radiusKm": radiusKm},
		"timeZone":     "Asia/Shanghai",
		"contactPhone": contact.national,
		"openingHours": []map[string]any{{"weekday": 1, "open": "08:00", "close": "18:00"}},
	}
	for k, v := range change {
		b[k] = v
	}
	return b
}

// register registers a provider as p, asserting 201.
func (p *person) register(t *testing.T, body map[string]any) providerView {
	t.Helper()
	return must[providerView](t, p.post(t, "/v1/providers", body), http.StatusCreated)
}

// decide is a platform admin's verification decision.
func (p *person) decide(t *testing.T, providerID, decision, reason string) *response {
	t.Helper()
	body := map[string]string{"decision": decision}
	if reason != "" {
		body["reason"] = reason
	}
	return p.do(t, http.MethodPut, "/v1/providers/"+providerID+"/verification", body)
}

// verify verifies a provider, asserting 200.
func (p *person) verify(t *testing.T, providerID string) providerView {
	t.Helper()
	got := must[providerView](t, p.decide(t, providerID, "verify", ""), http.StatusOK)
	if got.Status != "verified" {
		t.Fatalf("after verify the provider is %q", got.Status)
	}
	return got
}

// setCredit is the regulator's credit standing for a provider.
func (p *person) setCredit(t *testing.T, providerID, status, reason string) *response {
	t.Helper()
	body := map[string]string{"status": status}
	if reason != "" {
		body["reason"] = reason
	}
	return p.do(t, http.MethodPut, "/v1/providers/"+providerID+"/credit", body)
}

// itemBody is a valid service item of this type and prices in fen.
func itemBody(typ string, marketFen, inclusiveFen int64) map[string]any {
	return map[string]any{
		"type":             typ,
		"names":            map[string]string{"zhCN": "上门" + typ, "en": "At-home " + typ},
		"unit":             "per_visit",
		"durationMinutes":  60,
		"caregiversNeeded": 2,
		"usesCapacity":     true,
		"price":            map[string]any{"marketFen": marketFen, "inclusiveFen": inclusiveFen},
	}
}

// addItem publishes an item as p, asserting 201.
func (p *person) addItem(t *testing.T, providerID string, body map[string]any) itemView {
	t.Helper()
	return must[itemView](t, p.post(t, "/v1/providers/"+providerID+"/items", body), http.StatusCreated)
}

// patchItem changes an item as p.
func (p *person) patchItem(t *testing.T, providerID, itemID string, body map[string]any) *response {
	t.Helper()
	return p.patch(t, "/v1/providers/"+providerID+"/items/"+itemID, body)
}

// anonymous is a caller with no token at all.
func anonymous(srv *server) *person { return &person{srv: srv} }

// do without a token for anonymous callers.
func (p *person) call(t *testing.T, method, path string, body any) *response {
	t.Helper()
	if p.access == "" {
		return p.srv.do(t, method, path, body)
	}
	return p.do(t, method, path, body)
}

// page is GET /v1/providers/{id} as p (anonymous if p has no token).
func (p *person) page(t *testing.T, providerID string) *response {
	t.Helper()
	return p.call(t, http.MethodGet, "/v1/providers/"+providerID, nil)
}

// search runs GET path?near=…&extra as p and asserts 200.
func (p *person) search(t *testing.T, path string, near point, extra url.Values) hitPage {
	t.Helper()
	q := "near=" + near.String()
	if len(extra) > 0 {
		q += "&" + extra.Encode()
	}
	return must[hitPage](t, p.call(t, http.MethodGet, path+"?"+q, nil), http.StatusOK)
}

func query(kv ...string) url.Values {
	v := url.Values{}
	for i := 0; i+1 < len(kv); i += 2 {
		v.Set(kv[i], kv[i+1])
	}
	return v
}

// ---------------------------------------------------------------------------
// Geometry

// point is a WGS-84 position, rounded to 6 decimals (about 0.1 m) so what
// the test sends and what it measures are the same numbers.
type point struct{ lat, lng float64 }

func round6(x float64) float64 { return math.Round(x*1e6) / 1e6 }

func (p point) String() string {
	return strconv.FormatFloat(p.lat, 'f', 6, 64) + "," + strconv.FormatFloat(p.lng, 'f', 6, 64)
}

// randomPlace is somewhere in eastern China no other test or run is
// likely to search near, so results from a shared store cannot mix in.
func randomPlace() point {
	return point{lat: round6(22 + float64(randInt(18_000_000))/1e6), lng: round6(100 + float64(randInt(22_000_000))/1e6)}
}

// offset moves p about north and east metres (flat-earth step; the
// distance actually expected is always measured with haversine).
func (p point) offset(north, east float64) point {
	const metresPerDegree = 6_371_008.8 * math.Pi / 180
	return point{lat: round6(p.lat + north/metresPerDegree),
		lng: round6(p.lng + east/(metresPerDegree*math.Cos(p.lat*math.Pi/180)))}
}

// haversine is the great-circle distance in metres, computed here
// independently of kincare's geo package.
func haversine(a, b point) float64 {
	const r = 6_371_008.8
	rad := func(d float64) float64 { return d * math.Pi / 180 }
	dLat, dLng := rad(b.lat-a.lat), rad(b.lng-a.lng)
	h := math.Sin(dLat/2)*math.Sin(dLat/2) + math.Cos(rad(a.lat))*math.Cos(rad(b.lat))*math.Sin(dLng/2)*math.Sin(dLng/2)
	return 2 * r * math.Asin(math.Sqrt(math.Min(1, h)))
}

// wantDistance asserts a hit's distance is within 1 % of the haversine.
func wantDistance(t *testing.T, h hitView, want float64) {
	t.Helper()
	if h.DistanceMetres == nil {
		t.Errorf("hit for %s has no distanceMetres", h.Provider.ID)
		return
	}
	if got := float64(*h.DistanceMetres); math.Abs(got-want) > 0.01*want+0.5 {
		t.Errorf("hit for %s: distanceMetres %d, want %.1f ± 1 %%", h.Provider.ID, *h.DistanceMetres, want)
	}
}

// wantPublicCounters asserts the rating and complaint counters are
// present in a provider as JSON (they are required, even when zero).
func wantPublicCounters(t *testing.T, where string, p providerView) {
	t.Helper()
	if p.RatingAverage == nil || p.RatingCount == nil || p.ComplaintCount == nil {
		t.Errorf("%s: ratingAverage %v ratingCount %v complaintCount %v, want all present", where,
			p.RatingAverage, p.RatingCount, p.ComplaintCount)
		return
	}
	if *p.RatingCount != 0 || *p.ComplaintCount != 0 || *p.RatingAverage != 0 {
		t.Errorf("%s: a new provider has rating %v of %d and %d complaints, want 0, 0, 0", where,
			*p.RatingAverage, *p.RatingCount, *p.ComplaintCount)
	}
}

func describeHits(p hitPage) string {
	out := "["
	for i, h := range p.Items {
		if i > 0 {
			out += " "
		}
		d := -1
		if h.DistanceMetres != nil {
			d = *h.DistanceMetres
		}
		out += fmt.Sprintf("%s@%dm", h.Provider.ID, d)
	}
	return out + "]"
}
