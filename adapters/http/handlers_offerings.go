package http

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/childcare"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/reservation"
)

// reservationHandlers serve childcare offerings and the reservation
// engine under them: slots, holds, bookings and waitlists (this file and
// handlers_bookings.go).
type reservationHandlers struct{ svc *reservations.Service }

type agesJSON struct {
	MinMonths int `json:"minMonths"`
	MaxMonths int `json:"maxMonths"`
}

type sessionJSON struct {
	Start string `json:"start"`
	End   string `json:"end"`
}

type scheduleJSON struct {
	Weekdays []int         `json:"weekdays"`
	Sessions []sessionJSON `json:"sessions"`
}

type offeringRequest struct {
	Names           namesJSON    `json:"names"`
	CareType        string       `json:"careType"`
	Ages            agesJSON     `json:"ages"`
	Capacity        int          `json:"capacity"`
	InclusiveQuota  int          `json:"inclusiveQuota"`
	Price           priceRequest `json:"price"`
	Schedule        scheduleJSON `json:"schedule"`
	HoldTTLMinutes  int          `json:"holdTtlMinutes"`
	MaxHoldsPerUser int          `json:"maxHoldsPerUser"`
}

// offering is the request as the domain has it; zero hold settings take
// the domain's defaults.
func (r offeringRequest) offering() childcare.Offering {
	o := childcare.Offering{Names: catalog.Names{ZhCN: r.Names.ZhCN, En: r.Names.En},
		CareType: childcare.CareType(r.CareType), Ages: childcare.AgeRange{MinMonths: r.Ages.MinMonths, MaxMonths: r.Ages.MaxMonths},
		Capacity: reservation.Capacity{Total: r.Capacity, InclusiveQuota: r.InclusiveQuota},
		Price:    r.Price.price(), Schedule: childcare.Schedule{Weekdays: r.Schedule.Weekdays},
		HoldTTL: time.Duration(r.HoldTTLMinutes) * time.Minute, MaxHoldsPerUser: r.MaxHoldsPerUser}
	for _, s := range r.Schedule.Sessions {
		o.Schedule.Sessions = append(o.Schedule.Sessions, childcare.Session{Start: s.Start, End: s.End})
	}
	return o
}

type offeringJSON struct {
	ID              string        `json:"id"`
	ProviderID      string        `json:"providerId"`
	Names           namesJSON     `json:"names"`
	CareType        string        `json:"careType"`
	Ages            agesJSON      `json:"ages"`
	Capacity        int           `json:"capacity"`
	InclusiveQuota  int           `json:"inclusiveQuota"`
	Price           priceJSON     `json:"price"`
	Schedule        *scheduleJSON `json:"schedule,omitempty"`
	HoldTTLMinutes  int           `json:"holdTtlMinutes"`
	MaxHoldsPerUser int           `json:"maxHoldsPerUser"`
	Active          bool          `json:"active"`
	CreatedAt       time.Time     `json:"createdAt"`
}

func toOffering(o childcare.Offering) offeringJSON {
	out := offeringJSON{ID: o.ID, ProviderID: o.ProviderID, Names: toNames(o.Names), CareType: string(o.CareType),
		Ages:     agesJSON{MinMonths: o.Ages.MinMonths, MaxMonths: o.Ages.MaxMonths},
		Capacity: o.Capacity.Total, InclusiveQuota: o.Capacity.InclusiveQuota, Price: toPrice(o.Price),
		HoldTTLMinutes: int(o.HoldTTL / time.Minute), MaxHoldsPerUser: o.MaxHoldsPerUser, Active: o.Active,
		CreatedAt: o.CreatedAt.UTC()}
	if len(o.Schedule.Weekdays) > 0 || len(o.Schedule.Sessions) > 0 {
		s := &scheduleJSON{Weekdays: o.Schedule.Weekdays, Sessions: make([]sessionJSON, len(o.Schedule.Sessions))}
		for i, ss := range o.Schedule.Sessions {
			s.Sessions[i] = sessionJSON{Start: ss.Start, End: ss.End}
		}
		out.Schedule = s
	}
	return out
}

