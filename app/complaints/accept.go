package complaints

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/complaint"
)

// Accept is the family settling for the provider's answer: resolved.
func (s *Service) Accept(ctx context.Context, a actor.Actor, id string) (View, error) {
	return s.act(ctx, a, id, func(c *complaint.Complaint, by complaint.Actor) error {
		return c.Accept(by, s.d.NewID(), s.d.Now())
	})
}
