package orders

import (
	"context"
	"errors"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/order"
	"github.com/kincare/kincare/domain/provider"
)

// RateCommand is a family's rating of a visit.
type RateCommand struct {
	Stars int
	Tags  []string
	Text  string
}

// Rated is the rating as kept, and whether the family is asked to
// complain (a low rating).
type Rated struct {
	OrderID          string
	Rating           order.Rating
	SuggestComplaint bool
}

// Rate records a family member's rating of a completed visit: once per
// order, within 14 days of check-out. The rating lives on the order and
// is written by the order's one conditional write, with its events, so
// two submissions at once make one rating and the other is refused as
// order_already_rated. Then it is counted on the provider's document, for
// the provider and the caregiver (countRating); a crash between the two
// writes leaves the order rated and uncounted, which the recount repairs.
func (s *Service) Rate(ctx context.Context, a actor.Actor, id string, cmd RateCommand) (Rated, error) {
	in := order.RatingInput{Stars: cmd.Stars, Text: cmd.Text}
	for _, t := range cmd.Tags {
		in.Tags = append(in.Tags, order.Tag(t))
	}
	var r order.Rating
	o, err := s.act(ctx, a, id, func(o *order.Order, by order.Actor, eid string, now time.Time) error {
		var err error
		r, err = o.Rate(by, in, eid, now)
		return err
	})
	if err != nil {
		return Rated{}, err
	}
	// The rating is kept whatever happens next: counting it must not be
	// cut short by a client that hangs up, nor fail the request.
	if err := s.countRating(context.WithoutCancel(ctx), o.ProviderID(), o.CaregiverID(), o.ID(), r.Stars); err != nil {
		s.d.Log.WarnContext(ctx, "rating kept but not yet counted; the recount will", "order_id", o.ID(), "err", err)
	}
	return Rated{OrderID: o.ID(), Rating: r, SuggestComplaint: r.Low()}, nil
}

// errCounted skips the write of a rating counted already.
var errCounted = errors.New("orders: rating counted already")

// countRating adds one rating to the provider's and the caregiver's
// totals, keyed by the order so that counting it again is a no-op.
func (s *Service) countRating(ctx context.Context, providerID, caregiverID, orderID string, stars int) error {
	_, err := s.d.Providers.Update(ctx, providerID, func(p *provider.Provider) error {
		if !p.CountRating(orderID, caregiverID, stars) {
			return errCounted
		}
		return nil
	})
	if errors.Is(err, errCounted) {
		return nil
	}
	return err
}
