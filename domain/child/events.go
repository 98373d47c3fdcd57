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
