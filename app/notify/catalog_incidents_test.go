package notify

import (
	"testing"
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/homedevice"
	"github.com/kincare/kincare/domain/incident"
)

// incidentEvents walks two alarms up their ladders, as the domain
// announces them: one to the operators and resolved, one acknowledged by
// the family.
func incidentEvents(t *testing.T, now time.Time, newID func() string) []event.Event {
	t.Helper()
	raise := func(id string) *incident.Incident {
		i, err := incident.New(incident.Raise{ID: id, ElderID: "e", FamilyID: "fam", ElderName: "王秀英",
			Kind: incident.SOS, Source: incident.Source{Kind: incident.FromFamily, UserID: "owner"},
			Family: []string{"owner"}}, newID(), now)
		if err != nil {
			t.Fatal(err)
		}
		return i
	}
	climbed, answered := raise("i1"), raise("i2")
	steps := []error{
		climbed.Escalate(incident.Call{Rung: incident.RungNearby, Responders: []incident.Responder{{UserID: "duty",
			Role: incident.RoleStation}}}, newID(), now.Add(2*time.Minute)),
		climbed.Escalate(incident.Call{Rung: incident.RungOperator, Responders: []incident.Responder{{UserID: "op",
			Role: incident.RoleOperator}}}, newID(), now.Add(7*time.Minute)),
		climbed.Resolve(incident.Responder{UserID: "op", Rung: 3, Role: incident.RoleOperator}, incident.EmergencyServices,
			"", newID(), now.Add(9*time.Minute)),
		answered.Acknowledge(incident.Responder{UserID: "owner", Rung: 1, Role: incident.RoleFamily}, newID(),
			now.Add(time.Minute)),
	}
	for _, err := range steps {
		if err != nil {
			t.Fatal(err)
		}
	}
	button, err := homedevice.New("e", "fam", homedevice.SOSButton, "acme", "S1", "owner", now.Add(-72*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	offline, err := button.OfflineEvent(newID(), "王秀英", "station", homedevice.DefaultSilence, now)
	if err != nil {
		t.Fatal(err)
	}
	registered, err := button.Announce(homedevice.EventRegistered, newID(), now.Add(-72*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	removed, err := button.Announce(homedevice.EventRemoved, newID(), now)
	if err != nil {
		t.Fatal(err)
	}
	return append(append(climbed.Pending(), answered.Pending()...), offline, registered, removed)
}
