package notify

import (
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/device"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/reservation"
)

// sampleEvents are real events as their domains make them, one per type.
// calendar-safe: their words are only rendered, no clock reads them.
func sampleEvents(t *testing.T) []event.Event {
	t.Helper()
	now := time.Date(2026, 11, 25, 9, 0, 0, 0, time.UTC)
	n := 0
	newID := func() string { n++; return string(rune('a' + n)) }
	f, err := family.New("fam", "王家", "", "owner", now)
	if err != nil {
		t.Fatal(err)
	}
	inv, err := f.NewInvite(family.InviteKey("k"), "owner", "CODE1234", "+8613800000000", family.RoleMember, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := inv.AnnounceInvite(f, newID, now); err != nil {
		t.Fatal(err)
	}
	if err := f.AnnounceJoined(newID(), "u2", "138****0000", now); err != nil {
		t.Fatal(err)
	}
	d, err := device.New("tok", "u1", device.PlatformIOS, device.AppFamily, "", "", now)
	if err != nil {
		t.Fatal(err)
	}
	reg, err := device.Registered(newID(), d, now)
	if err != nil {
		t.Fatal(err)
	}
	kid := child.Child{ID: "c1", FamilyID: "fam", Profile: child.Profile{Name: "小明"}}
	grandma := child.PickupPerson{ID: "p1", Name: "王奶奶", Relation: "奶奶"}
	for _, typ := range []event.Type{child.EventPickupAdded, child.EventPickupRemoved} {
		if err := kid.AnnouncePickup(newID(), typ, grandma, "owner", now); err != nil {
			t.Fatal(err)
		}
	}
	expires, _ := calendar.ParseDate("2027-03-01")
	prov := provider.Provider{ID: "prov", Profile: provider.Profile{LegalName: "幸福里养老服务中心", TimeZone: "Asia/Shanghai"},
		Staff: []provider.Staff{{UserID: "cg", Role: provider.StaffCaregiver, Caregiver: &provider.Caregiver{
			Certificates: []provider.Certificate{{Kind: provider.ElderlyCareWorker, Number: "N-1", ExpiresOn: expires}}}}}}
	if err := prov.AnnounceCertificates("cg", now); err != nil {
		t.Fatal(err)
	}
	if err := prov.Verify("pv", now); err != nil {
		t.Fatal(err)
	}
	if err := prov.SetCredit(provider.RedListed, "助餐服务获评优秀", provider.CreditSource{}, "pc", now); err != nil {
		t.Fatal(err)
	}
	if err := prov.Suspend("营业执照过期", "ps", now); err != nil {
		t.Fatal(err)
	}
	prov.AnnounceUpdated("pu", now)
	registered, err := provider.New("prov2", "admin", provider.Profile{LegalName: "幸福里托育园", TimeZone: "Asia/Shanghai",
		Licences: []provider.Licence{{Kind: provider.ChildcareInstitution, Number: "T-1"}},
		Address:  geo.Address{City: "上海市", Street: "漕溪北路 88 号", RegionCode: "310104", Location: geo.Point{Lat: 31.18, Lng: 121.43}},
		Area:     provider.Area{RadiusKM: 3}, ContactPhone: "+8613900000000"}, "pr", now)
	if err != nil {
		t.Fatal(err)
	}
	pw, err := identity.HashPassword("correct horse 1")
	if err != nil {
		t.Fatal(err)
	}
	owner := identity.UnmarshalUser(identity.UserSnapshot{ID: "u1", Phone: "+8613800000000", Password: pw})
	guessed, err := identity.DefaultPasswordGuessing.Warning(owner, 5, now)
	if err != nil {
		t.Fatal(err)
	}
	events := append(append(append(append(inv.Events, f.Pending()...), reg, guessed), kid.Events...), registered.Pending()...)
	events = append(events, prov.Pending()...)
	// Order events carry what order.announce puts in every one, and the
	// extras of their own.
	extras := map[event.Type]map[string]string{
		order.EventOffered:             {"caregiverId": "cg", "offerExpiresAt": "2026-11-30T02:05:00Z"},
		order.EventDeclined:            {"caregiverId": "cg"},
		order.EventCompleted:           {"durationMinutes": "75"},
		order.EventConfirmed:           {"auto": "false"},
		order.EventCancelledByProvider: {"reason": "车辆故障"},
		order.EventRedispatched:        {"previousCaregiverId": "cg", "reason": "护理员生病"},
		order.EventHandedBack:          {"previousCaregiverId": "cg", "windowNear": "true"},
		order.EventRated:               {"caregiverId": "cg", "stars": "2", "tags": "late", "ratedBy": "owner"},
		order.EventComplaintSuggested:  {"caregiverId": "cg", "stars": "2", "tags": "late", "ratedBy": "owner"},
	}
	events = append(events, reservationEvents(t, now, newID)...)
	events = append(events, complaintEvents(t, now, newID)...)
	events = append(events, incidentEvents(t, now, newID)...)
	events = append(events, visitEvents(t, now, newID)...)
	events = append(events, classEvents(t, now, newID)...)
	events = append(events, mealEvents(t, now, newID)...)
	adjusted, err := event.New(newID(), elder.EventAllowanceAdjusted, event.Subject{Kind: "elder", ID: "e"}, now,
		map[string]string{"familyId": "fam", "elderId": "e", "allowanceId": "a", "period": "2026-12", "unit": "fen",
			"amount": "5000", "change": "+¥50.00", "reason": "补发"})
	if err != nil {
		t.Fatal(err)
	}
	events = append(events, adjusted)
	events = append(events, childDayEvents(t, now, newID)...)
	events = append(events, recurrenceEvents(t, now, newID)...)
	for _, typ := range order.EventTypes {
		data := map[string]string{"providerId": "prov", "elderId": "e", "familyId": "fam", "orderedBy": "owner",
			"serviceType": "bathing", "status": "x", "windowStart": "2026-11-30T02:00:00Z",
			"windowEnd": "2026-11-30T03:00:00Z", "windowStartLocal": "2026-11-30 10:00", "timeZone": "Asia/Shanghai"}
		maps.Copy(data, extras[typ])
		e, err := event.New(newID(), typ, event.Subject{Kind: "order", ID: "o1"}, now, data)
		if err != nil {
			t.Fatal(err)
		}
		events = append(events, e)
	}
	return events
}

func TestEveryEventTypeSpeaksBothLanguagesWithDataItHas(t *testing.T) {
	kinds := Catalog()
	seen := map[event.Type]bool{}
	for _, e := range sampleEvents(t) {
		seen[e.Type] = true
		k, ok := kinds[e.Type]
		if !ok {
			t.Errorf("%s has no words", e.Type)
			continue
		}
		for _, l := range []identity.Locale{identity.LocaleZhCN, identity.LocaleEn} {
			text, ok := k.Text[l]
			if !ok || text.Title == "" || text.Body == "" {
				t.Errorf("%s has no %s text", e.Type, l)
			}
			for _, name := range placeholders(text) {
				if e.Data[name] == "" {
					t.Errorf("%s (%s) uses {%s}, which its events do not carry", e.Type, l, name)
				}
			}
		}
		if k.Category == "" || k.TTL <= 0 {
			t.Errorf("%s: category %q, ttl %s", e.Type, k.Category, k.TTL)
		}
	}
	for typ := range kinds {
		if !seen[typ] {
			t.Errorf("%s is in the catalog but no sample event has it; add one", typ)
		}
	}
}

func TestRenderFillsPlaceholdersAndNeverShowsBraces(t *testing.T) {
	got := render(Text{Title: "{a} and {b}", Body: "{missing}!{"}, map[string]string{"a": "甲", "b": "乙"})
	if got.Title != "甲 and 乙" || got.Body != "!{" {
		t.Fatalf("render = %+v", got)
	}
	if names := placeholders(Text{Title: "{x}", Body: "{y} {x}"}); !slices.Equal(names, []string{"x", "y", "x"}) {
		t.Fatalf("placeholders = %v", names)
	}
}

// reservationEvents are the reservation engine's events as its domain
// makes them, and a hold reminder as the use case does.
func reservationEvents(t *testing.T, now time.Time, newID func() string) []event.Event {
	t.Helper()
	start := now.Add(48 * time.Hour)
	sl, err := reservation.New(reservation.Draft{ID: "s1", Resource: reservation.Resource{Kind: "childcare_offering", ID: "off"},
		ProviderID: "prov", Window: reservation.Window{Start: start, End: start.Add(4 * time.Hour), TimeZone: "Asia/Shanghai"},
		Capacity: reservation.Capacity{Total: 2, InclusiveQuota: 1}}, now)
	if err != nil {
		t.Fatal(err)
	}
	sl.Join(reservation.Waiter{UserID: "u2", Tier: reservation.Market}, now)
	sl.Promote(reservation.Promotion{HoldID: "s1_w", UserID: "u2", Tier: reservation.Market, ExpiresAt: now.Add(10 * time.Minute)}, now, newID())
	seat, _, err := sl.Confirm(reservation.Seat{HoldID: "s1_a", Tier: reservation.Market, BookedBy: "owner", FamilyID: "fam", RecipientID: "kid"}, now)
	if err != nil {
		t.Fatal(err)
	}
	sl.AnnouncePlaces(newID(), now)
	events := sl.Pending()
	byFamily := reservation.NewBooking(sl, seat, newID())
	if err := byFamily.Cancel(reservation.ByFamily, "owner", "", now, newID()); err != nil {
		t.Fatal(err)
	}
	byProvider := reservation.NewBooking(sl, seat, newID())
	if err := byProvider.Cancel(reservation.ByProvider, "staff", "园所停水", now, newID()); err != nil {
		t.Fatal(err)
	}
	events = append(append(events, byFamily.Pending()...), byProvider.Pending()...)
	reminder, err := event.Reminder(newID(), reservation.EventHoldExpiring, event.Subject{Kind: "hold", ID: "s1_a"}, now,
		now.Add(5*time.Minute), map[string]string{"userId": "owner", "holdId": "s1_a"})
	if err != nil {
		t.Fatal(err)
	}
	return append(events, reminder)
}