type tiersJSON struct {
	Market    int `json:"market"`
	Inclusive int `json:"inclusive"`
}

// slotCountsJSON is what a slot has left, waiting and confirmed. It is
// shown to everyone who may see the slot: counts are not personal data,
// and the service does not say whether the caller manages the provider.
type slotCountsJSON struct {
	Remaining      tiersJSON `json:"remaining"`
	Waiting        tiersJSON `json:"waiting"`
	Confirmed      tiersJSON `json:"confirmed"`
	WaitlistLength int       `json:"waitlistLength"`
}

type slotPricesJSON struct {
	MarketFen    int64 `json:"marketFen"`
	InclusiveFen int64 `json:"inclusiveFen"`
}

// slotJSON is a slot in every answer that shows one. Counts are absent
// where the engine was not asked (slots just opened); prices where the
// offering was not at hand.
type slotJSON struct {
	SlotID         string     `json:"slotId"`
	OfferingID     string     `json:"offeringId"`
	ProviderID     string     `json:"providerId"`
	Window         windowJSON `json:"window"`
	Capacity       int        `json:"capacity"`
	InclusiveQuota int        `json:"inclusiveQuota"`
	HoldsCloseAt   time.Time  `json:"holdsCloseAt"`
	*slotCountsJSON
	Prices *slotPricesJSON `json:"prices,omitempty"`
}

func toWindow(w reservation.Window) windowJSON {
	return windowJSON{Start: w.Start.UTC(), End: w.End.UTC(), TimeZone: w.TimeZone}
}

func toSlot(sl *reservation.Slot) slotJSON {
	c := sl.Capacity()
	return slotJSON{SlotID: sl.ID(), OfferingID: sl.Resource().ID, ProviderID: sl.ProviderID(), Window: toWindow(sl.Window()),
		Capacity: c.Total, InclusiveQuota: c.InclusiveQuota, HoldsCloseAt: sl.Rules().HoldsCloseAt.UTC()}
}

// toSlotAvailability adds the counts; waiting and confirmed are the
// slot document's (the truth), remaining the engine's.
func toSlotAvailability(sa reservations.SlotAvailability) slotJSON {
	out, sl := toSlot(sa.Slot), sa.Slot
	m, inc := sl.Waiting(reservation.Market), sl.Waiting(reservation.Inclusive)
	out.slotCountsJSON = &slotCountsJSON{
		Remaining:      tiersJSON{Market: sa.Remaining.Market, Inclusive: sa.Remaining.Inclusive},
		Waiting:        tiersJSON{Market: m, Inclusive: inc},
		Confirmed:      tiersJSON{Market: sl.Confirmed(reservation.Market), Inclusive: sl.Confirmed(reservation.Inclusive)},
		WaitlistLength: m + inc}
	return out
}

func (h reservationHandlers) createOffering(c *fiber.Ctx) error {
	var req offeringRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	o, err := h.svc.CreateOffering(c.UserContext(), mustActor(c), c.Params("providerId"), req.offering())
	if err != nil {
		return err
	}
	c.Location("/v1/offerings/" + o.ID)
	return c.Status(fiber.StatusCreated).JSON(toOffering(o))
}

func (h reservationHandlers) getOffering(c *fiber.Ctx) error {
	o, err := h.svc.GetOffering(c.UserContext(), mustActor(c), c.Params("offeringId"))
	if err != nil {
		return err
	}
	return c.JSON(toOffering(o))
}

