package meals

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/familyaccess"
	"github.com/kincare/kincare/app/throttle"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/meal"
)

// Cards keeps each elder's meal card, one document per elder.
type Cards interface {
	// Get returns meal.ErrCardNotFound for an elder without one.
	Get(ctx context.Context, elderID string) (meal.Card, error)
	// Issue stores the card next makes of the current one (nil: none).
	Issue(ctx context.Context, elderID string, next func(prev *meal.Card) (meal.Card, error)) (meal.Card, error)
	// Revoke withdraws the elder's card, if any.
	Revoke(ctx context.Context, elderID string) error
}

// CardPINLimits bound PIN guessing per card, every attempt counted
// (an elder eats at most three meals a day): 5 in a quarter of an hour,
// 10 a day. A 4-digit PIN then takes years to guess through the API; a
// lost card is replaced by the family at once.
var CardPINLimits = []throttle.Limit{{Count: 5, Per: 15 * time.Minute}, {Count: 10, Per: 24 * time.Hour}}

// IssueCard prints a new meal card for an elder without a phone, for a
// member of the elder's family (to anyone else the elder is not found):
// the PIN is the family's choice, 4 to 6 digits; the card replaces any
// earlier one, which stops working at once.
func (s *Service) IssueCard(ctx context.Context, a actor.Actor, elderID, pin string) (meal.Card, string, error) {
	e, err := s.familyElder(ctx, a, elderID)
	if err != nil {
		return meal.Card{}, "", err
	}
	if err := meal.CheckPIN(pin); err != nil {
		return meal.Card{}, "", err
	}
	c, err := s.d.Cards.Issue(ctx, e.ID, func(prev *meal.Card) (meal.Card, error) {
		return meal.NewCard(s.d.CodeKey, e.ID, e.FamilyID, prev, pin, a.UserID, s.d.Now())
	})
	if err != nil {
		return meal.Card{}, "", err
	}
	return c, c.Code(s.d.CodeKey), nil
}

// Card is the elder's card in force and its code, for the family to
// print again (never its PIN).
func (s *Service) Card(ctx context.Context, a actor.Actor, elderID string) (meal.Card, string, error) {
	e, err := s.familyElder(ctx, a, elderID)
	if err != nil {
		return meal.Card{}, "", err
	}
	c, err := s.d.Cards.Get(ctx, e.ID)
	if err != nil {
		return meal.Card{}, "", err
	}
	return c, c.Code(s.d.CodeKey), nil
}

func (s *Service) familyElder(ctx context.Context, a actor.Actor, elderID string) (elder.Elder, error) {
	if a.UserID == "" {
		return elder.Elder{}, fault.ErrUnauthenticated
	}
	e, err := s.d.Elders.Get(ctx, elderID)
	if err != nil {
		return elder.Elder{}, err
	}
	if _, err := familyaccess.OwnerOf(ctx, s.d.Families, a, e.FamilyID, elder.ErrNotFound); err != nil {
		return elder.Elder{}, err
	}
	return e, nil
}

// CardRedeemCommand is a counter's scan of a card, with the PIN typed,
// at a canteen.
type CardRedeemCommand struct {
	ProviderID string
	Card       string
	PIN        string
}

// RedeemCard hands over the elder's meal of today at a canteen on a
// card and its PIN, for the canteen's admins and office staff (to anyone
// else the canteen is not found, before a card is looked at: nobody else
// may even try a PIN). The card's signature is checked first (a forged
// card costs nothing); then the attempt is counted against the card's
// PIN budget (429 rate_limited when spent, by whichever counter), then
// the card must be the elder's card in force and the PIN its own. The
// meal is the elder's order of today at that canteen (404 when there is
// none); its hand-over is the same conditional write as a scanned
// code's, so a card and a phone code presented at once redeem it once.
func (s *Service) RedeemCard(ctx context.Context, a actor.Actor, cmd CardRedeemCommand) (*meal.Order, error) {
	if _, err := s.managed(ctx, a, cmd.ProviderID); err != nil {
		return nil, err
	}
	elderID, serial, err := meal.ReadCardCode(s.d.CodeKey, cmd.Card)
	if err != nil {
		return nil, err
	}
	if err := meal.CheckPIN(cmd.PIN); err != nil {
		return nil, err
	}
	if s.d.Limiter != nil {
		if err := throttle.Check(ctx, s.d.Limiter, "meal-card-pin:"+elderID, CardPINLimits...); err != nil {
			return nil, err
		}
	}
	c, err := s.d.Cards.Get(ctx, elderID)
	if fault.Is(err, meal.ErrCardNotFound) {
		return nil, meal.ErrCardReplaced // signed, so it was issued; the elder since deleted
	}
	if err != nil {
		return nil, err
	}
	if c.Serial != serial {
		return nil, meal.ErrCardReplaced.With(map[string]any{"issuedAt": c.IssuedAt.Format(time.RFC3339)})
	}
	if !c.PINMatches(s.d.CodeKey, cmd.PIN) {
		return nil, meal.ErrCardPINWrong
	}
	now := s.d.Now()
	today := calendar.Today(now, time.UTC)
	orders, err := s.d.Orders.OfElder(ctx, elderID, []string{today.AddDays(-1).String(), today.String(), today.AddDays(1).String()})
	if err != nil {
		return nil, err
	}
	mine := orders[:0]
	for _, o := range orders {
		if o.ProviderID == cmd.ProviderID {
			mine = append(mine, o)
		}
	}
	o, ok := meal.TodaysMeal(mine, now)
	if !ok {
		return nil, meal.ErrOrderNotFound
	}
	return s.handOverOf(ctx, o, a.UserID, func(o *meal.Order) error { return o.Serve(a.UserID, now) })
}
