package complaints

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/complaint"
)

// Respond is the provider's office answering. Another provider's staff
// do not find the complaint. After the deadline the answer is kept as
// late and the complaint stays with the regulator.
func (s *Service) Respond(ctx context.Context, a actor.Actor, id, text string) (View, error) {
	return s.act(ctx, a, id, func(c *complaint.Complaint, by complaint.Actor) error {
		return c.Respond(by, text, s.d.NewID(), s.d.Now())
	})
}
