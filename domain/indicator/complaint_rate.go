package indicator

// ComplaintRateMonths is how many months, the current one included, a
// provider's complaint rate looks back: facts count by month, so the
// window is whole months (about the 90 days of a provider's public
// complaint figures).
const ComplaintRateMonths = 3

// ComplaintRate is a provider's complaints and orders over the
// complaint-rate window: service orders placed and meals served. A meal
// counts once handed over, as the meals indicator counts it: a placed
// meal has announced nothing yet, so the read model holds it only after
// a rebuild, and the rate must not depend on whether one ran.
type ComplaintRate struct {
	Complaints int
	Orders     int
}

// PerHundred is complaints per 100 orders, the orders counted as at
// least one: a provider complained about without an order in the window
// (a daycare, a canteen's walk-ins) is not off the list for having
// nothing to divide by.
func (r ComplaintRate) PerHundred() float64 {
	return float64(r.Complaints) * 100 / float64(max(r.Orders, 1))
}

// ComplaintRates adds up, per provider, the complaints filed, the
// orders placed and the meals served in facts (each fact once, whatever months it was read
// for).
func ComplaintRates(facts []Fact) map[string]ComplaintRate {
	out := map[string]ComplaintRate{}
	seen := map[string]bool{}
	for _, f := range facts {
		if f.ProviderID == "" || seen[f.Key] {
			continue
		}
		seen[f.Key] = true
		r := out[f.ProviderID]
		switch f.Kind {
		case KindComplaint:
			r.Complaints++
		case KindOrder:
			r.Orders++
		case KindMeal:
			if !f.Served {
				continue
			}
			r.Orders++
		default:
			continue
		}
		out[f.ProviderID] = r
	}
	return out
}

// RateMonths are the months of the complaint-rate window ending with
// to, oldest first.
func RateMonths(to Month) []Month {
	out := make([]Month, ComplaintRateMonths)
	for i := range out {
		out[i] = to.Add(i - ComplaintRateMonths + 1)
	}
	return out
}
