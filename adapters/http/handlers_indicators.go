package http

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/indicators"
	"github.com/kincare/kincare/domain/indicator"
	"github.com/kincare/kincare/domain/region"
)

type indicatorHandlers struct{ svc *indicators.Service }

type indicatorPartJSON struct {
	Key   string  `json:"key"`
	Label string  `json:"label"`
	Value float64 `json:"value"`
}

// indicatorJSON is one row of a table: what a dashboard draws and an
// export writes. Basis is the denominator of a ratio or the number of
// samples of a median.
type indicatorJSON struct {
	Key        string              `json:"key"`
	Group      string              `json:"group"`
	GroupLabel string              `json:"groupLabel"`
	Unit       string              `json:"unit"`
	Label      string              `json:"label"`
	Value      float64             `json:"value"`
	Basis      *int                `json:"basis,omitempty"`
	Breakdown  []indicatorPartJSON `json:"breakdown,omitempty"`
}

type indicatorTableJSON struct {
	Region     string          `json:"region"`
	Month      string          `json:"month"`
	Indicators []indicatorJSON `json:"indicators"`
}

type trendPointJSON struct {
	Month string  `json:"month"`
	Value float64 `json:"value"`
	Basis *int    `json:"basis,omitempty"`
}

type trendSeriesJSON struct {
	Key        string           `json:"key"`
	Group      string           `json:"group"`
	GroupLabel string           `json:"groupLabel"`
	Unit       string           `json:"unit"`
	Label      string           `json:"label"`
	Points     []trendPointJSON `json:"points"`
}

type indicatorTrendJSON struct {
	Region string            `json:"region"`
	From   string            `json:"from"`
	To     string            `json:"to"`
	Months []string          `json:"months"`
	Series []trendSeriesJSON `json:"series"`
}

func basis(v indicator.Value, d indicator.Definition) *int {
	if d.Unit != indicator.UnitRatio && d.Unit != indicator.UnitSeconds && d.Unit != indicator.UnitPer10k {
		return nil
	}
	b := v.Basis
	return &b
}

func toIndicatorRows(t indicator.Table, lang string) []indicatorJSON {
	out := []indicatorJSON{}
	for _, v := range t.Values {
		d, _ := indicator.DefinitionOf(v.Key)
		row := indicatorJSON{Key: v.Key, Group: d.Group, GroupLabel: indicator.GroupWords(d.Group).Label(lang),
			Unit: string(d.Unit), Label: d.Words().Label(lang),
			Value: v.Value, Basis: basis(v, d)}
		for _, p := range v.Parts {
			row.Breakdown = append(row.Breakdown, indicatorPartJSON{Key: p.Key, Label: indicator.PartWords(p.Key).Label(lang),
				Value: p.Value})
		}
		if v.Parts != nil && row.Breakdown == nil {
			row.Breakdown = []indicatorPartJSON{}
		}
		out = append(out, row)
	}
	return out
}

func indicatorQuery(c *fiber.Ctx) indicators.Query {
	return indicators.Query{Region: c.Query("region"), Month: c.Query("month")}
}

func (h indicatorHandlers) table(c *fiber.Ctx) error {
	r, err := h.svc.Table(c.UserContext(), mustActor(c), indicatorQuery(c))
	if err != nil {
		return err
	}
	return c.JSON(indicatorTableJSON{Region: string(r.Region), Month: r.Month.String(),
		Indicators: toIndicatorRows(r.Table, lang(c.Get(fiber.HeaderAcceptLanguage)))})
}

// trend gives one series per indicator that has a value in any of the
// months, each with the months it has one in: a month without a value
// is left out, never drawn as 0.
func (h indicatorHandlers) trend(c *fiber.Ctx) error {
	r, err := h.svc.Trend(c.UserContext(), mustActor(c), indicatorQuery(c))
	if err != nil {
		return err
	}
	l := lang(c.Get(fiber.HeaderAcceptLanguage))
	out := indicatorTrendJSON{Region: string(r.Region), From: r.Months[0].String(), To: r.Months[len(r.Months)-1].String(),
		Months: make([]string, len(r.Months)), Series: []trendSeriesJSON{}}
	for i, m := range r.Months {
		out.Months[i] = m.String()
	}
	for _, d := range indicator.Definitions {
		s := trendSeriesJSON{Key: d.Key, Group: d.Group, GroupLabel: indicator.GroupWords(d.Group).Label(l),
			Unit: string(d.Unit), Label: d.Words().Label(l)}
		for i, t := range r.Tables {
			if v, ok := t.Get(d.Key); ok {
				s.Points = append(s.Points, trendPointJSON{Month: out.Months[i], Value: v.Value, Basis: basis(v, d)})
			}
		}
		if len(s.Points) > 0 {
			out.Series = append(out.Series, s)
		}
	}
	return c.JSON(out)
}

type rebuildJSON struct {
	Facts int `json:"facts"`
}

func (h indicatorHandlers) rebuild(c *fiber.Ctx) error {
	n, err := h.svc.Rebuild(c.UserContext(), mustActor(c))
	if err != nil {
		return err
	}
	return c.JSON(rebuildJSON{Facts: n})
}

type residentFigureJSON struct {
	Year       int       `json:"year"`
	Aged60Plus int64     `json:"aged60Plus"`
	EnteredBy  string    `json:"enteredBy,omitempty"`
	EnteredAt  time.Time `json:"enteredAt"`
}

type regionResidentsJSON struct {
	RegionCode string               `json:"regionCode"`
	Figures    []residentFigureJSON `json:"figures"`
}

func toRegionResidents(r *region.Residents) regionResidentsJSON {
	out := regionResidentsJSON{RegionCode: string(r.Code), Figures: make([]residentFigureJSON, len(r.Figures))}
	for i, f := range r.Figures {
		out.Figures[i] = residentFigureJSON{Year: f.Year, Aged60Plus: f.Aged60Plus, EnteredBy: f.EnteredBy, EnteredAt: f.EnteredAt}
	}
	return out
}

func (h indicatorHandlers) residents(c *fiber.Ctx) error {
	r, err := h.svc.Residents(c.UserContext(), mustActor(c), c.Params("regionCode"))
	if err != nil {
		return err
	}
	return c.JSON(toRegionResidents(r))
}

func (h indicatorHandlers) setResidents(c *fiber.Ctx) error {
	var body struct {
		Aged60Plus int64 `json:"aged60Plus"`
	}
	if err := decode(c, &body); err != nil {
		return err
	}
	r, err := h.svc.SetResidents(c.UserContext(), mustActor(c), indicators.ResidentsCommand{Region: c.Params("regionCode"),
		Year: c.Params("year"), Aged60Plus: body.Aged60Plus})
	if err != nil {
		return err
	}
	return c.JSON(toRegionResidents(r))
}
