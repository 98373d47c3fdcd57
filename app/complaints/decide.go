package complaints

import (
	"context"
	"errors"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/complaint"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/provider"
)

// Decide is a regulator's finding on an escalated complaint, and the
// provider's new credit standing if the regulator gives one. The finding
// is written first, with the credit change pending on it; then the
// provider gets the standing; then the complaint notes that it has. A
// crash between leaves the change pending, and Sweep applies it — unless
// the provider's standing was set after the decision, which then wins.
func (s *Service) Decide(ctx context.Context, a actor.Actor, id string, in complaint.DecisionInput) (View, error) {
	if err := a.Require(identity.RoleRegulator); err != nil {
		return View{}, err
	}
	v, err := s.act(ctx, a, id, func(c *complaint.Complaint, by complaint.Actor) error {
		return c.Decide(by, in, s.d.NewID(), s.d.Now())
	})
	if err != nil {
		return View{}, err
	}
	detail := string(in.Outcome)
	if in.Credit != "" {
		detail += ", credit " + string(in.Credit)
	}
	s.d.Officials.Record(ctx, a, audit.DecideComplaint, "complaint", id, v.Complaint.RegionCode(), detail)
	if d, _ := v.Complaint.Decision(); d.CreditPending {
		// The finding stands whatever happens next; the answer shows the
		// change still pending if it could not be written now.
		c, err := s.applyCredit(context.WithoutCancel(ctx), id)
		if err != nil {
			s.d.Log.WarnContext(ctx, "complaint decided; its credit change waits for the sweep", "complaint_id", id,
				"err", err)
			return v, nil
		}
		v.Complaint = c
	}
	return v, nil
}

// applyCredit writes a decided complaint's credit change to its provider
// and notes on the complaint that it did.
func (s *Service) applyCredit(ctx context.Context, id string) (*complaint.Complaint, error) {
	c, err := s.d.Complaints.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	d, ok := c.Decision()
	if !ok || !d.CreditPending {
		return c, nil
	}
	src := provider.CreditSource{By: d.By, ComplaintID: c.ID()}
	if err := s.d.Credit.CreditFromDecision(ctx, c.ProviderID(), d.Credit, c.CreditReason(), src, d.At); err != nil {
		return nil, err
	}
	c, err = s.d.Complaints.Update(ctx, id, func(c *complaint.Complaint) error {
		if !c.CreditApplied() {
			return errNothingPending
		}
		return nil
	})
	if errors.Is(err, errNothingPending) {
		return s.d.Complaints.Get(ctx, id)
	}
	return c, err
}

// errNothingPending skips the write when another replica noted it first.
var errNothingPending = errors.New("complaints: no credit change pending")
