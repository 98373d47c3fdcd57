package child

import (
	"time"

	"github.com/kincare/kincare/domain/event"
)

// Events a child's record announces: who may collect the child is what
// parents must never learn of late.
const (
	EventPickupAdded   event.Type = "child.pickup_added"
	EventPickupRemoved event.Type = "child.pickup_removed"
	// EventOneTimePickupAdded is a pickup person authorized for one day.
	EventOneTimePickupAdded event.Type = "child.one_time_pickup_added"
)

// AnnouncePickup records that actorID added or removed p. The event names
// the person and their relation, never their phone or id number.
func (c *Child) AnnouncePickup(id string, t event.Type, p PickupPerson, actorID string, now time.Time) error {
	e, err := event.New(id, t, event.Subject{Kind: "child", ID: c.ID}, now, map[string]string{
		"child": c.Profile.Name, "familyId": c.FamilyID, "pickup": p.Name, "relation": p.Relation, "by": actorID})
	if err != nil {
		return err
	}
	c.Events = append(c.Events, e)
	return nil
}

// AnnounceOneTimePickup records that actorID authorized p for today,
// until untilLocal (the provider's clock).
func (c *Child) AnnounceOneTimePickup(id string, p PickupPerson, actorID, untilLocal string, now time.Time) error {
	e, err := event.New(id, EventOneTimePickupAdded, event.Subject{Kind: "child", ID: c.ID}, now, map[string]string{
		"child": c.Profile.Name, "familyId": c.FamilyID, "pickup": p.Name, "relation": p.Relation, "by": actorID,
		"until": untilLocal})
	if err != nil {
		return err
	}
	c.Events = append(c.Events, e)
	return nil
}
