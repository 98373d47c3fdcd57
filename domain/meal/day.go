package meal

import (
	"cmp"
	"slices"

	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/geo"
)

// The canteen's day: for one window on one day, what the kitchen cooks
// (the production list) and where the meals go (the delivery list).
// Cancelled orders are in neither.

// ProductionLine is one item of the menu and how many meals hold it.
type ProductionLine struct {
	ItemID    string
	Name      string
	Count     int
	DietTags  []elder.DietTag
	Allergens []string
}

// ProductionNote is an order's note to the kitchen ("少放辣").
type ProductionNote struct {
	MealOrderID string
	Note        string
}

// Production is the kitchen's list: meals by item; meals by how they
// leave (eaten in, to each pick-up point, delivered); how many meals are
// for elders with each diet need; how many meals hold each allergen; how
// many were ordered knowingly against the elder's diet; and the notes.
type Production struct {
	Meals              int
	Lines              []ProductionLine
	ByMode             map[Mode]int
	ByPickupPoint      map[string]int
	DietNeeds          map[elder.DietTag]int
	Allergens          map[string]int
	ConflictsConfirmed int
	Notes              []ProductionNote
}

// ProductionOf counts the window's orders against its menu (the zero
// Menu when none is published any more: lines then come from the
// orders alone).
func ProductionOf(orders []*Order, m Menu) Production {
	p := Production{ByMode: map[Mode]int{}, ByPickupPoint: map[string]int{}, DietNeeds: map[elder.DietTag]int{},
		Allergens: map[string]int{}}
	lines := map[string]*ProductionLine{}
	for _, it := range m.Items {
		lines[it.ID] = &ProductionLine{ItemID: it.ID, Name: it.Name, DietTags: slices.Clone(it.DietTags),
			Allergens: slices.Clone(it.Allergens)}
	}
	for _, o := range orders {
		if o.Status == Cancelled {
			continue
		}
		p.Meals++
		p.ByMode[o.Mode]++
		if o.Mode == Pickup {
			p.ByPickupPoint[o.PickupPointID]++
		}
		for _, t := range o.DietTags {
			p.DietNeeds[t]++
		}
		if o.ConflictsConfirmed {
			p.ConflictsConfirmed++
		}
		if o.Note != "" {
			p.Notes = append(p.Notes, ProductionNote{MealOrderID: o.ID, Note: o.Note})
		}
		allergens := map[string]bool{}
		for _, it := range o.Items {
			l, ok := lines[it.ID]
			if !ok {
				l = &ProductionLine{ItemID: it.ID, Name: it.Name}
				lines[it.ID] = l
			}
			l.Count++
			for _, a := range l.Allergens {
				allergens[a] = true
			}
		}
		for a := range allergens {
			p.Allergens[a]++
		}
	}
	for _, l := range lines {
		if l.Count > 0 {
			p.Lines = append(p.Lines, *l)
		}
	}
	slices.SortFunc(p.Lines, func(a, b ProductionLine) int {
		return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.ItemID, b.ItemID))
	})
	return p
}

// Drop is one meal to hand over on a round: the order, the elder's name
// and, for a delivery, where to.
type Drop struct {
	Order     *Order
	ElderName string
}

// Stop is a place meals go to: a pick-up point with its drops, or a
// route of home deliveries (the drops of one street, nearest first).
type Stop struct {
	Kind    string // "pickup_point" or "route"
	ID      string // the pick-up point's id, or the route's name
	Name    string
	Address *geo.Address // the pick-up point's
	Drops   []Drop
}

// Stop kinds.
const (
	StopPickupPoint = "pickup_point"
	StopRoute       = "route"
)

// DeliveriesOf groups the window's meals that leave the canteen: one
// stop per pick-up point (in the canteen's order), then home deliveries
// by route — the street of the address, streets ordered by their nearest
// drop from the canteen, drops nearest first. names gives each elder's
// name by id.
func DeliveriesOf(orders []*Order, c Canteen, names map[string]string) []Stop {
	var stops []Stop
	points := map[string]int{}
	for _, pp := range c.PickupPoints {
		addr := pp.Address
		points[pp.ID] = len(stops)
		stops = append(stops, Stop{Kind: StopPickupPoint, ID: pp.ID, Name: pp.Name, Address: &addr})
	}
	routes := map[string]*Stop{}
	for _, o := range orders {
		if o.Status == Cancelled || o.Mode == DineIn {
			continue
		}
		d := Drop{Order: o, ElderName: names[o.ElderID]}
		if o.Mode == Pickup {
			if i, ok := points[o.PickupPointID]; ok {
				stops[i].Drops = append(stops[i].Drops, d)
			}
			continue
		}
		if o.Address == nil {
			continue
		}
		street := o.Address.District + o.Address.Street
		r, ok := routes[street]
		if !ok {
			r = &Stop{Kind: StopRoute, ID: street, Name: street}
			routes[street] = r
		}
		r.Drops = append(r.Drops, d)
	}
	kept := stops[:0]
	for _, s := range stops {
		if len(s.Drops) > 0 {
			kept = append(kept, s)
		}
	}
	far := func(d Drop) float64 { return geo.Distance(c.Location, d.Order.Address.Location) }
	var rs []Stop
	for _, r := range routes {
		slices.SortFunc(r.Drops, func(a, b Drop) int { return cmp.Or(cmp.Compare(far(a), far(b)), cmp.Compare(a.Order.ID, b.Order.ID)) })
		rs = append(rs, *r)
	}
	slices.SortFunc(rs, func(a, b Stop) int {
		return cmp.Or(cmp.Compare(far(a.Drops[0]), far(b.Drops[0])), cmp.Compare(a.ID, b.ID))
	})
	return append(kept, rs...)
}
