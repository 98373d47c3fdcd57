package complaints

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/complaint"
)

// Escalate is the family taking the complaint to the regulator: not
// satisfied with the answer, or not answered by the deadline.
func (s *Service) Escalate(ctx context.Context, a actor.Actor, id, reason string) (View, error) {
	return s.act(ctx, a, id, func(c *complaint.Complaint, by complaint.Actor) error {
		return c.Escalate(by, reason, s.d.NewID(), s.d.Now())
	})
}
