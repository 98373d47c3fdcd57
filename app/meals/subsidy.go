package meals

import (
	"context"
	"errors"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/allowances"
	appledger "github.com/kincare/kincare/app/ledger"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/ledger"
	"github.com/kincare/kincare/domain/meal"
	"github.com/kincare/kincare/domain/region"
)

// SetRules records a region's meal subsidy rules: its regulators (and
// the platform's admins) decide them, never the canteens that claim
// them; a regulator those of regions within theirs only (403
// region_not_supervised elsewhere). Orders placed from then on are
// subsidised by them.
func (s *Service) SetRules(ctx context.Context, a actor.Actor, r meal.Rules) (meal.Rules, error) {
	if err := a.Require(identity.RoleRegulator, identity.RolePlatformAdmin); err != nil {
		return meal.Rules{}, err
	}
	r.SetBy, r.SetAt = a.UserID, s.d.Now().UTC()
	r, err := r.Validate()
	if err != nil {
		return meal.Rules{}, err
	}
	if !a.Oversees(r.RegionCode) {
		return meal.Rules{}, region.ErrNotSupervised
	}
	if err := s.d.Rules.Put(ctx, r); err != nil {
		return meal.Rules{}, err
	}
	s.d.Officials.Record(ctx, a, audit.SetMealSubsidy, "region", r.RegionCode, r.RegionCode, r.Document)
	return r, nil
}

// Rules are a region's rules: published policy, for anyone signed in.
func (s *Service) Rules(ctx context.Context, a actor.Actor, region string) (meal.Rules, error) {
	if a.UserID == "" {
		return meal.Rules{}, fault.ErrUnauthenticated
	}
	return s.d.Rules.Get(ctx, region)
}

// mealRef is what a meal order's ledger entries are for.
func mealRef(orderID string) string { return "meal:" + orderID }

// capAccountPrefix names the accounts that count a month's subsidy of
// one elder under one region's rule against its monthly cap.
const capAccountPrefix = "mealcap:"

// drawSubsidy reserves the meal's subsidy: the region's best rule for
// the elder's categories pays its per-meal amount (never more than the
// meal's price), from the elder's meal allowance, within the rule's
// monthly cap. Both limits are ledger accounts — the allowance's month
// and a cap account per elder, region and month — each reserved under
// the order's ref, so concurrent orders of one elder never exceed
// either and a retry reserves nothing twice. What either has left
// bounds the draw; an elder with nothing left, no allowance or no
// category pays the whole price.
func (s *Service) drawSubsidy(ctx context.Context, a actor.Actor, o *meal.Order, e elder.Elder, c meal.Canteen) (*meal.SubsidyDraw, error) {
	rules, err := s.d.Rules.Get(ctx, c.RegionCode)
	if fault.Is(err, meal.ErrRulesNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	rule, ok := rules.For(meal.CategoriesOf(e, o.Date))
	if !ok {
		return nil, nil
	}
	al, ok := meal.MealAllowance(e, o.Date)
	if !ok {
		return nil, nil
	}
	alOpen := allowances.Opening(e, al, o.Start)
	capOpen := capOpening(e.ID, c.RegionCode, rule, o.Start, c.Zone())
	fen := min(rule.PerMealFen, o.PriceFen)
	for _, open := range []ledger.Opening{capOpen, alOpen} {
		acc, err := s.d.Ledger.Balance(ctx, open)
		if err != nil {
			return nil, err
		}
		if h, held := acc.HoldOf(mealRef(o.ID)); held {
			fen = min(fen, h.Amount) // a retry: what was reserved
		} else {
			fen = min(fen, acc.Available())
		}
	}
	if fen <= 0 {
		return nil, nil
	}
	month := ledger.Month(o.Start, c.Zone()).Key
	post := ledger.Posting{Ref: mealRef(o.ID), Amount: fen, Party: o.ProviderID, Month: month, By: a.UserID}
	if _, err := s.d.Ledger.Reserve(ctx, capOpen, post); err != nil {
		return nil, ignoreShort(err)
	}
	if _, err := s.d.Ledger.Reserve(ctx, alOpen, post); err != nil {
		// Another order took the rest first: give the cap back.
		return nil, errors.Join(ignoreShort(err), s.release(ctx, capOpen.ID, o.ID, a.UserID))
	}
	return &meal.SubsidyDraw{Category: rule.Category, AllowanceID: al.ID, Account: alOpen.ID, CapAccount: capOpen.ID,
		Fen: fen}, nil
}

// capOpening is the account counting an elder's subsidy in a region in
// the month of t (the canteen's zone) against the rule's cap.
func capOpening(elderID, region string, r meal.Rule, t time.Time, loc *time.Location) ledger.Opening {
	p := ledger.Month(t, loc)
	return ledger.Opening{ID: capAccountPrefix + elderID + ":" + region + ":" + p.Key, Holder: elderID,
		Source: "meal_subsidy:" + region, Unit: ledger.Fen, Period: p, Amount: r.MonthlyCapFen}
}

// ignoreShort turns an account with too little left into no subsidy.
func ignoreShort(err error) error {
	if fault.Is(err, ledger.ErrInsufficient) {
		return nil
	}
	return err
}

// releaseSubsidy gives back what an order reserved, exactly once
// however often it is called.
func (s *Service) releaseSubsidy(ctx context.Context, o *meal.Order, by string) error {
	if o.Subsidy == nil {
		return nil
	}
	return errors.Join(s.release(ctx, o.Subsidy.Account, o.ID, by), s.release(ctx, o.Subsidy.CapAccount, o.ID, by))
}

func (s *Service) release(ctx context.Context, account, orderID, by string) error {
	_, err := s.d.Ledger.Release(ctx, ledger.Opening{ID: account}, mealRef(orderID), by)
	if err == nil || fault.Is(err, ledger.ErrNotHeld) || fault.Is(err, appledger.ErrAccountNotFound) {
		return nil
	}
	return err
}
