package e2e_test

// Display text (issue 13, defect 6): every field people type that other
// people's screens and notifications show refuses control characters,
// bidi overrides and text of nothing visible, with 422 naming the field
// (domain/text). The fields are those of the contract's request bodies
// that hold free text; TestEveryDisplayTextFieldIsProbed fails for one
// with neither a probe here nor a reason it is not display text.

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"github.com/kincare/kincare/openapi"
)

// badText is display text the server must refuse, with the field code.
var badText = []struct{ text, code string }{
	{"王\u202e秀兰", "bidi_control"},
	{"\u200b\u200d\u2060\u200b\ufeff\u200b", "invisible"}, // long enough for any minLength
	{"王\x00秀兰", "control_character"},
	{"王\x1b[2J秀兰", "control_character"},
}

// displayProbe sends bad text in each of fields of op, on the table
// row's fixture as its first allowed actor, with body as the valid body
// to change (nil: the row's own); at, if set, replaces the row.
type displayProbe struct {
	op     string
	fields []string // JSON pointers; array elements as /0
	body   func(w *world) map[string]any
	at     func(t *testing.T, w *world) (path string, as actor)
}

// notDisplayText are free-text strings of request bodies that are not
// display text, and why.
var notDisplayText = map[string]string{
	"/elderId": "an id", "/providerId": "an id", "/familyId": "an id", "/subject/id": "an id", "/itemId": "an id", "/caregiverId": "an id", "/childId": "an id",
	"/phone": "a phone number, parsed", "/contactPhone": "a phone number, parsed",
	"/emergencyContacts/*/phone": "a phone number, parsed",
	"/timeZone":                  "an IANA zone, looked up", "/quietHours/timeZone": "an IANA zone, looked up",
	"/policyVersion": "must equal the current policy's",
	"/refreshToken":  "a token", "/password": "a secret, never shown", "/code": "a login code",
	"/checklist/*":     "codes of the service type's checklist, checked against it",
	"/photoKeys/*":     "object keys under the order's prefix (domain/upload)",
	"/photoRef":        "an object key under the child's prefix (domain/upload)",
	"checkOut /reason": "dropped unread: the domain keeps a reason for check-in only (VisitReport says so)",
	"createElder /conditions/*": "refused whole on a new elder: the elder_health consent names the elder, " +
		"who does not exist yet (updateElder probes them)",
	"reportNoShow /reason": "a no-show is refused before its time, and the e2e tests cannot wait for it; " +
		"domain/order's tests check the reason (TestEndingsRefuseBadText)",
	"checkInChild /dropIn/slotId":          "an id",
	"checkOutChild /person/pickupPersonId": "an id",
	"assignRoomStaff /userIds/*":           "ids of the provider's staff",
	"assignElderVisitor /userId":           "an id",
	"registerVolunteer /stationId":         "an id",
	"redeemMinutes /stationId":             "an id",
	"donateMinutes /toUserId":              "an id",
	"fillDailyReport /photoRefs/*":         "object keys under the report's prefix (domain/upload)",
	"setProviderDuty /userIds/*":           "ids of the provider's staff",
	"postDeviceEvent /eventId":             "the vendor's id of its event, a key never shown",
	"postDeviceEvent /serial":              "a serial, matched against registered devices",
	"scheduleSession /joinLink":            "a URL, parsed: https with a host, given only to attendees",
	"bookSession /offerId":                 "an id (a hold's)",
	"bookSession /holdId":                  "an id (a hold's)",
	"createCourse /speakerId":              "an id (an expert's)",
	"markAttendance /bookingId":            "an id",
	"/schedule/timeZone":                   "ignored: a recurring order takes its family's zone",
	"setCanteen /pickupPoints/*/id":        "an id the canteen chooses, named by orders",
	"publishMenu /windows/*/items/*/id":    "an id the canteen chooses, named by orders",
	"placeMealOrder /items/*":              "ids of the menu's items",
	"placeMealOrder /pickupPointId":        "an id of the canteen's pick-up points",
	"subscribeToMeals /pickupPointId":      "an id of the canteen's pick-up points",
	"redeemMeal /code":                     "a signed code, verified before anything is read",
	"redeemMealCard /card":                 "a signed card code, verified before anything is read",
	"redeemMealCard /pin":                  "a secret of digits, never shown",
	"issueMealCard /pin":                   "a secret of digits, never shown",
}

