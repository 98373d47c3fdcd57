package e2e_test

// The security suite (test/security_*): one server and one set of people
// and records — two families, two providers with their office staff and
// caregivers, a regulator and a platform admin — probed along the OWASP
// API Security Top 10 (2023). The world is built once and shared by
// every category, which run as subtests of TestSecurity, in parallel
// where they only read it. What each category checks is in its own file
// and in docs/security.md; the table of routes × actors × statuses they
// share is in security_table_test.go and security_routes_*_test.go.

import (
	"encoding/hex"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"
)

// actor names one of the world's people in the table.
type actor string

const (
	// family users
	stranger actor = "stranger" // signed in, in no family
	famA     actor = "famA"     // owner of family A
	famA2    actor = "famA2"    // member of family A
	famB     actor = "famB"     // owner of family B
	// provider A's people
	provA    actor = "provA"    // provider A's admin
	officeA  actor = "officeA"  // provider A's office staff
	carerA   actor = "carerA"   // provider A's caregiver
	provB    actor = "provB"    // provider B's admin
	carerB   actor = "carerB"   // provider B's caregiver
	regul    actor = "regul"    // a regulator of Shanghai city (310100), where the world's records are
	regulX   actor = "regulX"   // a regulator of Suzhou (320500): the world's records are not theirs
	platform actor = "platform" // a platform admin
	// elder A's own account: the elder's phone, invited by famA and linked
	elderAcct actor = "elderAcct"
)

// actors is every signed-in actor, in the order probes run.
var actors = []actor{stranger, famA, famA2, famB, provA, officeA, carerA, provB, carerB, regul, regulX, platform, elderAcct}

// kindOf groups actors by the app they use: an actor denied an object
// that others of its kind may reach meets object-level authorization
// (API1); denied what only other kinds may do, function-level (API5).
func kindOf(a actor) string {
	switch a {
	case stranger, famA, famA2, famB:
		return "family"
	case provA, officeA, provB:
		return "provider"
	case carerA, carerB:
		return "caregiver"
	case regul, regulX:
		return "regulator"
	case elderAcct:
		return "elder"
	}
	return "platform"
}

// world is the shared fixture: people and the ids of what they own.
// Rows read ids only; a zero world builds every row too (for the checks
// that need no server).
type world struct {
	srv          *server
	people       map[actor]*person
	metricsToken string
	jwtSecret    []byte // JWT_SIGNING_KEY, for the tokens API2 forges
	vendorKey    []byte // the home-device vendor's signing key

	mu     sync.Mutex
	shared map[string]*sharedFixture // by operation: see refusedFixture

	famA, famB       string // family ids
	elderA, elderB   string
	childA, childB   string
	pickupA          string         // a pickup person of child A
	allowanceA       string         // an allowance of elder A
	consentA         string         // family A's child_data consent
	inviteA          string         // a pending invite of family A (to a phone nobody uses)
	provA, provB     string         // provider ids
	provABody        map[string]any // provider A's registration
	itemA, itemB     string         // a bathing item of each
	offeringA        string
	slotA, slotB     string  // a half-day slot of each, two days ahead
	fullSlotA        string  // a slot of provider A whose one market place famB has booked
	waitingSlotA     string  // another, on whose waitlist famA is
	holdA            string  // famA's hold on slotA
	bookingA         string  // famA's booking of another slot of provider A
	bookingCancelled string  // another, cancelled
	orderA           string  // an order of elder A, assigned to carerA (accepted)
	orderEnRoute     string  // another, carerA on the way
	orderInService   string  // another, carerA serving
	orderCancelled   string  // another, cancelled by the family
	orderOffered     string  // another, offered to carerA and helperA
	orderTaken       string  // another, offered to carerA and helperA, taken by helperA
	orderB           string  // an order of elder B at provider B, assigned to carerB
	complaintOpen    string  // family A's complaint about orderA, unanswered
	complaintDecided string  // family A's complaint about orderEnRoute, answered, escalated and decided
	helperA          *person // provider A's second bathing caregiver (not an actor)
	notificationA    string  // one of famA's notifications
	homeA            point   // elder A's home
	day              childDayWorld
	incidentClosed   string // an SOS of elder A, resolved and closed by family A
	cls              classWorld
	meal             mealSecWorld
	visit            visitSecWorld

	windows chan [2]time.Time // order windows no two of which overlap
	days    chan int          // days ahead on which famA has booked nothing
}

