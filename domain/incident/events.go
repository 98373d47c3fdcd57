package incident

import (
	"maps"
	"strconv"
	"time"

	"github.com/kincare/kincare/domain/event"
)

// Events an incident announces. Their data carries ids, the elder's
// name, the kind and the rung, never the address or health: a push
// passes through Google's servers and sits on lock screens; rungs 2 and
// 3 read those in the app while the incident is live.
const (
	EventRaised       event.Type = "incident.raised"          // rung 1: the family
	EventEscalated    event.Type = "incident.escalated"       // rung 2: the contacts and the station on duty
	EventOperatorCall event.Type = "incident.operator_called" // rung 3: the operators, told to call 120
	EventAcknowledged event.Type = "incident.acknowledged"    // everyone called so far
	EventResolved     event.Type = "incident.resolved"        // everyone called so far
)

// EventTypes lists every type an incident announces.
var EventTypes = []event.Type{EventRaised, EventEscalated, EventOperatorCall, EventAcknowledged, EventResolved}

func (i *Incident) announce(id string, t event.Type, now time.Time, extra map[string]string) {
	data := map[string]string{
		"incidentId": i.s.ID,
		"elderId":    i.s.ElderID,
		"familyId":   i.s.FamilyID,
		"elder":      i.s.ElderName,
		"kind":       string(i.s.Kind),
		"status":     string(i.s.Status),
	}
	maps.Copy(data, extra)
	e, err := event.New(id, t, event.Subject{Kind: "incident", ID: i.s.ID}, now, data)
	if err != nil {
		return // unreachable: id, type, subject and time are all set
	}
	i.Record(e)
}

func itoa(n int) string { return strconv.Itoa(n) }
