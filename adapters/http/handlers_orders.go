package http

import (
	"errors"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/orders"
	"github.com/kincare/kincare/domain/order"
)

type orderHandlers struct{ svc *orders.Service }

type orderRequest struct {
	ElderID      string `json:"elderId"`
	ProviderID   string `json:"providerId"`
	ItemID       string `json:"itemId"`
	PriceVersion int    `json:"priceVersion"`
	Window       struct {
		Start time.Time `json:"start"`
		End   time.Time `json:"end"`
	} `json:"window"`
	Quantity int    `json:"quantity"`
	Notes    string `json:"notes"`
	DueFen   *int64 `json:"dueFen"`
}

type orderPricingJSON struct {
	MarketFen          int64 `json:"marketFen"`
	InclusiveFen       int64 `json:"inclusiveFen,omitempty"`
	AllowanceFen       int64 `json:"allowanceFen"`
	DueFen             int64 `json:"dueFen"`
	CancellationFeeFen int64 `json:"cancellationFeeFen,omitempty"`
}

type windowJSON struct {
	Start    time.Time `json:"start"`
	End      time.Time `json:"end"`
	TimeZone string    `json:"timeZone"`
}

type offerJSON struct {
	CaregiverID string     `json:"caregiverId"`
	OfferedAt   time.Time  `json:"offeredAt"`
	ExpiresAt   time.Time  `json:"expiresAt"`
	AcceptedAt  *time.Time `json:"acceptedAt,omitempty"`
	DeclinedAt  *time.Time `json:"declinedAt,omitempty"`
}

type orderJSON struct {
	ID           string               `json:"id"`
	Status       string               `json:"status"`
	OrderedBy    string               `json:"orderedBy"`
	ElderID      string               `json:"elderId"`
	FamilyID     string               `json:"familyId"`
	ProviderID   string               `json:"providerId"`
	ItemID       string               `json:"itemId"`
	PriceVersion int                  `json:"priceVersion"`
	ServiceType  string               `json:"serviceType"`
	Pricing      orderPricingJSON     `json:"pricing"`
	Window       windowJSON           `json:"window"`
	Address      *addressJSON         `json:"address,omitempty"`
	Notes        string               `json:"notes,omitempty"`
	CaregiverID  string               `json:"caregiverId,omitempty"`
	Offers       []offerJSON          `json:"offers,omitempty"`
	Entered      map[string]time.Time `json:"entered"`
	LastPosition *positionJSON        `json:"lastPosition,omitempty"`
	CheckIn      *visitStampJSON      `json:"checkIn,omitempty"`
	CheckOut     *visitStampJSON      `json:"checkOut,omitempty"`
	Record       *recordJSON          `json:"record,omitempty"`
	Cancellation *cancellationJSON    `json:"cancellation,omitempty"`
	Departure    *departureJSON       `json:"caregiverLeft,omitempty"`
	Rating       *ratingJSON          `json:"rating,omitempty"`
	// VisitCode is shown to the caregiver who served, for the elder to
	// confirm the visit with on their own account.
	VisitCode string `json:"visitCode,omitempty"`
	// ElderConfirmation says the elder confirmed the visit themselves.
	ElderConfirmation *elderConfirmationJSON `json:"elderConfirmation,omitempty"`
	CreatedAt         time.Time              `json:"createdAt"`
	Version           int64                  `json:"version"`

	// PhotoKeyPrefix is where the visit's photos go; the record accepts
	// keys under it only.
	PhotoKeyPrefix string `json:"photoKeyPrefix"`
}

// elderConfirmationJSON is the elder's own confirmation of a visit.
type elderConfirmationJSON struct {
	ConfirmedAt time.Time `json:"confirmedAt"`
}

// departureJSON is a visit under way whose caregiver left the staff.
type departureJSON struct {
	CaregiverID string    `json:"caregiverId"`
	At          time.Time `json:"at"`
}

func optionalTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}

