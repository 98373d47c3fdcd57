package e2e_test

import (
	"context"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	goredis "github.com/redis/go-redis/v9"

	"github.com/kincare/kincare/test/fakefcm"
	"github.com/kincare/kincare/test/loadkit"
)

// ---------------------------------------------------------------------------
// Views of the reservation API, as a client reads them.

type tiersView struct {
	Market    int `json:"market"`
	Inclusive int `json:"inclusive"`
}

type offeringView struct {
	ID              string `json:"id"`
	ProviderID      string `json:"providerId"`
	CareType        string `json:"careType"`
	Capacity        int    `json:"capacity"`
	InclusiveQuota  int    `json:"inclusiveQuota"`
	HoldTTLMinutes  int    `json:"holdTtlMinutes"`
	MaxHoldsPerUser int    `json:"maxHoldsPerUser"`
}

type slotView struct {
	SlotID         string    `json:"slotId"`
	OfferingID     string    `json:"offeringId"`
	Capacity       int       `json:"capacity"`
	InclusiveQuota int       `json:"inclusiveQuota"`
	HoldsCloseAt   time.Time `json:"holdsCloseAt"`
	Window         struct {
		Start    time.Time `json:"start"`
		End      time.Time `json:"end"`
		TimeZone string    `json:"timeZone"`
	} `json:"window"`
	Remaining      tiersView `json:"remaining"`
	Waiting        tiersView `json:"waiting"`
	Confirmed      tiersView `json:"confirmed"`
	WaitlistLength int       `json:"waitlistLength"`
	Prices         *struct {
		MarketFen    int64 `json:"marketFen"`
		InclusiveFen int64 `json:"inclusiveFen"`
	} `json:"prices"`
}

type holdView struct {
	ID        string    `json:"id"`
	SlotID    string    `json:"slotId"`
	Tier      string    `json:"tier"`
	Status    string    `json:"status"`
	ExpiresAt time.Time `json:"expiresAt"`
	Promoted  bool      `json:"promoted"`
}

type bookingView struct {
	ID           string `json:"id"`
	SlotID       string `json:"slotId"`
	OfferingID   string `json:"offeringId"`
	ProviderID   string `json:"providerId"`
	FamilyID     string `json:"familyId"`
	BookedBy     string `json:"bookedBy"`
	ChildID      string `json:"childId"`
	Tier         string `json:"tier"`
	PriceFen     int64  `json:"priceFen"`
	Status       string `json:"status"`
	Cancellation *struct {
		By     string `json:"by"`
		Reason string `json:"reason"`
	} `json:"cancellation"`
}

type waitlistView struct {
	SlotID   string `json:"slotId"`
	Tier     string `json:"tier"`
	Position int    `json:"position"`
}

// ---------------------------------------------------------------------------
// Setting up a childcare provider and its places.

// childcareProvider registers a childcare institution run by owner and
// has the platform verify it.
func (owner *person) childcareProvider(t *testing.T, platform *person) providerView {
	t.Helper()
	home := point{lat: 31.2304, lng: 121.4737}
	name := uniqueName("静安阳光托育中心")
	prov := owner.register(t, providerBody(name, home, 3, newPhone(), map[string]any{
		"licences": []map[string]string{{"kind": "childcare_institution", "number": "沪托备字2026第" + name[len(name)-6:] + "号"}},
	}))
	platform.verify(t, prov.ID)
	return prov
}

// halfDayBody is a morning half-day offering open every day for
// children of 12–35 months.
func halfDayBody(capacity, quota int) map[string]any {
	return map[string]any{
		"names":    map[string]string{"zhCN": "半日托（上午）", "en": "Half day (mornings)"},
		"careType": "half_day", "ages": map[string]int{"minMonths": 12, "maxMonths": 35},
		"capacity": capacity, "inclusiveQuota": quota,
		"price": map[string]int64{"marketFen": 15000, "inclusiveFen": 9000},
		"schedule": map[string]any{"weekdays": []int{1, 2, 3, 4, 5, 6, 7},
			"sessions": []map[string]string{{"start": "08:30", "end": "12:00"}}},
	}
}

func (owner *person) offering(t *testing.T, providerID string, body map[string]any) offeringView {
	t.Helper()
	return must[offeringView](t, owner.post(t, "/v1/providers/"+providerID+"/offerings", body), http.StatusCreated)
}

// openDay opens the offering's slots on the day daysAhead from today in
// Shanghai and returns the first.
func (owner *person) openDay(t *testing.T, offeringID string, daysAhead int) slotView {
	t.Helper()
	day := shanghaiToday().AddDate(0, 0, daysAhead).Format(time.DateOnly)
	opened := must[struct {
		Items []slotView `json:"items"`
	}](t, owner.post(t, "/v1/offerings/"+offeringID+"/slots", map[string]string{"from": day, "to": day}), http.StatusOK)
	if len(opened.Items) == 0 {
		t.Fatalf("no slot opened on %s", day)
	}
	return opened.Items[0]
}

