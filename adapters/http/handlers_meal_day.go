package http

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/meals"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/meal"
)

// The canteen's day: the kitchen's production list, the delivery list
// and the check-in with a meal at the door or the pick-up point.

type productionLineJSON struct {
	ItemID    string   `json:"itemId"`
	Name      string   `json:"name"`
	Count     int      `json:"count"`
	DietTags  []string `json:"dietTags"`
	Allergens []string `json:"allergens"`
}

type productionNoteJSON struct {
	MealOrderID string `json:"mealOrderId"`
	Note        string `json:"note"`
}

type productionJSON struct {
	ProviderID         string               `json:"providerId"`
	Date               string               `json:"date"`
	Window             string               `json:"window"`
	Meals              int                  `json:"meals"`
	Lines              []productionLineJSON `json:"lines"`
	ByMode             map[string]int       `json:"byMode"`
	ByPickupPoint      map[string]int       `json:"byPickupPoint"`
	DietNeeds          map[string]int       `json:"dietNeeds"`
	Allergens          map[string]int       `json:"allergens"`
	ConflictsConfirmed int                  `json:"conflictsConfirmed"`
	Notes              []productionNoteJSON `json:"notes"`
}

// dayWindow reads the path's date and window.
func dayWindow(c *fiber.Ctx) (calendar.Date, meal.WindowKind, error) {
	d, err := calendar.ParseDate(c.Params("date"))
	return d, meal.WindowKind(c.Params("window")), err
}

func (h mealHandlers) production(c *fiber.Ctx) error {
	d, w, err := dayWindow(c)
	if err != nil {
		return err
	}
	p, err := h.svc.Production(c.UserContext(), mustActor(c), c.Params("providerId"), d, w)
	if err != nil {
		return err
	}
	out := productionJSON{ProviderID: c.Params("providerId"), Date: d.String(), Window: string(w), Meals: p.Meals,
		Lines: []productionLineJSON{}, ByMode: map[string]int{}, ByPickupPoint: p.ByPickupPoint, DietNeeds: map[string]int{},
		Allergens: p.Allergens, ConflictsConfirmed: p.ConflictsConfirmed, Notes: []productionNoteJSON{}}
	for _, l := range p.Lines {
		line := productionLineJSON{ItemID: l.ItemID, Name: l.Name, Count: l.Count, DietTags: []string{},
			Allergens: append([]string{}, l.Allergens...)}
		for _, t := range l.DietTags {
			line.DietTags = append(line.DietTags, string(t))
		}
		out.Lines = append(out.Lines, line)
	}
	for m, n := range p.ByMode {
		out.ByMode[string(m)] = n
	}
	for t, n := range p.DietNeeds {
		out.DietNeeds[string(t)] = n
	}
	for _, n := range p.Notes {
		out.Notes = append(out.Notes, productionNoteJSON(n))
	}
	return c.JSON(out)
}

type dropJSON struct {
	MealOrderID string            `json:"mealOrderId"`
	ElderID     string            `json:"elderId"`
	ElderName   string            `json:"elderName"`
	Mode        string            `json:"mode"`
	Address     *addressJSON      `json:"address,omitempty"`
	Items       []orderedItemJSON `json:"items"`
	Note        string            `json:"note,omitempty"`
	Status      string            `json:"status"`
}

type stopJSON struct {
	Kind    string       `json:"kind"`
	ID      string       `json:"id"`
	Name    string       `json:"name"`
	Address *addressJSON `json:"address,omitempty"`
	Drops   []dropJSON   `json:"drops"`
}

// deliveries answers the day's list, never cached: it holds addresses.
func (h mealHandlers) deliveries(c *fiber.Ctx) error {
	d, w, err := dayWindow(c)
	if err != nil {
		return err
	}
	list, err := h.svc.Deliveries(c.UserContext(), mustActor(c), c.Params("providerId"), d, w)
	if err != nil {
		return err
	}
	stops := make([]stopJSON, 0, len(list.Stops))
	for _, s := range list.Stops {
		sj := stopJSON{Kind: s.Kind, ID: s.ID, Name: s.Name, Drops: make([]dropJSON, 0, len(s.Drops))}
		if s.Address != nil {
			a := toAddressJSON(*s.Address)
			sj.Address = &a
		}
		for _, dr := range s.Drops {
			o := dr.Order
			dj := dropJSON{MealOrderID: o.ID, ElderID: o.ElderID, ElderName: dr.ElderName, Mode: string(o.Mode),
				Items: []orderedItemJSON{}, Note: o.Note, Status: string(o.Status)}
			if o.Address != nil {
				a := toAddressJSON(*o.Address)
				dj.Address = &a
			}
			for _, it := range o.Items {
				dj.Items = append(dj.Items, orderedItemJSON(it))
			}
			sj.Drops = append(sj.Drops, dj)
		}
		stops = append(stops, sj)
	}
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.JSON(fiber.Map{"providerId": c.Params("providerId"), "date": list.Date.String(), "window": string(list.Window),
		"stops": stops})
}

// confirmDelivery is the delivery staff's check-in with a meal.
func (h mealHandlers) confirmDelivery(c *fiber.Ctx) error {
	var req struct {
		Lat        float64    `json:"lat"`
		Lng        float64    `json:"lng"`
		DeviceTime *time.Time `json:"deviceTime"`
		Reason     string     `json:"reason"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	r := meal.DeliveryReport{Point: geo.Point{Lat: req.Lat, Lng: req.Lng}, Reason: req.Reason}
	if req.DeviceTime != nil {
		r.DeviceTime = *req.DeviceTime
	}
	o, err := h.svc.ConfirmDelivery(c.UserContext(), mustActor(c), meals.DeliverCommand{MealOrderID: c.Params("mealOrderId"),
		Report: r})
	if err != nil {
		return err
	}
	return c.JSON(toMealOrder(o))
}