// who is the person behind an actor.
func (w *world) who(a actor) *person { return w.people[a] }

// TestSecurity builds the world once and runs each OWASP category on it.
func TestSecurity(t *testing.T) {
	t.Parallel()
	w := buildWorld(t)
	for _, c := range securityCategories {
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			c.run(t, w)
		})
	}
}

// securityCategories are the OWASP API Security Top 10 (2023) categories
// that apply to kincare, each in its own file. API7 (server-side request
// forgery) and API10 (unsafe consumption of APIs) do not apply: kincare
// fetches no URL a client gives it, and the only APIs it consumes are
// its SMS gateway and FCM, whose answers it reads as status codes.
var securityCategories = []struct {
	name string
	run  func(*testing.T, *world)
}{
	{"API1_object_level_authorization", testObjectLevelAuthorization},
	{"API2_authentication", testAuthentication},
	{"API3_object_property_level_authorization", testPropertyLevelAuthorization},
	{"API4_resource_consumption", testResourceConsumption},
	{"API5_function_level_authorization", testFunctionLevelAuthorization},
	{"API6_sensitive_business_flows", testBusinessFlows},
	{"API8_security_misconfiguration", testMisconfiguration},
	{"API9_inventory", testInventory},
}

// worldAccessTTL is how long the world's access tokens live.
const worldAccessTTL = 2 * time.Hour