func displayProbes() []displayProbe {
	elder := func(w *world) map[string]any {
		b := elderBody("王秀兰", map[string]any{"address": address(w.homeA.lat, w.homeA.lng),
			"emergencyContacts": []map[string]string{{"name": "王建国", "relation": "儿子", "phone": newPhone().national}},
			"conditions":        []string{"高血压"}})
		return toMapOf(b)
	}
	newElder := func(w *world) map[string]any {
		b := elder(w)
		delete(b, "conditions") // a new elder has no consent for health data yet
		return b
	}
	child := func(*world) map[string]any {
		return toMapOf(childBody("王乐乐", dateAgo(1, 6, 0)))
	}
	provider := func(w *world) map[string]any { return toMapOf(w.provABody) }
	addressFields := []string{"/address/province", "/address/city", "/address/district", "/address/street", "/address/detail"}
	price := map[string]any{"marketFen": 10000, "inclusiveFen": 8000, "agreementRef": "徐民养〔2026〕12号"}
	item := func(*world) map[string]any {
		b := toMapOf(itemBody("cleaning", 10000, 8000))
		b["price"] = price
		return b
	}
	offering := func(*world) map[string]any {
		b := toMapOf(halfDayBody(10, 2))
		b["price"] = price
		return b
	}
	// a fresh verified provider: a refused decision must not touch A.
	freshProvider := func(as actor) func(t *testing.T, w *world) (string, actor) {
		return func(t *testing.T, w *world) (string, actor) {
			prov := w.signUp(t).register(t, w.providerBody(randomPlace()))
			w.who(platform).verify(t, prov.ID)
			return "/v1/providers/" + prov.ID, as
		}
	}
	return []displayProbe{
		{op: "createFamily", fields: []string{"/name"}},
		{op: "updateFamily", fields: []string{"/name"}, body: func(*world) map[string]any { return map[string]any{"name": "王家"} }},
		{op: "createElder", fields: append([]string{"/name", "/diet/allergies", "/caregiverNotes",
			"/emergencyContacts/0/name", "/emergencyContacts/0/relation"}, addressFields...), body: newElder},
		{op: "updateElder", fields: append([]string{"/name", "/diet/allergies", "/caregiverNotes", "/conditions/0",
			"/emergencyContacts/0/name", "/emergencyContacts/0/relation"}, addressFields...), body: elder},
		{op: "recordAssessment", fields: []string{"/assessedBy"}},
		{op: "addAllowance", fields: []string{"/issuer"}},
		{op: "createChild", fields: []string{"/name", "/allergies", "/healthNotes"}, body: child},
		{op: "updateChild", fields: []string{"/name", "/allergies", "/healthNotes"}, body: child},
		{op: "addPickupPerson", fields: []string{"/name", "/relation"}},
		{op: "registerProvider", fields: append([]string{"/legalName", "/licences/0/number"}, addressFields...), body: provider},
		{op: "updateProvider", fields: append([]string{"/legalName", "/licences/0/number"}, addressFields...), body: provider},
		{op: "decideProvider", fields: []string{"/reason"},
			body: func(*world) map[string]any { return map[string]any{"decision": "suspend", "reason": "证照过期"} },
			at: func(t *testing.T, w *world) (string, actor) {
				path, as := freshProvider(platform)(t, w)
				return path + "/verification", as
			}},
		{op: "setProviderCredit", fields: []string{"/reason"},
			body: func(*world) map[string]any { return map[string]any{"status": "red_listed", "reason": "服务优秀"} },
			at: func(t *testing.T, w *world) (string, actor) {
				path, as := freshProvider(regul)(t, w)
				return path + "/credit", as
			}},
		{op: "addServiceItem", fields: []string{"/names/zhCN", "/names/en", "/price/agreementRef"}, body: item},
		{op: "updateServiceItem", fields: []string{"/price/agreementRef"},
			body: func(*world) map[string]any { return map[string]any{"price": price} }},
		{op: "createOffering", fields: []string{"/names/zhCN", "/names/en", "/price/agreementRef"}, body: offering},
		{op: "setCaregiver", fields: []string{"/certificates/0/number", "/certificates/0/issuer", "/languages/0"}},
		{op: "registerDevice", fields: []string{"/appVersion"},
			body: func(*world) map[string]any {
				return map[string]any{"platform": "ios", "app": "family", "appVersion": "1.4.2"}
			}},
		{op: "createOrder", fields: []string{"/notes"}, body: func(w *world) map[string]any {
			return map[string]any{"elderId": w.elderA, "providerId": w.provA, "itemId": w.itemA, "priceVersion": 1,
				"window": w.window(), "notes": "请敲门"}
		}},
		{op: "createRecurringOrder", fields: []string{"/notes"}},
		{op: "splitRecurringOrder", fields: []string{"/notes"}},
		// Reasons are read only where the action may happen: orders and a
		// booking in a state that takes it, each refused for its text.
		{op: "cancelOrder", fields: []string{"/reason"}, at: on(famA, func(w *world) string { return "/v1/orders/" + w.orderA + "/cancel" })},
		{op: "declineOrder", fields: []string{"/reason"}, at: on(carerA, func(w *world) string { return "/v1/orders/" + w.orderOffered + "/decline" })},
		{op: "checkIn", fields: []string{"/reason"}, at: on(carerA, func(w *world) string { return "/v1/orders/" + w.orderA + "/check-in" })},
		{op: "writeServiceRecord", fields: []string{"/notes"}},
		{op: "rateOrder", fields: []string{"/text"}, body: func(*world) map[string]any {
			return map[string]any{"stars": 2, "text": "阿姨很细心"}
		}},
		{op: "fileComplaint", fields: []string{"/text"}, body: func(w *world) map[string]any {
			return map[string]any{"subject": map[string]string{"kind": "order", "id": w.orderInService},
				"category": "service_quality", "text": "洗澡过程很匆忙。", "desiredResolution": "apology"}
		}},
		{op: "respondToComplaint", fields: []string{"/text"}},
		{op: "escalateComplaint", fields: []string{"/reason"}, body: func(*world) map[string]any {
			return map[string]any{"reason": "回复敷衍。"}
		}},
		{op: "decideComplaint", fields: []string{"/text"}},
		{op: "adjustAllowance", fields: []string{"/reason"}},
		{op: "cancelBooking", fields: []string{"/reason"}, at: on(famA, func(w *world) string { return "/v1/bookings/" + w.bookingA + "/cancel" })},
		// The childcare day: the child's day is over, but what is typed
		// is read first.
		{op: "createRoom", fields: []string{"/name"}},
		{op: "updateRoom", fields: []string{"/name"}},
		{op: "checkInChild", fields: []string{"/healthCheck/notes", "/parentNote"}},
		{op: "checkOutChild", fields: []string{"/person/name", "/person/relation", "/note"}},
		{op: "reportAbsence", fields: []string{"/note"}},
		{op: "addOneTimePickupPerson", fields: []string{"/name", "/relation"}},
		{op: "fillDailyReport", fields: []string{"/meals/0/food", "/activities/0", "/healthNotes", "/correctionReason"}},
		{op: "setChildcareSubsidyRate", fields: []string{"/document"}},
		// Community care: notes on an alarm's timeline are read by
		// everyone its ladder called; a closed incident reads them first.
		{op: "raiseSOS", fields: []string{"/note"}},
		{op: "raiseStaffIncident", fields: []string{"/note"}},
		{op: "addIncidentNote", fields: []string{"/text"}},
		// Monthly visits: an official's reason, what a visitor found and
		// suggests, read by the family and the station.
		{op: "markElderVulnerable", fields: []string{"/reason"}},
		{op: "registerVolunteer", fields: []string{"/name"}},
		{op: "recordElderVisit", fields: []string{"/assessment/needs", "/assessment/hazards", "/followUps/0/note"},
			body: func(*world) map[string]any {
				return map[string]any{"mode": "phone", "durationMinutes": 5, "assessment": goodAssessment(),
					"followUps": []any{map[string]any{"kind": "referral", "serviceType": "bathing", "note": "建议助浴"}}}
			}},
		{op: "recordElderVisit", fields: []string{"/reason"}, body: func(w *world) map[string]any {
			return map[string]any{"mode": "in_person", "point": map[string]any{"lat": w.homeA.lat + 0.01,
				"lng": w.homeA.lng}, "reason": "门禁进不去"}
		}},
		{op: "checkOutMonthlyVisit", fields: []string{"/assessment/needs", "/assessment/hazards", "/followUps/0/note"},
			body: func(w *world) map[string]any {
				return map[string]any{"point": map[string]any{"lat": w.homeA.lat, "lng": w.homeA.lng},
					"assessment": goodAssessment(),
					"followUps":  []any{map[string]any{"kind": "referral", "serviceType": "bathing", "note": "建议助浴"}}}
			}},
		{op: "resolveIncident", fields: []string{"/note"}, body: func(*world) map[string]any {
			return map[string]any{"outcome": "false_alarm", "note": "误报"}
		}},
		// Parenting classes: what organisers publish, and why a session
		// or a seat ended.
		{op: "createCourse", fields: []string{"/title/zhCN", "/title/en", "/description/zhCN", "/description/en",
			"/speaker/name", "/speaker/title", "/speaker/bio", "/venue/province", "/venue/city", "/venue/district",
			"/venue/street", "/venue/detail"}, body: func(*world) map[string]any {
			b := toMapOf(courseBody(10, nil))
			b["description"] = map[string]any{"zhCN": "说明", "en": "About"}
			b["speaker"] = map[string]any{"name": "李医生", "title": "主任医师", "bio": "从事儿保二十年"}
			return b
		}},
		{op: "addClassExpert", fields: []string{"/name", "/title", "/bio"}, body: func(*world) map[string]any {
			return map[string]any{"name": "李医生", "title": "主任医师", "bio": "从事儿保二十年"}
		}},
		{op: "editCourse", fields: []string{"/title/zhCN", "/title/en", "/description/zhCN", "/description/en",
			"/speaker/name", "/speaker/title", "/speaker/bio"}, body: func(*world) map[string]any {
			return map[string]any{"title": map[string]any{"zhCN": "婴儿睡眠", "en": "Sleep"},
				"description": map[string]any{"zhCN": "说明", "en": "About"},
				"speaker":     map[string]any{"name": "李医生", "title": "主任医师", "bio": "从事儿保二十年"}}
		}},
		{op: "cancelSession", fields: []string{"/reason"}, at: func(t *testing.T, w *world) (string, actor) {
			return "/v1/sessions/" + w.classSession(t) + "/cancel", provA
		}},
		// Meal aid: what canteens publish, what families ask for, and
		// why a meal was called off.
		{op: "setCanteen", fields: []string{"/pickupPoints/0/name", "/pickupPoints/0/address/province",
			"/pickupPoints/0/address/city", "/pickupPoints/0/address/district", "/pickupPoints/0/address/street",
			"/pickupPoints/0/address/detail"}},
		{op: "publishMenu", fields: []string{"/windows/0/items/0/name", "/windows/0/items/0/photoRef",
			"/windows/0/items/0/dishes/0", "/windows/0/items/0/allergens/0", "/windows/0/items/0/agreementRef"}},
		{op: "setMealSubsidyRules", fields: []string{"/document"}},
		{op: "placeMealOrder", fields: append([]string{"/note"}, addressFields...), body: func(w *world) map[string]any {
			return toMapOf(mealOrderBody(w.elderA, w.provA, w.meal.day, map[string]any{"note": "少放辣",
				"address": address(w.homeA.lat, w.homeA.lng)}))
		}},
		{op: "subscribeToMeals", fields: append([]string{"/note"}, addressFields...), body: func(w *world) map[string]any {
			b := w.mealSubscriptionBody()
			b["mode"], b["note"], b["address"] = "delivery", "少放辣", address(w.homeA.lat, w.homeA.lng)
			delete(b, "pickupPointId")
			return toMapOf(b)
		}},
		{op: "confirmMealDelivery", fields: []string{"/reason"}},
		{op: "cancelMealOrder", fields: []string{"/reason"}, at: func(t *testing.T, w *world) (string, actor) {
			return "/v1/meal-orders/" + w.mealOrder(t) + "/cancel", famA
		}},
		{op: "cancelClassBooking", fields: []string{"/reason"}, at: func(t *testing.T, w *world) (string, actor) {
			b := must[classBookingView](t, w.who(famA).bookSeat(t, w.classSession(t), randomID()), http.StatusCreated)
			return "/v1/class-bookings/" + b.ID + "/cancel", famA
		}},
	}
}

