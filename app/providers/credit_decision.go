package providers

import (
	"context"
	"errors"
	"time"

	"github.com/kincare/kincare/domain/provider"
)

// errLaterStanding skips a decision's credit change the provider's
// standing has overtaken.
var errLaterStanding = errors.New("providers: the credit standing was set after the decision")

// CreditFromDecision gives a provider the credit standing a regulator
// decided on a complaint, as SetCredit would (the location index follows
// at once), but without a caller: the regulator's authority was checked
// when the decision was taken, and the complaints' sweep repeats this
// after a crash. A standing set after decidedAt wins, so repeating it is
// harmless. src names the deciding official and the complaint, for the
// credit history.
func (s *Service) CreditFromDecision(ctx context.Context, providerID string, c provider.Credit, reason string,
	src provider.CreditSource, decidedAt time.Time) error {
	p, err := s.d.Providers.Update(ctx, providerID, func(p *provider.Provider) error {
		if p.CreditAt.After(decidedAt) {
			return errLaterStanding
		}
		return p.SetCredit(c, reason, src, s.d.NewID(), s.d.Now())
	})
	if errors.Is(err, errLaterStanding) {
		return nil
	}
	if err != nil {
		return err
	}
	return s.index(ctx, p)
}