// buildWorld starts the server and makes the people and records the
// table's rows name.
func buildWorld(t *testing.T) *world {
	t.Helper()
	adminPhone := newPhone()
	w := &world{people: map[actor]*person{}, metricsToken: "scrape-" + randomID(), shared: map[string]*sharedFixture{},
		jwtSecret: randomSecret(), vendorKey: randomSecret()}
	// The childcare day and the ladders read KINCARE_TEST_CLOCK_FILE: the
	// system clock while the file is absent, as the world is built, and
	// standing still once it is (standStill).
	dayClock := filepath.Join(t.TempDir(), "day-clock")
	w.srv = startServer(t, config{env: familyEnv("ADMIN_PHONES", adminPhone.national, "JWT_SIGNING_KEY", hex.EncodeToString(w.jwtSecret),
		"KINCARE_TEST_CLOCK_FILE", dayClock,
		"METRICS_TOKEN", w.metricsToken, "HTTP_BODY_LIMIT_BYTES", strconv.Itoa(worldBodyLimit), "HOLDS_PER_USER_PER_KIND", "100",
		// Offers stay open while the suite runs, and so do the people's
		// sessions: the world is built once and its rows may run
		// more than the default 15 minutes later on a busy CI machine.
		"ORDER_OFFER_TTL", "2h", "ACCESS_TOKEN_TTL", worldAccessTTL.String(),
		// The suite signs many people up from one client; each sign-up
		// comes from an address of its own (X-Forwarded-For, which the
		// test client, as the load balancer, sets), as real people do.
		"TRUSTED_PROXIES", "127.0.0.0/8",
		// One home-device vendor, for registrations that pass every check.
		"DEVICE_VENDOR_KEYS", worldVendor+"="+hex.EncodeToString(w.vendorKey))})
	// The suite measures who may do what, not how fast: on a busy CI
	// machine a password hash or a data export may take longer than the
	// 15 s other tests allow a request (race mode allows 90 s already).
	w.srv.client.Timeout = max(time.Minute, requestTimeout)
	w.people[platform] = w.logIn(t, adminPhone)
	for _, a := range []actor{stranger, famA, famA2, famB, provA, officeA, provB, regul, regulX} {
		w.people[a] = w.signUp(t)
	}
	makeRegulator(t, w.who(platform), w.who(regul), "310100")
	makeRegulator(t, w.who(platform), w.who(regulX), "320500")

	// Provider A serves home care and childcare around the clock near
	// family A; provider B likewise, elsewhere.
	w.homeA = point{lat: 31.1883, lng: 121.4365}
	homeB := point{lat: 31.2304, lng: 121.4737}
	w.provA, w.itemA, w.offeringA, w.slotA = w.provider(t, provA, w.homeA)
	w.provB, w.itemB, _, w.slotB = w.provider(t, provB, homeB)
	w.people[carerA] = w.hire(t, provA, w.provA, []string{"bathing"}, w.homeA.offset(300, 0))
	w.helperA = w.hire(t, provA, w.provA, []string{"bathing"}, w.homeA.offset(400, 0))
	w.people[carerB] = w.hire(t, provB, w.provB, []string{"bathing"}, homeB.offset(300, 0))
	wantStatus(t, w.who(provA).post(t, "/v1/providers/"+w.provA+"/staff-invites",
		map[string]string{"phone": w.who(officeA).phone.national, "role": "provider_staff"}), http.StatusCreated)
	wantStatus(t, w.who(officeA).post(t, "/v1/providers/"+w.provA+"/staff-invites/accept", nil), http.StatusOK)

	// Family A: an owner and a member, an elder with an allowance, a
	// child with a pickup person, a pending invite.
	fa := w.who(famA).createFamily(t, uniqueName("王家"))
	w.famA = fa.ID
	w.who(famA2).join(t, w.who(famA), w.famA, "member")
	w.consentA = w.who(famA).consent(t, w.famA, "child_data", "").ID
	w.elderA = w.who(famA).addElder(t, w.famA, elderBody("王秀兰", map[string]any{"address": address(w.homeA.lat, w.homeA.lng)})).ID
	w.who(famA).consent(t, w.famA, "elder_health", w.elderA)
	w.people[elderAcct] = w.signUp(t)
	linkElderAccount(t, w.who(famA), w.who(elderAcct), w.elderA)
	w.allowanceA = must[allowanceView](t, w.who(platform).post(t, "/v1/elders/"+w.elderA+"/allowances", allowanceBody()),
		http.StatusCreated).ID
	w.childA = w.who(famA).addChild(t, w.famA, childBody("王乐乐", dateAgo(1, 6, 0))).ID
	w.pickupA = w.who(famA).addPickup(t, w.childA, "李秀英", "外婆", newPhone()).ID
	nobody := newPhone()
	inv := w.who(famA).invite(t, w.famA, &nobody, "member")
	w.inviteA = inv.ID

	// Family B: an owner, an elder near provider B, a child.
	fb := w.who(famB).createFamily(t, uniqueName("李家"))
	w.famB = fb.ID
	w.who(famB).consent(t, w.famB, "child_data", "")
	w.elderB = w.who(famB).addElder(t, w.famB, elderBody("李桂英", map[string]any{"address": address(homeB.lat, homeB.lng)})).ID
	w.childB = w.who(famB).addChild(t, w.famB, childBody("李小宝", dateAgo(1, 6, 0))).ID

	// Orders of family A at each step the table needs, and one of family
	// B. Windows start the day after tomorrow, two hours apart, so no two
	// of a caregiver's orders overlap.
	first := shanghaiToday().AddDate(0, 0, 2).Add(-8 * time.Hour) // 00:00 in Shanghai
	w.windows = make(chan [2]time.Time, 300)
	for i := range cap(w.windows) {
		start := first.Add(time.Duration(i) * 2 * time.Hour)
		w.windows <- [2]time.Time{start, start.Add(time.Hour)}
	}
	w.days = make(chan int, 80)
	for d := 10; d < 10+cap(w.days); d++ {
		w.days <- d
	}
	w.orderA = w.order(t, famA, "accepted")
	w.orderEnRoute = w.order(t, famA, "en_route")
	w.orderInService = w.order(t, famA, "in_service")
	w.orderCancelled = w.order(t, famA, "created")
	wantStatus(t, w.who(famA).post(t, "/v1/orders/"+w.orderCancelled+"/cancel", nil), http.StatusOK)
	w.orderOffered = w.order(t, famA, "offered")
	w.orderTaken = w.order(t, famA, "offered")
	wantStatus(t, w.helperA.post(t, "/v1/orders/"+w.orderTaken+"/accept", nil), http.StatusOK)
	w.orderB = w.orderOf(t, famB, w.elderB, w.provB, w.itemB, provB, carerB, "accepted")

	// Complaints: one open, one that went all the way to the regulator.
	w.complaintOpen = w.complain(t, w.orderA)
	w.complaintDecided = w.complain(t, w.orderEnRoute)
	c := "/v1/complaints/" + w.complaintDecided
	wantStatus(t, w.who(provA).post(t, c+"/response", map[string]string{"text": "已对护理员进行培训。"}), http.StatusOK)
	wantStatus(t, w.who(famA).post(t, c+"/escalate", map[string]string{"reason": "回复敷衍。"}), http.StatusOK)
	wantStatus(t, w.who(regul).post(t, c+"/decision", map[string]string{"outcome": "not_upheld", "text": "服务符合约定。"}),
		http.StatusOK)

	// An SOS of elder A, handled and filed away.
	w.incidentClosed = w.closedIncident(t)

	// Reservations: famA holds a place on slot A and has booked one on
	// another day; on one-place slots famB holds the market place, and
	// famA waits on one of them.
	w.holdA = w.hold(t, famA, w.slotA)
	w.bookingA, w.bookingCancelled = w.booking(t), w.booking(t)
	wantStatus(t, w.who(famA).post(t, "/v1/bookings/"+w.bookingCancelled+"/cancel", nil), http.StatusOK)
	w.fullSlotA, w.waitingSlotA = w.fullSlot(t), w.waitingSlot(t)
	w.buildClasses(t)
	w.buildMeals(t)
	w.buildVisits(t)

	// The childcare day: a room of provider A, and a child of family A
	// whose day there is over.
	w.childDay(t)
	w.standStill(t, dayClock)

	// famA2's joining told famA; the inbox entry is famA's notification.
	if !waitUntil(pushWait, func() bool {
		page := must[listPage[struct {
			ID string `json:"id"`
		}]](t, w.who(famA).get(t, "/v1/me/notifications"), http.StatusOK)
		if len(page.Items) > 0 {
			w.notificationA = page.Items[0].ID
		}
		return w.notificationA != ""
	}) {
		t.Fatal("famA got no notification of famA2 joining")
	}
	return w
}