// on is an at func: path as a.
func on(a actor, path func(*world) string) func(*testing.T, *world) (string, actor) {
	return func(_ *testing.T, w *world) (string, actor) { return path(w), a }
}

func testDisplayText(t *testing.T, w *world) {
	rows := map[string]row{}
	for _, r := range securityRows(w) {
		rows[r.op] = r
	}
	for _, d := range displayProbes() {
		r, ok := rows[d.op]
		if !ok {
			t.Fatalf("display probe for %s: no row", d.op)
		}
		t.Run(d.op, func(t *testing.T) {
			t.Parallel()
			p := w.prepare(t, r)
			f := w.request(t, p, "") // refused requests change nothing: the shared fixture serves
			as := firstAllowed(r)
			if d.at != nil {
				f.path, as = d.at(t, w)
			}
			base := map[string]any{}
			switch {
			case d.body != nil:
				base = d.body(w)
			case f.body != nil:
				base = toMap(t, f.body)
			}
			for i, field := range d.fields {
				// Each field meets one kind of bad text, the kinds taking
				// turns (domain/text's tests meet every kind in every rule).
				for _, bad := range []struct{ text, code string }{badText[(i+len(d.op))%len(badText)]} {
					body, err := setPointer(base, field, bad.text)
					if err != "" {
						t.Fatalf("%s: %s", d.op, err)
					}
					f.body = body
					got := w.sendWith(t, p, f, bearer(w.who(as).access)...)
					if got.status != http.StatusUnprocessableEntity {
						t.Errorf("%s %s = %+q: %d %.200s, want 422", d.op, field, bad.text, got.status, got.body)
						continue
					}
					var named bool
					for _, e := range decode[problem](t, got).Errors {
						named = named || e.Field == field && e.Code == bad.code
					}
					if !named {
						t.Errorf("%s %s = %+q: %s, want errors to name %s with %s", d.op, field, bad.text, got.body, field, bad.code)
					}
				}
			}
		})
	}
	t.Run("Chinese, emoji and inner spaces stay, normalised", func(t *testing.T) {
		t.Parallel()
		name := "Zoe\u0308 王 👨\u200d👩\u200d👧"
		got := w.who(famB).createFamily(t, "  "+name+"\n")
		if want := "Zoë 王 👨\u200d👩\u200d👧"; got.Name != want {
			t.Errorf("family name %+q, want %+q (NFC, trimmed)", got.Name, want)
		}
	})
}

