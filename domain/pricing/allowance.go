package pricing

import (
	"slices"
	"strings"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/elder"
)

// allowancesFor spends the elder's allowances that cover the service on
// its day, until nothing is left to pay: free hours first (time is worth
// most to the elder when it is free), then money, each kind in a fixed
// order and by id, so a quote is reproducible. Each gives what its
// period has left (r.Remaining); the ledger reserves it exactly once
// when the order is placed.
func allowancesFor(r Request, day calendar.Date, unitFen int64, qty int, charged int64) ([]AllowanceUse, int64) {
	var covering []elder.Allowance
	for _, a := range r.Elder.Allowances {
		if a.CoversOn(r.Item.Type, day) {
			covering = append(covering, a)
		}
	}
	slices.SortFunc(covering, func(a, b elder.Allowance) int {
		if c := kindRank(a.Kind) - kindRank(b.Kind); c != 0 {
			return c
		}
		return strings.Compare(a.ID, b.ID)
	})
	left := charged
	var uses []AllowanceUse
	for _, a := range covering {
		if left == 0 {
			break
		}
		use := AllowanceUse{AllowanceID: a.ID, Kind: a.Kind}
		switch {
		case a.Kind == elder.FreeHours && r.Item.Unit == catalog.PerHour:
			use.Hours = max(0, min(int(remaining(r, a.ID, int64(a.MonthlyHours)*60)/60), qty))
			use.Fen = min(int64(use.Hours)*unitFen, left)
		case a.Kind == elder.FreeHours:
			continue // hours pay for hourly services only
		default:
			use.Fen = max(0, min(remaining(r, a.ID, a.MonthlyFen), left))
		}
		if use.Fen == 0 {
			continue
		}
		left -= use.Fen
		uses = append(uses, use)
	}
	return uses, charged - left
}

var kindOrder = []elder.AllowanceKind{elder.FreeHours, elder.LongTermCareInsurance, elder.CareSubsidy,
	elder.ServiceSubsidy, elder.OldAgeAllowance}

func kindRank(k elder.AllowanceKind) int {
	if i := slices.Index(kindOrder, k); i >= 0 {
		return i
	}
	return len(kindOrder)
}

// remaining is what allowance id has left, or its whole grant when no
// period account exists yet.
func remaining(r Request, id string, grant int64) int64 {
	if left, ok := r.Remaining[id]; ok {
		return left
	}
	return grant
}