func toOrder(v orders.View) orderJSON {
	o := v.Order
	p, w := o.Pricing(), o.Window()
	out := orderJSON{ID: o.ID(), Status: string(o.Status()), OrderedBy: o.OrderedBy(), ElderID: o.ElderID(),
		FamilyID: o.FamilyID(), ProviderID: o.ProviderID(), ItemID: o.ItemID(), PriceVersion: o.PriceVersion(),
		ServiceType: string(o.ServiceType()), PhotoKeyPrefix: o.PhotoPrefix(),
		Pricing: orderPricingJSON{MarketFen: p.MarketFen, InclusiveFen: p.InclusiveFen, AllowanceFen: p.AllowanceFen,
			DueFen: p.DueFen, CancellationFeeFen: p.CancellationFeeFen},
		Window:      windowJSON{Start: w.Start.UTC(), End: w.End.UTC(), TimeZone: w.TimeZone},
		Notes:       o.Notes(),
		CaregiverID: o.CaregiverID(), Entered: map[string]time.Time{}, CreatedAt: o.CreatedAt().UTC(),
		Version: v.Version}
	if v.ShowAddress {
		a := toAddressJSON(o.Address())
		out.Address = &a
	} else {
		out.Notes = "" // may hold door codes: the caregiver reads them once the visit is theirs
	}
	visitOf(&out, o)
	out.VisitCode = v.VisitCode
	if c := o.ElderConfirmation(); c.Confirmed() {
		out.ElderConfirmation = &elderConfirmationJSON{ConfirmedAt: c.ConfirmedAt.UTC()}
	}
	if r, ok := o.Rating(); ok {
		out.Rating = toRating(r)
	}
	for s, at := range o.Timestamps() {
		out.Entered[string(s)] = at.UTC()
	}
	if v.As == order.PartyProvider {
		if d, ok := o.Departure(); ok {
			out.Departure = &departureJSON{CaregiverID: d.CaregiverID, At: d.At.UTC()}
		}
		for _, f := range o.Offers() {
			out.Offers = append(out.Offers, offerJSON{CaregiverID: f.CaregiverID, OfferedAt: f.OfferedAt.UTC(),
				ExpiresAt: f.ExpiresAt.UTC(), AcceptedAt: optionalTime(f.AcceptedAt), DeclinedAt: optionalTime(f.DeclinedAt)})
		}
	}
	return out
}

func (h orderHandlers) create(c *fiber.Ctx) error {
	var req orderRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	a := mustActor(c)
	o, err := h.svc.Create(c.UserContext(), a, orders.CreateCommand{ElderID: req.ElderID, ProviderID: req.ProviderID,
		ItemID: req.ItemID, PriceVersion: req.PriceVersion, Start: req.Window.Start, End: req.Window.End,
		Quantity: req.Quantity, Notes: req.Notes, DueFen: req.DueFen})
	var changed *orders.AllowanceChanged
	if errors.As(err, &changed) {
		// The new price, for the family to confirm.
		return withMembers{error: err, members: map[string]any{"quote": toQuote(changed.Quote)}}
	}
	if err != nil {
		return err
	}
	c.Location("/v1/orders/" + o.ID())
	return c.Status(fiber.StatusCreated).JSON(toOrder(orders.View{Order: o, Version: 1, As: order.PartyFamily,
		ShowAddress: true}))
}

// get answers 304 to an app polling with the ETag it has: the version.
func (h orderHandlers) get(c *fiber.Ctx) error {
	v, err := h.svc.Get(c.UserContext(), mustActor(c), c.Params("orderId"))
	if err != nil {
		return err
	}
	etag := `"` + strconv.FormatInt(v.Version, 10) + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	return c.JSON(toOrder(v))
}

func (h orderHandlers) dispatch(c *fiber.Ctx) error {
	var req struct {
		CaregiverID string `json:"caregiverId"`
	}
	if len(body(c)) > 0 {
		if err := decode(c, &req); err != nil {
			return err
		}
	}
	a := mustActor(c)
	o, err := h.svc.Dispatch(c.UserContext(), a, c.Params("orderId"), orders.DispatchCommand{CaregiverID: req.CaregiverID})
	if err != nil {
		return err
	}
	return h.answer(c, o.ID())
}

func (h orderHandlers) accept(c *fiber.Ctx) error {
	o, err := h.svc.Accept(c.UserContext(), mustActor(c), c.Params("orderId"))
	if err != nil {
		return err
	}
	return h.answer(c, o.ID())
}

// answer shows the order after an action as the caller now sees it.
func (h orderHandlers) answer(c *fiber.Ctx, id string) error {
	v, err := h.svc.Get(c.UserContext(), mustActor(c), id)
	if err != nil {
		return err
	}
	return c.JSON(toOrder(v))
}

func (h orderHandlers) offers(c *fiber.Ctx) error {
	list, next, err := h.svc.Offers(c.UserContext(), mustActor(c), c.Query("cursor"), c.QueryInt("limit", 0))
	if err != nil {
		return err
	}
	out := struct {
		Items      []orderJSON `json:"items"`
		NextCursor string      `json:"nextCursor,omitempty"`
	}{Items: make([]orderJSON, len(list)), NextCursor: next}
	for i, o := range list {
		out.Items[i] = toOrder(orders.View{Order: o, As: order.PartyCaregiver})
	}
	return c.JSON(out)
}