// standStill stops the childcare day's clock (and the ladders') at now,
// or at the last second of the world's day if the build ran past
// midnight in Shanghai: the rows then meet its child's day as "today"
// however late they run. CI once crossed midnight mid-suite, and the
// finished day's check-in was a fresh day's (200, not 409).
func (w *world) standStill(t *testing.T, path string) {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	day, err := time.ParseInLocation(time.DateOnly, w.day.date, loc)
	if err != nil {
		t.Fatal(err)
	}
	at := time.Now()
	if last := day.AddDate(0, 0, 1).Add(-time.Second); at.After(last) {
		at = last
	}
	if err := os.WriteFile(path, []byte(at.UTC().Format(time.RFC3339Nano)), 0o600); err != nil {
		t.Fatal(err)
	}
}

// signUp logs a fresh phone in, from an address of its own.
func (w *world) signUp(t *testing.T) *person {
	t.Helper()
	return w.logIn(t, newPhone())
}

// randomAddress is a client address for X-Forwarded-For.
func randomAddress() string {
	return fmt.Sprintf("10.%d.%d.%d", randInt(256), randInt(256), 1+randInt(250))
}

// logIn logs ph in by SMS code, from an address of its own.
func (w *world) logIn(t *testing.T, ph phone) *person {
	t.Helper()
	from := []string{"X-Forwarded-For", randomAddress()}
	code := w.srv.requestCode(t, ph, from...)
	sess := must[session](t, w.srv.post(t, "/v1/auth/login", map[string]string{"phone": ph.national, "code": code}, from...),
		http.StatusOK)
	return &person{srv: w.srv, phone: ph, id: sess.User.ID, access: sess.Access, refresh: sess.Refresh}
}

