package notify

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/event"
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
	return append(append(append(ordered.Pending(), byFamily.Pending()...), byProvider.Pending()...), skipped)
}
