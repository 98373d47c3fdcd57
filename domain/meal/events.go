package meal

import (
	"time"

	"github.com/kincare/kincare/domain/event"
)

// What a meal order announces to the elder's family. Served is a meal
// eaten in or collected at the counter (a scanned code, a card, staff's
// record); Delivered one handed over at the door or the pick-up point by
// the canteen's delivery staff; Missed the alarm of a subscribed meal
// nobody collected or received by the end of its window — recorded when
// the order is made, due at the window's end, and told only if the meal
// is by then neither handed over nor cancelled (an early sign that
// something is wrong with an elder who eats there every day).
const (
	EventServed    event.Type = "meal_order.served"
	EventDelivered event.Type = "meal_order.delivered"
	EventMissed    event.Type = "meal_order.missed"
)

// localLayout is how times travel in events: the canteen's wall clock.
const localLayout = "2006-01-02 15:04"

// Zone is the order's canteen zone.
func (o *Order) Zone() *time.Location {
	loc, err := time.LoadLocation(o.TimeZone)
	if err != nil || o.TimeZone == "" {
		return time.FixedZone("CST", 8*3600)
	}
	return loc
}

// eventData is what every event of the order carries: whom it concerns
// (ids, no names) and the window's times in the canteen's zone.
func (o *Order) eventData(extra map[string]string) map[string]string {
	loc := o.Zone()
	d := map[string]string{"mealOrderId": o.ID, "familyId": o.FamilyID, "elderId": o.ElderID, "providerId": o.ProviderID,
		"date": o.Date.String(), "window": string(o.Window), "mode": string(o.Mode),
		"startLocal": o.Start.In(loc).Format(localLayout), "endLocal": o.End.In(loc).Format(localLayout)}
	for k, v := range extra {
		d[k] = v
	}
	return d
}

// announce records a hand-over's event; one per order, so its id is the
// order's.
func (o *Order) announce(t event.Type, at time.Time, extra map[string]string) error {
	if extra == nil {
		extra = map[string]string{}
	}
	extra["atLocal"] = at.In(o.Zone()).Format(localLayout)
	e, err := event.New(string(t)+"-"+o.ID, t, event.Subject{Kind: "meal_order", ID: o.ID}, at, o.eventData(extra))
	if err != nil {
		return err
	}
	o.Record(e)
	return nil
}

// WatchCollection records, on a new subscribed order, the check of its
// window's end: a reminder due then, which its audience tells the family
// only if the meal was neither handed over nor cancelled by then. It is
// part of the order's first write, so it cannot be lost between two.
func (o *Order) WatchCollection(now time.Time) error {
	if o.SubscriptionID == "" {
		return nil
	}
	e, err := event.Reminder(string(EventMissed)+"-"+o.ID, EventMissed, event.Subject{Kind: "meal_order", ID: o.ID}, now,
		o.End, o.eventData(map[string]string{"subscriptionId": o.SubscriptionID}))
	if err != nil {
		return err
	}
	o.Record(e)
	return nil
}

// Uncollected reports whether the meal is still owed to the elder or was
// recorded as not collected: the missed-meal alarm stands.
func (o *Order) Uncollected() bool { return o.Status == Placed || o.Status == NoShow }
