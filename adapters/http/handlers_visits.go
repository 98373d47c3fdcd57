package http

import (
	"math"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/orders"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/order"
)

type visitReportJSON struct {
	Lat        float64   `json:"lat"`
	Lng        float64   `json:"lng"`
	DeviceTime time.Time `json:"deviceTime"`
	Reason     string    `json:"reason"`
}

func (r visitReportJSON) report() order.Report {
	return order.Report{DeviceTime: r.DeviceTime, Point: geo.Point{Lat: r.Lat, Lng: r.Lng}, Reason: r.Reason}
}

type visitStampJSON struct {
	DeviceTime      *time.Time `json:"deviceTime,omitempty"`
	ServerTime      time.Time  `json:"serverTime"`
	At              time.Time  `json:"at"`
	ClockAdjusted   bool       `json:"clockAdjusted"`
	DistanceMetres  *int       `json:"distanceMetres,omitempty"`
	InsideGeofence  *bool      `json:"insideGeofence,omitempty"`
	OnTime          *bool      `json:"onTime,omitempty"`
	Flagged         *bool      `json:"flagged,omitempty"`
	Reason          string     `json:"reason,omitempty"`
	DurationMinutes *int       `json:"durationMinutes,omitempty"`
}

type recordJSON struct {
	Checklist []string    `json:"checklist"`
	Notes     string      `json:"notes,omitempty"`
	Vitals    *vitalsJSON `json:"vitals,omitempty"`
	PhotoKeys []string    `json:"photoKeys"`
	UpdatedAt *time.Time  `json:"updatedAt,omitempty"`
}

type vitalsJSON struct {
	SystolicMmHg  int     `json:"systolicMmHg,omitempty"`
	DiastolicMmHg int     `json:"diastolicMmHg,omitempty"`
	HeartRateBpm  int     `json:"heartRateBpm,omitempty"`
	TemperatureC  float64 `json:"temperatureC,omitempty"`
}

type cancellationJSON struct {
	Status string    `json:"status"`
	By     string    `json:"by"`
	Reason string    `json:"reason,omitempty"`
	FeeFen int64     `json:"feeFen"`
	At     time.Time `json:"at"`
}

type positionJSON struct {
	Lat float64   `json:"lat"`
	Lng float64   `json:"lng"`
	At  time.Time `json:"at"`
}

// visitOf adds the visit and any cancellation to an order's JSON.
func visitOf(out *orderJSON, o *order.Order) {
	if p, ok := o.LastPosition(); ok {
		out.LastPosition = &positionJSON{Lat: p.Point.Lat, Lng: p.Point.Lng, At: p.At.UTC()}
	}
	v := o.Visit()
	if ci := v.CheckIn; ci != nil {
		d, in, on, fl := ci.DistanceMetres, ci.InsideGeofence, ci.OnTime, ci.Flagged()
		out.CheckIn = &visitStampJSON{DeviceTime: optionalTime(ci.DeviceTime), ServerTime: ci.ServerTime.UTC(),
			At: ci.At().UTC(), ClockAdjusted: ci.ClockAdjusted,
			DistanceMetres: &d, InsideGeofence: &in, OnTime: &on, Flagged: &fl, Reason: ci.Reason}
	}
	if co := v.CheckOut; co != nil {
		d := co.DurationMinutes
		out.CheckOut = &visitStampJSON{DeviceTime: optionalTime(co.DeviceTime), ServerTime: co.ServerTime.UTC(),
			At: co.At().UTC(), ClockAdjusted: co.ClockAdjusted, DurationMinutes: &d}
	}
	if r := v.Record; r != nil {
		rec := recordJSON{Checklist: r.Checklist, Notes: r.Notes, PhotoKeys: r.PhotoKeys, UpdatedAt: optionalTime(r.UpdatedAt)}
		if rec.Checklist == nil {
			rec.Checklist = []string{}
		}
		if rec.PhotoKeys == nil {
			rec.PhotoKeys = []string{}
		}
		if vt := r.Vitals; vt != nil {
			rec.Vitals = &vitalsJSON{SystolicMmHg: vt.SystolicMmHg, DiastolicMmHg: vt.DiastolicMmHg,
				HeartRateBpm: vt.HeartRateBpm, TemperatureC: float64(vt.TemperatureDeciC) / 10}
		}
		out.Record = &rec
	}
	if c, ok := o.Cancellation(); ok {
		out.Cancellation = &cancellationJSON{Status: string(c.Status), By: string(c.By), Reason: c.Reason,
			FeeFen: c.FeeFen, At: c.At.UTC()}
	}
}

// step runs one order action and answers the order as the caller sees it.
func (h orderHandlers) step(do func(c *fiber.Ctx, a actor.Actor, id string) (*order.Order, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		o, err := do(c, mustActor(c), c.Params("orderId"))
		if err != nil {
			return err
		}
		return h.answer(c, o.ID())
	}
}

func withReport(c *fiber.Ctx) (order.Report, error) {
	var r visitReportJSON
	if err := decode(c, &r); err != nil {
		return order.Report{}, err
	}
	return r.report(), nil
}

func withReason(c *fiber.Ctx) (string, error) {
	var r struct {
		Reason string `json:"reason"`
	}
	if len(body(c)) == 0 {
		return "", nil
	}
	if err := decode(c, &r); err != nil {
		return "", err
	}
	return r.Reason, nil
}