// firstAllowed is the row's first actor whose request passes.
func firstAllowed(r row) actor {
	for _, a := range actors {
		if r.probes(a) && !denied(r.status(a)) {
			return a
		}
	}
	return famA
}

// setPointer returns a deep copy of body with the value at a JSON
// pointer (whose parents exist) replaced.
func setPointer(body map[string]any, pointer, value string) (map[string]any, string) {
	out := deepCopy(body).(map[string]any)
	parts := strings.Split(strings.TrimPrefix(pointer, "/"), "/")
	var cur any = out
	for i, part := range parts {
		last := i == len(parts)-1
		switch c := cur.(type) {
		case map[string]any:
			if last {
				c[part] = value
				return out, ""
			}
			cur = c[part]
		case []any:
			n, err := strconv.Atoi(part)
			if err != nil || n >= len(c) {
				return nil, "no element " + part + " at " + pointer
			}
			if last {
				c[n] = value
				return out, ""
			}
			cur = c[n]
		default:
			return nil, "nothing at " + pointer + " in the base body"
		}
	}
	return out, ""
}

func deepCopy(v any) any {
	switch c := v.(type) {
	case map[string]any:
		out := make(map[string]any, len(c))
		for k, e := range c {
			out[k] = deepCopy(e)
		}
		return out
	case []any:
		out := make([]any, len(c))
		for i, e := range c {
			out[i] = deepCopy(e)
		}
		return out
	}
	return v
}

