package http

import (
	"context"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/app/reservations"
	"github.com/kincare/kincare/domain/reservation"
)

type holdJSON struct {
	ID        string    `json:"id"`
	SlotID    string    `json:"slotId"`
	Tier      string    `json:"tier"`
	Status    string    `json:"status"`
	ExpiresAt time.Time `json:"expiresAt"`
	Promoted  bool      `json:"promoted"`
}

func toHold(h reservation.Hold) holdJSON {
	return holdJSON{ID: h.ID, SlotID: h.SlotID, Tier: string(h.Tier), Status: string(h.Status),
		ExpiresAt: h.ExpiresAt.UTC(), Promoted: h.Promoted}
}

// tierRequest is the optional body of createHold and joinWaitlist.
type tierRequest struct {
	Tier string `json:"tier"`
}

// tierBodies are the bodies apps send, read without decoding: a flash
// crowd sends these bytes on every hold.
var tierBodies = map[string]reservation.Tier{`{"tier":"market"}`: reservation.Market,
	`{"tier":"inclusive"}`: reservation.Inclusive}

// tierOf reads the optional body's tier; none is market.
func tierOf(c *fiber.Ctx) (reservation.Tier, error) {
	if t, ok := tierBodies[string(body(c))]; ok {
		return t, nil
	}
	var req tierRequest
	if len(body(c)) > 0 {
		if err := decode(c, &req); err != nil {
			return "", err
		}
	}
	return reservation.ParseTier(req.Tier)
}

// createHold is the busiest write: one engine script, no store read. The
// contract has checked the Idempotency-Key (x-self-idempotent); the
// engine derives the hold's id from it, so a retry answers the same hold
// and says so with the header the idempotency guard uses.
func (h reservationHandlers) createHold(c *fiber.Ctx) error {
	tier, err := tierOf(c)
	if err != nil {
		return err
	}
	r, err := h.svc.Hold(c.UserContext(), mustActor(c), reservations.HoldCommand{SlotID: c.Params("slotId"),
		Tier: tier, Key: c.Get(headerIdempotencyKey)})
	if err != nil {
		return err
	}
	if r.Replayed {
		c.Set(headerReplayed, "true")
	}
	c.Location("/v1/holds/" + r.Hold.ID)
	return c.Status(fiber.StatusCreated).JSON(toHold(r.Hold))
}

func (h reservationHandlers) getHold(c *fiber.Ctx) error {
	hold, err := h.svc.GetHold(c.UserContext(), mustActor(c), c.Params("holdId"))
	if err != nil {
		return err
	}
	return c.JSON(toHold(hold))
}

func (h reservationHandlers) releaseHold(c *fiber.Ctx) error {
	hold, err := h.svc.ReleaseHold(c.UserContext(), mustActor(c), c.Params("holdId"))
	if err != nil {
		return err
	}
	return c.JSON(toHold(hold))
}

type bookingCancellationJSON struct {
	By     string    `json:"by"`
	Reason string    `json:"reason,omitempty"`
	At     time.Time `json:"at"`
}

type bookingJSON struct {
	ID           string                   `json:"id"`
	SlotID       string                   `json:"slotId"`
	ResourceKind string                   `json:"resourceKind"`
	OfferingID   string                   `json:"offeringId"`
	ProviderID   string                   `json:"providerId"`
	FamilyID     string                   `json:"familyId"`
	BookedBy     string                   `json:"bookedBy"`
	ChildID      string                   `json:"childId"`
	Tier         string                   `json:"tier"`
	PriceFen     int64                    `json:"priceFen"`
	Window       windowJSON               `json:"window"`
	Status       string                   `json:"status"`
	ConfirmedAt  time.Time                `json:"confirmedAt"`
	Cancellation *bookingCancellationJSON `json:"cancellation,omitempty"`
}

