package complaint

import (
	"maps"
	"time"

	"github.com/kincare/kincare/domain/event"
)

// Events a complaint announces, one per step. Their data carries ids,
// the category, the provider's name and the deadline, never the
// complaint's text: a push passes through Google's servers and sits on
// lock screens.
const (
	EventFiled     event.Type = "complaint.filed"
	EventResponded event.Type = "complaint.responded"
	EventEscalated event.Type = "complaint.escalated"
	EventResolved  event.Type = "complaint.resolved"
	EventDecided   event.Type = "complaint.decided"
)

// EventTypes lists every type a complaint announces.
var EventTypes = []event.Type{EventFiled, EventResponded, EventEscalated, EventResolved, EventDecided}

func (c *Complaint) announce(id string, t event.Type, now time.Time, extra map[string]string) {
	loc, err := time.LoadLocation(c.timeZone)
	if err != nil {
		loc = time.UTC
	}
	data := map[string]string{
		"familyId":       c.familyID,
		"filedBy":        c.filedBy,
		"providerId":     c.providerID,
		"provider":       c.providerName,
		"subjectKind":    string(c.subject.Kind),
		"subjectId":      c.subject.ID,
		"category":       string(c.category),
		"status":         string(c.status),
		"respondBy":      c.respondBy.UTC().Format(time.RFC3339),
		"respondByLocal": c.respondBy.In(loc).Format("2006-01-02 15:04"),
	}
	maps.Copy(data, extra)
	e, err := event.New(id, t, event.Subject{Kind: "complaint", ID: c.id}, now, data)
	if err != nil {
		return // unreachable: id, type, subject and time are all set
	}
	c.Record(e)
}