// hire makes a fresh person a caregiver of providerID with skills, based
// at base, working around the clock (as hireCaregiver, signed up from an
// address of their own).
func (w *world) hire(t *testing.T, admin actor, providerID string, skills []string, base point) *person {
	t.Helper()
	owner, carer := w.who(admin), w.signUp(t)
	wantStatus(t, owner.post(t, "/v1/providers/"+providerID+"/staff-invites",
		map[string]string{"phone": carer.phone.national, "role": "caregiver"}), http.StatusCreated)
	wantStatus(t, carer.post(t, "/v1/providers/"+providerID+"/staff-invites/accept", nil), http.StatusOK)
	wantStatus(t, owner.put(t, "/v1/providers/"+providerID+"/caregivers/"+carer.id, caregiverBody(skills, base)),
		http.StatusOK)
	return carer
}

// provider registers a verified provider run by owner at home, serving
// home care and childcare around the clock, with a bathing item and a
// half-day offering whose slots are open two days ahead.
func (w *world) provider(t *testing.T, owner actor, home point) (id, item, offering, slot string) {
	t.Helper()
	o := w.who(owner)
	body := w.providerBody(home)
	if owner == provA {
		w.provABody = body
	}
	prov := o.register(t, body)
	w.who(platform).verify(t, prov.ID)
	it := o.addItem(t, prov.ID, itemBody("bathing", 15000, 12000))
	// Holds last the hour the rules allow, not the default 10 minutes:
	// the world is built once and its rows may run much later.
	offBody := halfDayBody(20, 5)
	offBody["holdTtlMinutes"] = 60
	off := o.offering(t, prov.ID, offBody)
	sl := o.openDay(t, off.ID, 2)
	return prov.ID, it.ID, off.ID, sl.SlotID
}

// providerBody registers a provider of home care, childcare and a
// canteen near home, open around the clock.
func (w *world) providerBody(home point) map[string]any {
	name := uniqueName("阳光照护中心")
	return providerBody(name, home.offset(500, 500), 5, newPhone(), map[string]any{
		"licences": []map[string]string{
			{"kind": "home_care", "number": "沪民养备字第" + name[len(name)-6:] + "号"},
			{"kind": "childcare_institution", "number": "沪托备字第" + name[len(name)-6:] + "号"},
			{"kind": "canteen", "number": "JY2310104" + name[len(name)-6:]},
		},
		"openingHours": allDay(),
	})
}

// order makes a fresh order of elder A at provider A and moves it to
// status: created, offered (to carerA), accepted (assigned to carerA),
// en_route, arrived, in_service or completed.
func (w *world) order(t *testing.T, by actor, status string) string {
	t.Helper()
	return w.orderOf(t, by, w.elderA, w.provA, w.itemA, provA, carerA, status)
}

