package http

import (
	"fmt"
	"time"

	"github.com/gofiber/fiber/v2"

	apprec "github.com/kincare/kincare/app/recurrence"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/recurrence"
)

type recurrenceHandlers struct{ svc *apprec.Service }

type recurrenceJSON struct {
	Frequency       string   `json:"frequency"`
	Interval        int      `json:"interval,omitempty"`
	Weekdays        []string `json:"weekdays,omitempty"`
	MonthDays       []int    `json:"monthDays,omitempty"`
	StartsOn        string   `json:"startsOn"`
	EndsOn          string   `json:"endsOn,omitempty"`
	At              string   `json:"at"`
	DurationMinutes int      `json:"durationMinutes"`
	TimeZone        string   `json:"timeZone,omitempty"`
}

type recurringOrderJSON struct {
	ID           string         `json:"id"`
	Status       string         `json:"status"`
	ElderID      string         `json:"elderId"`
	FamilyID     string         `json:"familyId"`
	CreatedBy    string         `json:"createdBy"`
	ProviderID   string         `json:"providerId"`
	ItemID       string         `json:"itemId"`
	PriceVersion int            `json:"priceVersion"`
	Quantity     int            `json:"quantity"`
	Notes        string         `json:"notes,omitempty"`
	DueFen       int64          `json:"dueFen"`
	Schedule     recurrenceJSON `json:"schedule"`
	Skips        []string       `json:"skips"`
	SplitFrom    string         `json:"splitFrom,omitempty"`
	CreatedAt    time.Time      `json:"createdAt"`
	UpdatedAt    time.Time      `json:"updatedAt"`
}

type recurringOccurrenceJSON struct {
	RecurringOrderID string    `json:"recurringOrderId"`
	Date             string    `json:"date"`
	Start            time.Time `json:"start"`
	End              time.Time `json:"end"`
	State            string    `json:"state"`
	OrderID          string    `json:"orderId,omitempty"`
	Reason           string    `json:"reason,omitempty"`
}

var recurrenceWeekdays = [...]string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

func toSchedule(s recurrence.Schedule) recurrenceJSON {
	sp := s.Spec()
	out := recurrenceJSON{Frequency: string(sp.Frequency), Interval: sp.Interval, MonthDays: sp.MonthDays,
		StartsOn: sp.StartsOn.String(), At: fmt.Sprintf("%02d:%02d", sp.At/60, sp.At%60),
		DurationMinutes: int(sp.Duration / time.Minute), TimeZone: sp.TimeZone}
	if !sp.EndsOn.IsZero() {
		out.EndsOn = sp.EndsOn.String()
	}
	for _, d := range sp.Weekdays {
		out.Weekdays = append(out.Weekdays, recurrenceWeekdays[d])
	}
	return out
}

func toRecurringOrder(r *recurrence.Rule) recurringOrderJSON {
	out := recurringOrderJSON{ID: r.ID(), Status: string(r.Status()), ElderID: r.ElderID(), FamilyID: r.FamilyID(),
		CreatedBy: r.CreatedBy(), ProviderID: r.ProviderID(), ItemID: r.ItemID(), PriceVersion: r.PriceVersion(),
		Quantity: r.Quantity(), Notes: r.Notes(), DueFen: r.DueFen(), Schedule: toSchedule(r.Schedule()), Skips: []string{},
		SplitFrom: r.SplitFrom(), CreatedAt: r.CreatedAt().UTC(), UpdatedAt: r.UpdatedAt().UTC()}
	for _, d := range r.Skips() {
		out.Skips = append(out.Skips, d.String())
	}
	return out
}

// spec reads a schedule as the domain takes it; the contract checked
// the shapes (weekday names, the time's pattern), so what is left are
// the dates.
func (s recurrenceJSON) spec() (recurrence.Spec, error) {
	sp := recurrence.Spec{Frequency: recurrence.Frequency(s.Frequency), Interval: s.Interval, MonthDays: s.MonthDays,
		Duration: time.Duration(s.DurationMinutes) * time.Minute}
	var bad []fault.FieldError
	var err error
	if sp.StartsOn, err = calendar.ParseDate(s.StartsOn); err != nil && s.StartsOn != "" {
		bad = append(bad, fault.FieldError{Field: "/schedule/startsOn", Code: "date_invalid"})
	}
	if s.EndsOn != "" {
		if sp.EndsOn, err = calendar.ParseDate(s.EndsOn); err != nil {
			bad = append(bad, fault.FieldError{Field: "/schedule/endsOn", Code: "date_invalid"})
		}
	}
	var h, m int
	if _, err := fmt.Sscanf(s.At, "%d:%d", &h, &m); err != nil {
		bad = append(bad, fault.FieldError{Field: "/schedule/at", Code: "invalid"})
	}
	sp.At = h*60 + m
	for _, name := range s.Weekdays {
		for d, n := range recurrenceWeekdays {
			if n == name {
				sp.Weekdays = append(sp.Weekdays, time.Weekday(d))
			}
		}
	}
	if len(bad) > 0 {
		return sp, recurrence.ErrInvalid.WithFields(bad...)
	}
	return sp, nil
}

