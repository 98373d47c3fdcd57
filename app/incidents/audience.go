package incidents

import (
	"context"
	"strconv"

	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/incident"
)

// Audiences says who hears of each incident event: a rung's call reaches
// the people that rung called; an acknowledgement and a resolution reach
// everyone called so far but the one who acted, so the others know they
// can stand down.
func (s *Service) Audiences() map[event.Type]notify.Audience {
	types := make(map[event.Type]bool, len(incident.EventTypes))
	for _, t := range incident.EventTypes {
		types[t] = true
	}
	return notify.OneAudience(types, s.hearersOf)
}

func (s *Service) hearersOf(ctx context.Context, e event.Event) ([]notify.Recipient, error) {
	i, err := s.d.Incidents.Get(ctx, e.Subject.ID)
	if fault.Is(err, incident.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var out notify.Hearers
	switch e.Type {
	case incident.EventRaised, incident.EventEscalated, incident.EventOperatorCall:
		rung, _ := strconv.Atoi(e.Data["rung"])
		out.Add(i.RespondersOn(rung)...)
	default:
		for _, id := range i.Called() {
			if id != e.Data["by"] {
				out.Add(id)
			}
		}
	}
	return out.Recipients(), nil
}
