package order

import (
	"time"

	"github.com/kincare/kincare/domain/event"
)

// Events an order announces, one per state change. Their data carries
// ids, the service type and the window, never phone numbers or the
// address: a push passes through Google's servers and sits on lock
// screens.
const (
	EventCreated             event.Type = "order.created"
	EventDispatched          event.Type = "order.dispatched"
	EventOffered             event.Type = "order.offered"
	EventDeclined            event.Type = "order.declined"
	EventAssigned            event.Type = "order.assigned"
	EventAccepted            event.Type = "order.accepted"
	EventEnRoute             event.Type = "order.en_route"
	EventArrived             event.Type = "order.arrived"
	EventServiceBegan        event.Type = "order.service_began"
	EventCompleted           event.Type = "order.completed"
	EventConfirmed           event.Type = "order.confirmed"
	EventCancelledByFamily   event.Type = "order.cancelled_by_family"
	EventCancelledByProvider event.Type = "order.cancelled_by_provider"
	EventRedispatched        event.Type = "order.redispatched"
	EventNoShowCaregiver     event.Type = "order.no_show_caregiver"
	EventNoShowRecipient     event.Type = "order.no_show_recipient"
	EventExpired             event.Type = "order.expired"
	// EventHandedBack is an order taken back from a caregiver who left
	// the provider's staff before checking in: it needs dispatching again.
	EventHandedBack event.Type = "order.handed_back"
	// EventCaregiverLeft is a visit under way whose caregiver left the
	// provider's staff: the office must resolve it.
	EventCaregiverLeft event.Type = "order.caregiver_left"
	// A rating changes no status; a low one also asks its giver whether
	// to complain.
	EventRated              event.Type = "order.rated"
	EventComplaintSuggested event.Type = "order.complaint_suggested"
)

// EventTypes lists every type an order announces, for the notification
// catalog's completeness test.
var EventTypes = []event.Type{EventCreated, EventDispatched, EventOffered, EventDeclined, EventAssigned,
	EventAccepted, EventEnRoute, EventArrived, EventServiceBegan, EventCompleted, EventConfirmed,
	EventCancelledByFamily, EventCancelledByProvider, EventRedispatched, EventNoShowCaregiver,
	EventNoShowRecipient, EventExpired, EventHandedBack, EventCaregiverLeft, EventRated, EventComplaintSuggested}

// Urgent reports whether t must reach people now, through quiet hours
// and switched-off categories (the issue names them): the caregiver is
// at the door, and the provider called off the visit — whether it ended
// the order or took the caregiver off it to dispatch again, a family
// expecting someone must know at once, and so must a caregiver who may
// already be on the road; and a caregiver who left the staff took with
// them a visit someone now has to cover or resolve.
func Urgent(t event.Type) bool {
	switch t {
	case EventArrived, EventCancelledByProvider, EventRedispatched, EventHandedBack, EventCaregiverLeft:
		return true
	}
	return false
}

// announce records an event about this order carrying what every
// recipient needs to find and describe it, plus extra. Its arguments were
// checked by move, so event.New cannot refuse them.
func (o *Order) announce(id string, t event.Type, now time.Time, extra map[string]string) {
	start := o.window.Start
	data := map[string]string{
		"providerId":       o.providerID,
		"elderId":          o.elderID,
		"familyId":         o.familyID,
		"orderedBy":        o.orderedBy,
		"serviceType":      string(o.serviceType),
		"status":           string(o.status),
		"windowStart":      start.UTC().Format(time.RFC3339),
		"windowEnd":        o.window.End.UTC().Format(time.RFC3339),
		"windowStartLocal": start.In(o.window.Location()).Format("2006-01-02 15:04"),
		"timeZone":         o.window.TimeZone,
	}
	if o.caregiverID != "" {
		data["caregiverId"] = o.caregiverID
	}
	for k, v := range extra {
		if v != "" {
			data[k] = v
		}
	}
	e, err := event.New(id, t, event.Subject{Kind: "order", ID: o.id}, now, data)
	if err != nil {
		return // unreachable: id, type, subject and time are all set
	}
	o.Record(e)
}