// toMapOf is v as a JSON object (v must marshal to one).
func toMapOf(v any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	out := map[string]any{}
	if err := json.Unmarshal(b, &out); err != nil {
		panic("not a JSON object: " + string(b))
	}
	return out
}

// Every free-text string of a request body is display text probed above
// or is named in notDisplayText with the reason. Runs without a server.
func TestEveryDisplayTextFieldIsProbed(t *testing.T) {
	t.Parallel()
	doc, err := openapi3.NewLoader().LoadFromData(openapi.YAML)
	if err != nil {
		t.Fatal(err)
	}
	probed := map[string]bool{}
	for _, d := range displayProbes() {
		for _, f := range d.fields {
			probed[d.op+" "+regexpIndex.ReplaceAllString(f, "/*")] = true
		}
	}
	for _, item := range doc.Paths.Map() {
		for _, op := range item.Operations() {
			if op.RequestBody == nil {
				continue
			}
			for _, mt := range op.RequestBody.Value.Content {
				walkRequestSchema(mt.Schema.Value, "", func(at string, s *openapi3.Schema, _ bool) {
					if !s.Type.Is("string") || len(s.Enum) > 0 || s.Pattern != "" || s.Format != "" {
						return
					}
					key := op.OperationID + " " + at
					if probed[key] || notDisplayText[at] != "" || notDisplayText[key] != "" {
						return
					}
					t.Errorf("%s: the free text at %s is not probed as display text (add it to displayProbes) "+
						"nor named in notDisplayText with the reason it is not", op.OperationID, at)
				})
			}
		}
	}
}

// regexpIndex is an array index in a JSON pointer.
var regexpIndex = regexp.MustCompile(`/[0-9]+`)