func (h orderHandlers) start(c *fiber.Ctx, a actor.Actor, id string) (*order.Order, error) {
	return h.svc.Start(c.UserContext(), a, id)
}

func (h orderHandlers) checkIn(c *fiber.Ctx, a actor.Actor, id string) (*order.Order, error) {
	r, err := withReport(c)
	if err != nil {
		return nil, err
	}
	return h.svc.CheckIn(c.UserContext(), a, id, r)
}

func (h orderHandlers) position(c *fiber.Ctx) error {
	var req struct {
		Lat float64 `json:"lat"`
		Lng float64 `json:"lng"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	if _, err := h.svc.ReportPosition(c.UserContext(), mustActor(c), c.Params("orderId"),
		geo.Point{Lat: req.Lat, Lng: req.Lng}); err != nil {
		return err
	}
	return c.SendStatus(fiber.StatusNoContent)
}

func (h orderHandlers) begin(c *fiber.Ctx, a actor.Actor, id string) (*order.Order, error) {
	return h.svc.BeginService(c.UserContext(), a, id)
}

func (h orderHandlers) checkOut(c *fiber.Ctx, a actor.Actor, id string) (*order.Order, error) {
	r, err := withReport(c)
	if err != nil {
		return nil, err
	}
	return h.svc.CheckOut(c.UserContext(), a, id, r)
}

func (h orderHandlers) cancel(c *fiber.Ctx, a actor.Actor, id string) (*order.Order, error) {
	reason, err := withReason(c)
	if err != nil {
		return nil, err
	}
	return h.svc.Cancel(c.UserContext(), a, id, reason)
}

func (h orderHandlers) confirm(c *fiber.Ctx, a actor.Actor, id string) (*order.Order, error) {
	return h.svc.Confirm(c.UserContext(), a, id)
}

// decline answers the order as it was left: having declined, the
// caregiver may no longer read it.
func (h orderHandlers) decline(c *fiber.Ctx) error {
	reason, err := withReason(c)
	if err != nil {
		return err
	}
	o, err := h.svc.Decline(c.UserContext(), mustActor(c), c.Params("orderId"), reason)
	if err != nil {
		return err
	}
	return c.JSON(toOrder(orders.View{Order: o, As: order.PartyCaregiver}))
}

func (h orderHandlers) noShow(c *fiber.Ctx, a actor.Actor, id string) (*order.Order, error) {
	reason, err := withReason(c)
	if err != nil {
		return nil, err
	}
	return h.svc.NoShow(c.UserContext(), a, id, reason)
}

func (h orderHandlers) record(c *fiber.Ctx, a actor.Actor, id string) (*order.Order, error) {
	var req struct {
		Checklist []string    `json:"checklist"`
		Notes     string      `json:"notes"`
		Vitals    *vitalsJSON `json:"vitals"`
		PhotoKeys []string    `json:"photoKeys"`
	}
	if err := decode(c, &req); err != nil {
		return nil, err
	}
	r := order.ServiceRecord{Checklist: req.Checklist, Notes: req.Notes, PhotoKeys: req.PhotoKeys}
	if v := req.Vitals; v != nil {
		r.Vitals = &order.Vitals{SystolicMmHg: v.SystolicMmHg, DiastolicMmHg: v.DiastolicMmHg,
			HeartRateBpm: v.HeartRateBpm, TemperatureDeciC: int(math.Round(v.TemperatureC * 10))}
	}
	return h.svc.WriteRecord(c.UserContext(), a, id, r)
}

func listQuery(c *fiber.Ctx) orders.ListQuery {
	q := orders.ListQuery{ElderID: c.Query("elderId"), Cursor: c.Query("cursor"), Limit: c.QueryInt("limit", 0)}
	// The spec validated the format (date-time) already.
	q.From, _ = time.Parse(time.RFC3339, c.Query("from"))
	q.To, _ = time.Parse(time.RFC3339, c.Query("to"))
	for _, s := range strings.Split(c.Query("status"), ",") {
		if s = strings.TrimSpace(s); s != "" {
			q.Statuses = append(q.Statuses, order.Status(s))
		}
	}
	return q
}

func (h orderHandlers) familyOrders(c *fiber.Ctx, a actor.Actor, q orders.ListQuery) (orders.Page, error) {
	return h.svc.ForFamily(c.UserContext(), a, c.Params("familyId"), q)
}

func (h orderHandlers) providerOrders(c *fiber.Ctx, a actor.Actor, q orders.ListQuery) (orders.Page, error) {
	return h.svc.ForProvider(c.UserContext(), a, c.Params("providerId"), q)
}

func (h orderHandlers) caregiverOrders(c *fiber.Ctx, a actor.Actor, q orders.ListQuery) (orders.Page, error) {
	return h.svc.ForCaregiver(c.UserContext(), a, q)
}

func (h orderHandlers) list(get func(c *fiber.Ctx, a actor.Actor, q orders.ListQuery) (orders.Page, error)) fiber.Handler {
	return func(c *fiber.Ctx) error {
		p, err := get(c, mustActor(c), listQuery(c))
		if err != nil {
			return err
		}
		out := struct {
			Items      []orderJSON `json:"items"`
			NextCursor string      `json:"nextCursor,omitempty"`
		}{Items: make([]orderJSON, len(p.Views)), NextCursor: p.NextCursor}
		for i, v := range p.Views {
			out.Items[i] = toOrder(v)
		}
		return c.JSON(out)
	}
}