func (h recurrenceHandlers) create(c *fiber.Ctx) error {
	var req struct {
		ProviderID   string         `json:"providerId"`
		ItemID       string         `json:"itemId"`
		PriceVersion int            `json:"priceVersion"`
		Quantity     int            `json:"quantity"`
		Notes        string         `json:"notes"`
		DueFen       *int64         `json:"dueFen"`
		Schedule     recurrenceJSON `json:"schedule"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	sp, err := req.Schedule.spec()
	if err != nil {
		return err
	}
	r, err := h.svc.Create(c.UserContext(), mustActor(c), apprec.CreateCommand{ElderID: c.Params("elderId"),
		ProviderID: req.ProviderID, ItemID: req.ItemID, PriceVersion: req.PriceVersion, Quantity: req.Quantity,
		Notes: req.Notes, DueFen: req.DueFen, Spec: sp})
	if err != nil {
		return err
	}
	c.Location("/v1/recurring-orders/" + r.ID())
	return c.Status(fiber.StatusCreated).JSON(toRecurringOrder(r))
}

func (h recurrenceHandlers) list(c *fiber.Ctx) error {
	p, err := h.svc.ForElder(c.UserContext(), mustActor(c), c.Params("elderId"), c.Query("cursor"),
		c.QueryInt("limit", 0))
	if err != nil {
		return err
	}
	out := items[recurringOrderJSON]{Items: make([]recurringOrderJSON, len(p.Rules)), NextCursor: p.NextCursor}
	for i, r := range p.Rules {
		out.Items[i] = toRecurringOrder(r)
	}
	return c.JSON(out)
}

func (h recurrenceHandlers) get(c *fiber.Ctx) error {
	return h.answer(c)(h.svc.Get(c.UserContext(), mustActor(c), c.Params("recurringOrderId")))
}

func (h recurrenceHandlers) answer(c *fiber.Ctx) func(*recurrence.Rule, error) error {
	return func(r *recurrence.Rule, err error) error {
		if err != nil {
			return err
		}
		return c.JSON(toRecurringOrder(r))
	}
}

func (h recurrenceHandlers) pause(c *fiber.Ctx) error {
	return h.answer(c)(h.svc.Pause(c.UserContext(), mustActor(c), c.Params("recurringOrderId")))
}

func (h recurrenceHandlers) resume(c *fiber.Ctx) error {
	return h.answer(c)(h.svc.Resume(c.UserContext(), mustActor(c), c.Params("recurringOrderId")))
}

func (h recurrenceHandlers) end(c *fiber.Ctx) error {
	return h.answer(c)(h.svc.End(c.UserContext(), mustActor(c), c.Params("recurringOrderId")))
}

func (h recurrenceHandlers) skip(c *fiber.Ctx) error {
	var req struct {
		Date string `json:"date"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	d, err := calendar.ParseDate(req.Date)
	if err != nil {
		return err
	}
	return h.answer(c)(h.svc.Skip(c.UserContext(), mustActor(c), c.Params("recurringOrderId"), d))
}

func (h recurrenceHandlers) split(c *fiber.Ctx) error {
	var req struct {
		From         string          `json:"from"`
		Schedule     *recurrenceJSON `json:"schedule"`
		PriceVersion int             `json:"priceVersion"`
		Notes        *string         `json:"notes"`
		DueFen       *int64          `json:"dueFen"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	from, err := calendar.ParseDate(req.From)
	if err != nil {
		return err
	}
	cmd := apprec.SplitCommand{From: from, Change: recurrence.Change{PriceVersion: req.PriceVersion, Notes: req.Notes,
		DueFen: req.DueFen}}
	if req.Schedule != nil {
		if req.Schedule.StartsOn == "" {
			req.Schedule.StartsOn = req.From
		}
		sp, err := req.Schedule.spec()
		if err != nil {
			return err
		}
		cmd.Change.Spec = &sp
	}
	r, err := h.svc.Split(c.UserContext(), mustActor(c), c.Params("recurringOrderId"), cmd)
	if err != nil {
		return err
	}
	c.Location("/v1/recurring-orders/" + r.ID())
	return c.Status(fiber.StatusCreated).JSON(toRecurringOrder(r))
}

func (h recurrenceHandlers) upcoming(c *fiber.Ctx) error {
	us, err := h.svc.UpcomingFor(c.UserContext(), mustActor(c), c.Params("elderId"), c.QueryInt("days", 14))
	if err != nil {
		return err
	}
	out := items[recurringOccurrenceJSON]{Items: make([]recurringOccurrenceJSON, len(us))}
	for i, u := range us {
		out.Items[i] = recurringOccurrenceJSON{RecurringOrderID: u.RuleID, Date: u.Date.String(), Start: u.Start.UTC(),
			End: u.End.UTC(), State: u.State, OrderID: u.OrderID, Reason: u.Code}
	}
	return c.JSON(out)
}