// parentOf makes p a family's parent of a child aged ageMonths on the
// slot days the tests use, with the family's consent to keep the
// child's data; it returns the family and the child.
func (p *person) parentOf(t *testing.T, ageMonths int) (familyView, childView) {
	t.Helper()
	fam := p.createFamily(t, uniqueName("陈家"))
	p.consent(t, fam.ID, "child_data", "")
	born := shanghaiToday().AddDate(0, -ageMonths, -10).Format(time.DateOnly)
	return fam, p.addChild(t, fam.ID, childBody("陈小宝", born))
}

func (p *person) hold(t *testing.T, slotID, tier, key string) *response {
	t.Helper()
	return p.post(t, "/v1/slots/"+slotID+"/holds", map[string]string{"tier": tier}, "Idempotency-Key", key)
}

func (p *person) confirm(t *testing.T, holdID, childID string) *response {
	t.Helper()
	return p.post(t, "/v1/holds/"+holdID+"/confirm", map[string]string{"childId": childID},
		"Idempotency-Key", "confirm-"+holdID)
}

// ---------------------------------------------------------------------------
// A Redis of the test's own, which it may flush.

// privateRedis starts a Redis this test alone uses, so it may FLUSHALL
// without touching other tests: a redis-server of its own where one is
// installed (CI), else a miniredis in the test process.
func privateRedis(t *testing.T) (url string, flushAll func()) {
	t.Helper()
	if !loadkit.HaveRedisServer() {
		mr := miniredis.RunT(t)
		return "redis://" + mr.Addr() + "/0", mr.FlushAll
	}
	url, _ = loadkit.StartRedis(t, "")
	opt, _ := goredis.ParseURL(url)
	rdb := goredis.NewClient(opt)
	t.Cleanup(func() { _ = rdb.Close() })
	return url, func() {
		if err := rdb.FlushAll(context.Background()).Err(); err != nil {
			t.Errorf("FLUSHALL: %v", err)
		}
	}
}

// ---------------------------------------------------------------------------
// The booking stories: a server that pushes, and the steps every story
// takes on the way to what it is about.

// startReservationServer starts kincare with a platform admin, pushes
// going to fcm with the relay and worker polling fast, and extra
// variables (name, value pairs); it returns the server and the admin.
func startReservationServer(t *testing.T, fcm *fakefcm.Server, extra ...string) (*server, *person) {
	t.Helper()
	adminPhone := newPhone()
	dataDir := t.TempDir()
	env := familyEnv(append([]string{"ADMIN_PHONES", adminPhone.national,
		"FCM_PROJECT_ID", "kincare-e2e", "FCM_ENDPOINT", fcm.URL(),
		"OUTBOX_POLL_INTERVAL", "50ms", "JOBS_POLL_INTERVAL", "50ms"}, extra...)...)
	if os.Getenv("MONGODB_URI") != "" {
		// As startPushServer: a relay reads every outbox in its database.
		env["MONGODB_DATABASE"] = "kincare_" + strings.ReplaceAll(jobsQueue(dataDir), "-", "_")
	}
	srv := startServer(t, config{dataDir: dataDir, env: env})
	return srv, srv.loginExisting(t, adminPhone)
}

// homeChildcarePoint registers a home childcare point (家庭托育点) run by
// owner and has the platform verify it.
func (owner *person) homeChildcarePoint(t *testing.T, platform *person) providerView {
	t.Helper()
	name := uniqueName("李阿姨家庭托育点")
	prov := owner.register(t, providerBody(name, point{lat: 31.2304, lng: 121.4737}, 1, newPhone(), map[string]any{
		"licences": []map[string]string{{"kind": "home_childcare_point", "number": "沪家托备2026第" + name[len(name)-6:] + "号"}},
	}))
	platform.verify(t, prov.ID)
	return prov
}

// hireStaff brings a new user into the provider owner runs, as role
// (provider_staff: the office; caregiver).
func (owner *person) hireStaff(t *testing.T, providerID, role string) *person {
	t.Helper()
	ph := newPhone()
	wantStatus(t, owner.post(t, "/v1/providers/"+providerID+"/staff-invites",
		map[string]string{"phone": ph.national, "role": role}), http.StatusCreated)
	staff := owner.srv.loginExisting(t, ph)
	wantStatus(t, staff.post(t, "/v1/providers/"+providerID+"/staff-invites/accept", nil), http.StatusOK)
	return staff
}