func (h reservationHandlers) listOfferings(c *fiber.Ctx) error {
	p, err := pageOf(c)
	if err != nil {
		return err
	}
	offs, more, err := h.svc.ListOfferings(c.UserContext(), mustActor(c), c.Params("providerId"), p)
	if err != nil {
		return err
	}
	out := items[offeringJSON]{Items: make([]offeringJSON, len(offs))}
	for i, o := range offs {
		out.Items[i] = toOffering(o)
	}
	if len(offs) > 0 {
		out.NextCursor = page.Cursor(offs[len(offs)-1].ID, more)
	}
	return c.JSON(out)
}

// dateField reads a day the contract has checked for shape; the calendar
// still refuses days that do not exist (2026-02-30).
func dateField(field, s string) (calendar.Date, error) {
	d, err := calendar.ParseDate(s)
	if err != nil {
		return d, calendar.ErrDateInvalid.WithFields(fault.FieldError{Field: field, Code: "date_invalid"})
	}
	return d, nil
}

func (h reservationHandlers) openSlots(c *fiber.Ctx) error {
	var req struct {
		From string `json:"from"`
		To   string `json:"to"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	from, err := dateField("/from", req.From)
	if err != nil {
		return err
	}
	to, err := dateField("/to", req.To)
	if err != nil {
		return err
	}
	opened, err := h.svc.OpenSlots(c.UserContext(), mustActor(c),
		reservations.OpenCommand{OfferingID: c.Params("offeringId"), From: from, To: to})
	if err != nil {
		return err
	}
	out := struct {
		Created int        `json:"created"`
		Items   []slotJSON `json:"items"`
	}{Created: opened.Created, Items: make([]slotJSON, len(opened.Slots))}
	for i, sl := range opened.Slots {
		out.Items[i] = toSlot(sl)
	}
	return c.JSON(out)
}

// instantParam reads a required date-time query parameter.
func instantParam(c *fiber.Ctx, name string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339, c.Query(name))
	if err != nil {
		return t, errInvalidParameter.WithFields(fault.FieldError{Field: "query." + name, Code: "format"})
	}
	return t, nil
}

func (h reservationHandlers) availability(c *fiber.Ctx) error {
	from, err := instantParam(c, "from")
	if err != nil {
		return err
	}
	to, err := instantParam(c, "to")
	if err != nil {
		return err
	}
	p, err := pageOf(c)
	if err != nil {
		return err
	}
	av, err := h.svc.Availability(c.UserContext(), mustActor(c), c.Params("offeringId"), from, to, p)
	if err != nil {
		return err
	}
	prices := &slotPricesJSON{MarketFen: av.Offering.Price.MarketFen, InclusiveFen: av.Offering.Price.InclusiveFen}
	out := struct {
		OfferingID string     `json:"offeringId"`
		Items      []slotJSON `json:"items"`
		NextCursor string     `json:"nextCursor,omitempty"`
	}{OfferingID: av.Offering.ID, Items: make([]slotJSON, len(av.Slots))}
	for i, sa := range av.Slots {
		out.Items[i] = toSlotAvailability(sa)
		out.Items[i].Prices = prices
	}
	if len(av.Slots) > 0 {
		out.NextCursor = page.Cursor(av.Slots[len(av.Slots)-1].Slot.ID(), av.More)
	}
	return c.JSON(out)
}

func (h reservationHandlers) getSlot(c *fiber.Ctx) error {
	sa, err := h.svc.GetSlot(c.UserContext(), mustActor(c), c.Params("slotId"))
	if err != nil {
		return err
	}
	return c.JSON(toSlotAvailability(sa))
}

// updateSlotCapacity answers the slot as getSlot does.
func (h reservationHandlers) updateSlotCapacity(c *fiber.Ctx) error {
	var req struct {
		Capacity       int `json:"capacity"`
		InclusiveQuota int `json:"inclusiveQuota"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	sa, err := h.svc.SetCapacity(c.UserContext(), mustActor(c), c.Params("slotId"),
		reservation.Capacity{Total: req.Capacity, InclusiveQuota: req.InclusiveQuota})
	if err != nil {
		return err
	}
	return c.JSON(toSlotAvailability(sa))
}
