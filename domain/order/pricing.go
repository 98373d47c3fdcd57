package order

import "github.com/kincare/kincare/domain/catalog"

// Pricing is what the order costs, in integer fen, as quoted on the
// item's price version: the order keeps it even when the menu changes.
type Pricing struct {
	MarketFen    int64
	InclusiveFen int64 // 普惠价 when it applies, else 0
	AllowanceFen int64 // drawn from the elder's allowances, refunded exactly once on cancellation
	// Allowances are the allowances drawn on and how much each pays; they
	// add up to AllowanceFen.
	Allowances []AllowanceDraw
	DueFen     int64 // what the family pays: the applicable price less the allowance
	// CancellationFeeFen is the provider's published fee for a family's
	// cancellation once a caregiver holds the order.
	CancellationFeeFen int64
}

// AllowanceDraw is what one allowance pays towards an order.
type AllowanceDraw struct {
	AllowanceID string
	// Account is the ledger account the draw is reserved in: the
	// allowance's period of the service date, so an order crossing a
	// month boundary draws from the month it starts in.
	Account string
	Fen     int64
	Hours   int // for free-hours allowances, the hours taken
}

// PriceFen is the price that applies: 普惠 when given, else market.
func (p Pricing) PriceFen() int64 {
	if p.InclusiveFen > 0 {
		return p.InclusiveFen
	}
	return p.MarketFen
}

func (p Pricing) check(v *validator) {
	if p.MarketFen <= 0 || p.MarketFen > catalog.MaxPriceFen {
		v.add("/pricing/marketFen", "range")
		return
	}
	if p.InclusiveFen < 0 || p.InclusiveFen > p.MarketFen {
		v.add("/pricing/inclusiveFen", "range")
		return
	}
	price := p.PriceFen()
	if p.AllowanceFen < 0 || p.AllowanceFen > price {
		v.add("/pricing/allowanceFen", "range")
	}
	var drawn int64
	for _, a := range p.Allowances {
		if a.AllowanceID == "" || a.Fen <= 0 {
			v.add("/pricing/allowances", "invalid")
		}
		drawn += a.Fen
	}
	if drawn != p.AllowanceFen {
		v.add("/pricing/allowances", "does_not_add_up")
	}
	// Money is exact (invariant 6): the parts must add up to the fen.
	if p.DueFen != price-p.AllowanceFen {
		v.add("/pricing/dueFen", "does_not_add_up")
	}
	if p.CancellationFeeFen < 0 || p.CancellationFeeFen > price {
		v.add("/pricing/cancellationFeeFen", "range")
	}
}
