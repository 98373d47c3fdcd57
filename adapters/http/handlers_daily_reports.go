package http

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/childday"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/dailyreport"
	"github.com/kincare/kincare/domain/fault"
)

type mealJSON struct {
	Meal   string `json:"meal"`
	Food   string `json:"food"`
	Amount string `json:"amount"`
}

type napJSON struct {
	Start time.Time  `json:"start"`
	End   *time.Time `json:"end,omitempty"`
}

type toiletJSON struct {
	At   time.Time `json:"at"`
	Kind string    `json:"kind"`
}

type contentJSON struct {
	Meals       []mealJSON   `json:"meals"`
	Naps        []napJSON    `json:"naps"`
	Toileting   []toiletJSON `json:"toileting"`
	Activities  []string     `json:"activities"`
	Mood        string       `json:"mood,omitempty"`
	HealthNotes string       `json:"healthNotes,omitempty"`
	PhotoRefs   []string     `json:"photoRefs"`
}

func (c contentJSON) content() dailyreport.Content {
	out := dailyreport.Content{Activities: c.Activities, Mood: dailyreport.Mood(c.Mood), HealthNotes: c.HealthNotes,
		PhotoRefs: c.PhotoRefs}
	for _, m := range c.Meals {
		out.Meals = append(out.Meals, dailyreport.Meal{Kind: dailyreport.MealKind(m.Meal), Food: m.Food,
			Amount: dailyreport.Amount(m.Amount)})
	}
	for _, n := range c.Naps {
		nap := dailyreport.Nap{Start: n.Start}
		if n.End != nil {
			nap.End = *n.End
		}
		out.Naps = append(out.Naps, nap)
	}
	for _, t := range c.Toileting {
		out.Toileting = append(out.Toileting, dailyreport.Toileting{At: t.At, Kind: dailyreport.ToiletKind(t.Kind)})
	}
	return out
}

func toContent(c dailyreport.Content) contentJSON {
	out := contentJSON{Meals: []mealJSON{}, Naps: []napJSON{}, Toileting: []toiletJSON{}, Activities: []string{},
		PhotoRefs: []string{}, Mood: string(c.Mood), HealthNotes: c.HealthNotes}
	out.Activities = append(out.Activities, c.Activities...)
	out.PhotoRefs = append(out.PhotoRefs, c.PhotoRefs...)
	for _, m := range c.Meals {
		out.Meals = append(out.Meals, mealJSON{Meal: string(m.Kind), Food: m.Food, Amount: string(m.Amount)})
	}
	for _, n := range c.Naps {
		out.Naps = append(out.Naps, napJSON{Start: n.Start.UTC(), End: optUTC(n.End)})
	}
	for _, t := range c.Toileting {
		out.Toileting = append(out.Toileting, toiletJSON{At: t.At.UTC(), Kind: string(t.Kind)})
	}
	return out
}

type correctionJSON struct {
	Version int       `json:"version"`
	At      time.Time `json:"at"`
	Reason  string    `json:"reason"`
}

type dailyReportJSON struct {
	ID             string           `json:"id"`
	ChildID        string           `json:"childId"`
	ProviderID     string           `json:"providerId"`
	Date           string           `json:"date"`
	Status         string           `json:"status"`
	Version        int              `json:"version"`
	Corrected      bool             `json:"corrected"`
	Corrections    []correctionJSON `json:"corrections"`
	PhotoKeyPrefix string           `json:"photoKeyPrefix"`
	UpdatedAt      time.Time        `json:"updatedAt"`
	PublishedAt    *time.Time       `json:"publishedAt,omitempty"`
	contentJSON
}

// toReport shows a report: its latest version, marked when corrected,
// with when and why each earlier version was replaced.
func toReport(r *dailyreport.Report) dailyReportJSON {
	out := dailyReportJSON{ID: r.ID(), ChildID: r.ChildID(), ProviderID: r.ProviderID(), Date: r.Date().String(),
		Status: string(r.Status()), Version: r.Version(), Corrected: r.Corrected(), Corrections: []correctionJSON{},
		PhotoKeyPrefix: r.PhotoPrefix(), UpdatedAt: r.UpdatedAt().UTC(), PublishedAt: optUTC(r.PublishedAt()),
		contentJSON: toContent(r.Content())}
	for _, c := range r.Corrections() {
		out.Corrections = append(out.Corrections, correctionJSON{Version: c.Version, At: c.At.UTC(), Reason: c.Reason})
	}
	return out
}

func (h childDayHandlers) fillReport(c *fiber.Ctx) error {
	var req struct {
		ProviderID       string `json:"providerId"`
		CorrectionReason string `json:"correctionReason"`
		contentJSON
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	d, err := dateField("date", c.Params("date"))
	if err != nil {
		return err
	}
	r, err := h.svc.FillReport(c.UserContext(), mustActor(c), childday.ReportCommand{ChildID: c.Params("childId"),
		ProviderID: req.ProviderID, Date: d, Content: req.content(), CorrectionReason: req.CorrectionReason})
	if err != nil {
		return err
	}
	return c.JSON(toReport(r))
}

func (h childDayHandlers) publishReport(c *fiber.Ctx) error {
	var req struct {
		ProviderID string `json:"providerId"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	d, err := dateField("date", c.Params("date"))
	if err != nil {
		return err
	}
	r, err := h.svc.PublishReport(c.UserContext(), mustActor(c), c.Params("childId"), req.ProviderID, d)
	if err != nil {
		return err
	}
	return c.JSON(toReport(r))
}

// dateQuery reads a YYYY-MM-DD query parameter; empty gives fallback.
func dateQuery(c *fiber.Ctx, name string, fallback calendar.Date) (calendar.Date, error) {
	s := c.Query(name)
	if s == "" {
		return fallback, nil
	}
	d, err := calendar.ParseDate(s)
	if err != nil {
		return d, errInvalidParameter.WithFields(fault.FieldError{Field: "query." + name, Code: "date_invalid"})
	}
	return d, nil
}

func (h childDayHandlers) listReports(c *fiber.Ctx) error {
	p, err := pageOf(c)
	if err != nil {
		return err
	}
	from, err := dateQuery(c, "from", calendar.Date{})
	if err != nil {
		return err
	}
	to, err := dateQuery(c, "to", calendar.Date{})
	if err != nil {
		return err
	}
	rs, more, err := h.svc.ListReports(c.UserContext(), mustActor(c), c.Params("childId"),
		childday.ReportQuery{From: from, To: to, ProviderID: c.Query("providerId"), Page: p})
	if err != nil {
		return err
	}
	out := items[dailyReportJSON]{Items: make([]dailyReportJSON, len(rs))}
	for i, r := range rs {
		out.Items[i] = toReport(r)
	}
	if len(rs) > 0 {
		out.NextCursor = page.Cursor(rs[len(rs)-1].ID(), more)
	}
	return c.JSON(out)
}