func toBooking(b *reservation.Booking) bookingJSON {
	seat := b.Seat()
	out := bookingJSON{ID: b.ID(), SlotID: b.SlotID(), ResourceKind: b.Resource().Kind, OfferingID: b.Resource().ID,
		ProviderID: b.ProviderID(), FamilyID: seat.FamilyID, BookedBy: seat.BookedBy, ChildID: seat.RecipientID,
		Tier: string(seat.Tier), PriceFen: seat.PriceFen, Window: toWindow(b.Window()), Status: string(b.Status()),
		ConfirmedAt: seat.At.UTC()}
	if cc := b.Cancellation(); cc != nil {
		out.Cancellation = &bookingCancellationJSON{By: string(cc.By), Reason: cc.Reason, At: cc.At.UTC()}
	}
	return out
}

// confirmHold answers 201 for a new booking and 200 for the booking the
// hold already was (confirmed under another key); a retry under the same
// key is the guard's (x-idempotent).
func (h reservationHandlers) confirmHold(c *fiber.Ctx) error {
	var req struct {
		ChildID string `json:"childId"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	r, err := h.svc.Confirm(c.UserContext(), mustActor(c),
		reservations.ConfirmCommand{HoldID: c.Params("holdId"), ChildID: req.ChildID})
	if err != nil {
		return err
	}
	status := fiber.StatusCreated
	if r.Replayed {
		status = fiber.StatusOK
	}
	c.Location("/v1/bookings/" + r.Booking.ID())
	return c.Status(status).JSON(toBooking(r.Booking))
}

func (h reservationHandlers) getBooking(c *fiber.Ctx) error {
	b, err := h.svc.GetBooking(c.UserContext(), mustActor(c), c.Params("bookingId"))
	if err != nil {
		return err
	}
	return c.JSON(toBooking(b))
}

func (h reservationHandlers) cancelBooking(c *fiber.Ctx) error {
	reason, err := withReason(c)
	if err != nil {
		return err
	}
	b, err := h.svc.CancelBooking(c.UserContext(), mustActor(c), c.Params("bookingId"), reason)
	if err != nil {
		return err
	}
	return c.JSON(toBooking(b))
}

// bookingLister is a use case that pages the bookings of one owner (a
// family, a provider) named by a path parameter.
type bookingLister func(s *reservations.Service, ctx context.Context, a actor.Actor, ownerID string,
	f reservations.BookingFilter, p page.Request) ([]*reservation.Booking, bool, error)

func (h reservationHandlers) bookings(param string, list bookingLister) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := pageOf(c)
		if err != nil {
			return err
		}
		f := reservations.BookingFilter{Status: reservation.BookingStatus(c.Query("status"))}
		bs, more, err := list(h.svc, c.UserContext(), mustActor(c), c.Params(param), f, p)
		if err != nil {
			return err
		}
		out := items[bookingJSON]{Items: make([]bookingJSON, len(bs))}
		for i, b := range bs {
			out.Items[i] = toBooking(b)
		}
		if len(bs) > 0 {
			out.NextCursor = page.Cursor(bs[len(bs)-1].ID(), more)
		}
		return c.JSON(out)
	}
}

type placeJSON struct {
	SlotID   string `json:"slotId"`
	Tier     string `json:"tier,omitempty"`
	Position int    `json:"position"`
}

func toPlace(p reservations.Place) placeJSON {
	return placeJSON{SlotID: p.SlotID, Tier: string(p.Tier), Position: p.Position}
}

func (h reservationHandlers) joinWaitlist(c *fiber.Ctx) error {
	tier, err := tierOf(c)
	if err != nil {
		return err
	}
	p, err := h.svc.JoinWaitlist(c.UserContext(), mustActor(c), c.Params("slotId"), tier)
	if err != nil {
		return err
	}
	status := fiber.StatusOK
	if p.Joined {
		status = fiber.StatusCreated
	}
	return c.Status(status).JSON(toPlace(p))
}

func (h reservationHandlers) waitlistPlace(c *fiber.Ctx) error {
	p, err := h.svc.WaitlistPlace(c.UserContext(), mustActor(c), c.Params("slotId"))
	if err != nil {
		return err
	}
	return c.JSON(toPlace(p))
}

func (h reservationHandlers) leaveWaitlist(c *fiber.Ctx) error {
	if err := h.svc.LeaveWaitlist(c.UserContext(), mustActor(c), c.Params("slotId")); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}