func (w *world) orderOf(t *testing.T, by actor, elderID, providerID, itemID string, office, carer actor, status string) string {
	t.Helper()
	window := w.window()
	fam := w.who(by)
	q := must[quoteView](t, fam.post(t, "/v1/quotes", map[string]any{"elderId": elderID, "providerId": providerID,
		"itemId": itemID, "window": window}), http.StatusOK)
	o := must[orderView](t, fam.post(t, "/v1/orders", map[string]any{"elderId": elderID, "providerId": providerID,
		"itemId": itemID, "priceVersion": q.PriceVersion, "window": window, "notes": "门禁密码 1234"},
		"Idempotency-Key", randomID()), http.StatusCreated)
	path := "/v1/orders/" + o.ID
	if status == "offered" {
		// Offered to the nearest free caregivers who can bathe: carer
		// (and helperA).
		o = must[orderView](t, w.who(office).post(t, path+"/dispatch", nil), http.StatusOK)
		offered := false
		for _, of := range o.Offers {
			offered = offered || of.CaregiverID == w.who(carer).id
		}
		if o.Status != status || !offered {
			t.Fatalf("after dispatch the order is %s, want it offered to %s", compactJSON(o), carer)
		}
		return o.ID
	}
	at := map[string]any{"lat": w.homeA.lat, "lng": w.homeA.lng, "reason": "提前到达"}
	steps := []struct {
		who    actor
		action string
		body   any
		then   string
	}{
		{office, "dispatch", map[string]string{"caregiverId": w.who(carer).id}, "accepted"},
		{carer, "start", nil, "en_route"},
		{carer, "check-in", at, "arrived"},
		{carer, "begin", nil, "in_service"},
		{carer, "check-out", at, "completed"},
	}
	for _, s := range steps {
		if o.Status == status {
			break
		}
		o = must[orderView](t, w.who(s.who).post(t, path+"/"+s.action, s.body), http.StatusOK)
		if o.Status != s.then {
			t.Fatalf("after %s the order is %s, want %s", s.action, o.Status, s.then)
		}
	}
	if o.Status != status {
		t.Fatalf("no way to an order in status %q", status)
	}
	return o.ID
}

// window is an order window no other order of the world has.
func (w *world) window() map[string]string {
	win := <-w.windows
	return map[string]string{"start": win[0].Format(time.RFC3339), "end": win[1].Format(time.RFC3339)}
}

// complain files famA's complaint about an order of family A.
func (w *world) complain(t *testing.T, orderID string) string {
	t.Helper()
	c := must[struct {
		ID string `json:"id"`
	}](t, w.who(famA).post(t, "/v1/complaints", map[string]any{"subject": map[string]string{"kind": "order", "id": orderID},
		"category": "late_or_no_show", "text": "护理员迟到一小时，洗澡过程很匆忙。", "desiredResolution": "apology"},
		"Idempotency-Key", randomID()), http.StatusCreated)
	return c.ID
}

// hold is a's hold of a market place on slot.
func (w *world) hold(t *testing.T, a actor, slot string) string {
	t.Helper()
	return must[holdView](t, w.who(a).hold(t, slot, "market", randomID()), http.StatusCreated).ID
}

// booking is a fresh booking by famA for child A, on a day of its own
// (a child has at most one place at a time).
func (w *world) booking(t *testing.T) string {
	t.Helper()
	sl := w.who(provA).openDay(t, w.offeringA, <-w.days)
	return must[bookingView](t, w.who(famA).confirm(t, w.hold(t, famA, sl.SlotID), w.childA), http.StatusCreated).ID
}

// child is a fresh child of family A.
func (w *world) child(t *testing.T) string {
	t.Helper()
	return w.who(famA).addChild(t, w.famA, childBody(uniqueName("王小"), dateAgo(1, 0, 0))).ID
}

// elder is a fresh elder of family A.
func (w *world) elder(t *testing.T) string {
	t.Helper()
	return w.who(famA).addElder(t, w.famA, elderBody(uniqueName("王"), map[string]any{
		"address": address(w.homeA.lat, w.homeA.lng)})).ID
}