// openDays opens the offering's slots from daysAhead to untilDaysAhead
// (both included, Shanghai days) and returns them in start order.
func (owner *person) openDays(t *testing.T, offeringID string, daysAhead, untilDaysAhead int) []slotView {
	t.Helper()
	day := func(n int) string { return shanghaiToday().AddDate(0, 0, n).Format(time.DateOnly) }
	return must[listPage[slotView]](t, owner.post(t, "/v1/offerings/"+offeringID+"/slots",
		map[string]string{"from": day(daysAhead), "to": day(untilDaysAhead)}), http.StatusOK).Items
}

// availability is the offering's slots starting in [from, to), with what
// each has left, as the family app shows them.
func (p *person) availability(t *testing.T, offeringID string, from, to time.Time) []slotView {
	t.Helper()
	q := url.Values{"from": {from.Format(time.RFC3339)}, "to": {to.Format(time.RFC3339)}}
	return must[listPage[slotView]](t, p.get(t, "/v1/offerings/"+offeringID+"/availability?"+q.Encode()),
		http.StatusOK).Items
}

// slotIn is the slot with this id among slots.
func slotIn(t *testing.T, slots []slotView, slotID string) slotView {
	t.Helper()
	for _, s := range slots {
		if s.SlotID == slotID {
			return s
		}
	}
	t.Fatalf("slot %s is not among %s", slotID, compactJSON(slots))
	return slotView{}
}

// slot is GET /v1/slots/{id}: what is left, confirmed and waiting.
func (p *person) slot(t *testing.T, slotID string) slotView {
	t.Helper()
	return must[slotView](t, p.get(t, "/v1/slots/"+slotID), http.StatusOK)
}

// held is a hold p takes of tier under a fresh key, asserted 201.
func (p *person) held(t *testing.T, slotID, tier string) holdView {
	t.Helper()
	return must[holdView](t, p.hold(t, slotID, tier, randomID()), http.StatusCreated)
}

// books holds a place of tier and confirms it for childID.
func (p *person) books(t *testing.T, slotID, tier, childID string) bookingView {
	t.Helper()
	h := p.held(t, slotID, tier)
	return must[bookingView](t, p.confirm(t, h.ID, childID), http.StatusCreated)
}

// cancel is POST /v1/bookings/{id}/cancel, with a reason unless empty.
func (p *person) cancel(t *testing.T, bookingID, reason string) *response {
	t.Helper()
	var body any
	if reason != "" {
		body = map[string]string{"reason": reason}
	}
	return p.post(t, "/v1/bookings/"+bookingID+"/cancel", body)
}

// waitFor is POST /v1/slots/{id}/waitlist for tier.
func (p *person) waitFor(t *testing.T, slotID, tier string) *response {
	t.Helper()
	return p.post(t, "/v1/slots/"+slotID+"/waitlist", map[string]string{"tier": tier})
}

// placeInLine is p's position in the slot's waitlist (0: not waiting).
func (p *person) placeInLine(t *testing.T, slotID string) int {
	t.Helper()
	return must[waitlistView](t, p.get(t, "/v1/slots/"+slotID+"/waitlist"), http.StatusOK).Position
}

// bookingsAt lists the bookings at path (a family's or a provider's),
// first page of 100, with query (e.g. "&status=cancelled").
func (p *person) bookingsAt(t *testing.T, path, query string) []bookingView {
	t.Helper()
	return must[listPage[bookingView]](t, p.get(t, path+"?limit=100"+query), http.StatusOK).Items
}

func bookingIDs(bs []bookingView) []string {
	out := make([]string, len(bs))
	for i, b := range bs {
		out[i] = b.ID
	}
	return out
}

// addAppDevice registers a fresh push token for p's phone running app
// (family, provider, caregiver).
func (p *person) addAppDevice(t *testing.T, app, platform string) string {
	t.Helper()
	token := fcmToken()
	wantStatus(t, p.put(t, devicePath(token), map[string]string{"platform": platform, "app": app}), http.StatusCreated)
	return token
}

// waitPushOf waits until fcm accepted a push of event type typ for token
// and returns the first such push.
func waitPushOf(t *testing.T, fcm *fakefcm.Server, token, typ string) fakefcm.Message {
	t.Helper()
	var found *fakefcm.Message
	waitUntil(pushWait, func() bool {
		for _, m := range pushesTo(fcm, token) {
			if m.Data["type"] == typ {
				found = &m
				return true
			}
		}
		return false
	})
	if found == nil {
		t.Fatalf("no %s push to the device within %s; its pushes: %s", typ, pushWait,
			describePushes(pushesTo(fcm, token)))
	}
	return *found
}

// pushTypes lists the event types of the pushes token got, in order.
func pushTypes(fcm *fakefcm.Server, token string) []string {
	var out []string
	for _, m := range pushesTo(fcm, token) {
		out = append(out, m.Data["type"])
	}
	return out
}
