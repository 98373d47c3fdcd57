package notify

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/meal"
	"github.com/kincare/kincare/domain/reservation"
)

// mealEvents are a meal portion's events as its booking records them:
// ordered, and cancelled both ways.
func mealEvents(t *testing.T, now time.Time, newID func() string) []event.Event {
	t.Helper()
	start := now.Add(26 * time.Hour)
	sl, err := reservation.New(reservation.Draft{ID: "mw1", Resource: reservation.Resource{Kind: reservation.MealWindow, ID: "mw1"},
		ProviderID: "prov", Window: reservation.Window{Start: start, End: start.Add(90 * time.Minute), TimeZone: "Asia/Shanghai"},
		Capacity: reservation.Capacity{Total: 120}}, now)
	if err != nil {
		t.Fatal(err)
	}
	seat, _, err := sl.Confirm(reservation.Seat{HoldID: "mw1_a", Tier: reservation.Market, BookedBy: "owner", FamilyID: "fam",
		RecipientID: "e"}, now)
	if err != nil {
		t.Fatal(err)
	}
	ordered := reservation.NewBooking(sl, seat, newID())
	byFamily := reservation.NewBooking(sl, seat, newID())
	if err := byFamily.Cancel(reservation.ByFamily, "owner", "", now, newID()); err != nil {
		t.Fatal(err)
	}
	byProvider := reservation.NewBooking(sl, seat, newID())
	if err := byProvider.Cancel(reservation.ByProvider, "staff", "停电", now, newID()); err != nil {
		t.Fatal(err)
	}
	skipped, err := event.New(newID(), meal.EventSubscriptionSkipped, event.Subject{Kind: "meal_subscription", ID: "ms1"}, now,
		map[string]string{"subscriptionId": "ms1", "familyId": "fam", "elderId": "e", "date": start.Format(time.DateOnly),
			"window": "lunch", "reason": "window_full", "startLocal": start.Format("2006-01-02 15:04")})
	if err != nil {
		t.Fatal(err)
	}
	// An order of a subscription: its missed-meal reminder; then two
	// hand-overs, at the counter and at the door.
	o := func() *meal.Order {
		return &meal.Order{ID: "mw1_a", FamilyID: "fam", ElderID: "e", ProviderID: "prov", Window: meal.Lunch,
			Mode: meal.HomeDelivery, Start: start, End: start.Add(90 * time.Minute), CutoffAt: start.Add(-time.Hour),
			TimeZone: "Asia/Shanghai", SubscriptionID: "ms1", Status: meal.Placed,
			Address: &geo.Address{Location: geo.Point{Lat: 31.2, Lng: 121.4}}}
	}
	watched, served, delivered := o(), o(), o()
	if err := watched.WatchCollection(now); err != nil {
		t.Fatal(err)
	}
	if err := served.Serve("staff", start); err != nil {
		t.Fatal(err)
	}
	if err := delivered.Deliver("staff", meal.DeliveryReport{Point: geo.Point{Lat: 31.2, Lng: 121.4}}, delivered.Address.Location,
		200, start.Add(10*time.Minute)); err != nil {
		t.Fatal(err)
	}
	out := append(append(append(ordered.Pending(), byFamily.Pending()...), byProvider.Pending()...), skipped)
	return append(append(append(out, watched.Pending()...), served.Pending()...), delivered.Pending()...)
}
