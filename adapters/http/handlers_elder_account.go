package http

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/elderday"
	"github.com/kincare/kincare/app/families"
)

// elderAccountHandlers serve the elder's own account: its link (from the
// family's side and the elder's), and what the elder sees and does.
type elderAccountHandlers struct {
	families *families.Service
	day      *elderday.Service
}

type elderAccountJSON struct {
	ElderID   string       `json:"elderId"`
	ElderName string       `json:"elderName"`
	UserID    string       `json:"userId"`
	LinkedAt  time.Time    `json:"linkedAt"`
	Consent   *consentJSON `json:"consent,omitempty"`
}

func toElderAccount(l families.ElderLink) elderAccountJSON {
	out := elderAccountJSON{ElderID: l.ElderID, ElderName: l.ElderName, UserID: l.Account.UserID,
		LinkedAt: l.Account.LinkedAt.UTC()}
	if l.Consent.ID != "" {
		c := toConsent(l.Consent)
		out.Consent = &c
	}
	return out
}

func (h elderAccountHandlers) invite(c *fiber.Ctx) error {
	var req struct {
		Phone string `json:"phone"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	inv, err := h.families.InviteElderAccount(c.UserContext(), mustActor(c), c.Params("elderId"), req.Phone)
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if inv.Issued {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(toInvite(inv.Invite))
}

func (h elderAccountHandlers) accept(c *fiber.Ctx) error {
	var req struct {
		PolicyVersion string `json:"policyVersion"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	l, err := h.families.AcceptElderInvite(c.UserContext(), mustActor(c), c.Params("code"), req.PolicyVersion)
	if err != nil {
		return err
	}
	return c.JSON(toElderAccount(l))
}

func (h elderAccountHandlers) get(c *fiber.Ctx) error {
	l, err := h.families.ElderAccount(c.UserContext(), mustActor(c), c.Params("elderId"))
	if err != nil {
		return err
	}
	return c.JSON(toElderAccount(l))
}

func (h elderAccountHandlers) unlink(c *fiber.Ctx) error {
	if err := h.families.UnlinkElderAccount(c.UserContext(), mustActor(c), c.Params("elderId")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

type elderVisitJSON struct {
	OrderID          string    `json:"orderId"`
	ServiceType      string    `json:"serviceType"`
	Status           string    `json:"status"`
	Start            time.Time `json:"start"`
	End              time.Time `json:"end"`
	ProviderName     string    `json:"providerName"`
	Coming           bool      `json:"coming"`
	AwaitingCode     bool      `json:"awaitingCode"`
	ConfirmedByElder bool      `json:"confirmedByElder"`
}

func toElderVisit(v elderday.Visit) elderVisitJSON {
	return elderVisitJSON{OrderID: v.OrderID, ServiceType: v.ServiceType, Status: string(v.Status),
		Start: v.Start.UTC(), End: v.End.UTC(), ProviderName: v.ProviderName, Coming: v.Coming,
		AwaitingCode: v.AwaitingCode, ConfirmedByElder: v.ConfirmedByElder}
}

type elderMealJSON struct {
	ID           string    `json:"id"`
	Window       string    `json:"window"`
	Start        time.Time `json:"start"`
	End          time.Time `json:"end"`
	Mode         string    `json:"mode"`
	Status       string    `json:"status"`
	ProviderName string    `json:"providerName"`
	Dishes       []string  `json:"dishes"`
}

func (h elderAccountHandlers) myDay(c *fiber.Ctx) error {
	d, err := h.day.Today(c.UserContext(), mustActor(c))
	if err != nil {
		return err
	}
	out := struct {
		Date      string           `json:"date"`
		TimeZone  string           `json:"timeZone"`
		ElderName string           `json:"elderName"`
		Visits    []elderVisitJSON `json:"visits"`
		Meals     []elderMealJSON  `json:"meals"`
	}{Date: d.Date.String(), TimeZone: d.TimeZone, ElderName: d.ElderName,
		Visits: make([]elderVisitJSON, len(d.Visits)), Meals: make([]elderMealJSON, len(d.Meals))}
	for i, v := range d.Visits {
		out.Visits[i] = toElderVisit(v)
	}
	for i, m := range d.Meals {
		out.Meals[i] = elderMealJSON{ID: m.ID, Window: string(m.Window), Start: m.Start.UTC(), End: m.End.UTC(),
			Mode: string(m.Mode), Status: string(m.Status), ProviderName: m.ProviderName, Dishes: m.Dishes}
	}
	c.Set(fiber.HeaderCacheControl, "private, no-cache")
	return c.JSON(out)
}

func (h elderAccountHandlers) confirmVisit(c *fiber.Ctx) error {
	var req struct {
		Code string `json:"code"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	v, err := h.day.ConfirmVisit(c.UserContext(), mustActor(c), c.Params("orderId"), req.Code)
	if err != nil {
		return err
	}
	return c.JSON(toElderVisit(v))
}
