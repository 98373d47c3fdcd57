package visit

import (
	"cmp"
	"slices"
	"time"

	"github.com/kincare/kincare/domain/ledger"
)

// Due is one elder due a visit in a month, and the visit that counted.
type Due struct {
	ElderID   string
	ElderName string
	StationID string
	VisitorID string // "" when none is assigned
	VisitID   string // the month's first completed visit; "" when none
	VisitedAt time.Time
}

// MonthlyReport is a month's visiting of the elders of a station or a region.
type MonthlyReport struct {
	Month     string
	Due       []Due // by elder id
	Visited   int
	Rate      float64 // Visited ÷ len(Due); 1 when nothing was due
	Ended     bool    // the month is over: what is unvisited is overdue
	Overdue   []Due   // unvisited, once the month ended
	Pending   []Due   // unvisited, while it lasts
	ByVisitor map[string]VisitorTally
}

// VisitorTally is one visitor's share of a month.
type VisitorTally struct{ Due, Visited int }

// MonthReport counts month (in each elder's zone) over the care records
// cs and the visits vs made in it: an elder is due when vulnerable now
// and since before the month ended; visited when a completed visit of
// the month is theirs.
func MonthReport(month string, cs []*Care, vs []*Visit, now time.Time) (MonthlyReport, error) {
	r := MonthlyReport{Month: month, ByVisitor: map[string]VisitorTally{}}
	first := map[string]*Visit{}
	for _, v := range vs {
		if v.Status != Completed || v.Month != month {
			continue
		}
		if f, ok := first[v.ElderID]; !ok || v.StartedAt.Before(f.StartedAt) {
			first[v.ElderID] = v
		}
	}
	ended := true
	for _, c := range cs {
		p, err := ledger.ParseMonth(month, c.Location())
		if err != nil {
			return MonthlyReport{}, err
		}
		if now.Before(p.End) {
			ended = false
		}
		if !c.Vulnerable() || !c.VulnerableSince.Before(p.End) {
			continue
		}
		d := Due{ElderID: c.ElderID, ElderName: c.ElderName, StationID: c.StationID}
		if c.Visitor != nil {
			d.VisitorID = c.Visitor.UserID
		}
		t := r.ByVisitor[d.VisitorID]
		t.Due++
		if v := first[c.ElderID]; v != nil {
			d.VisitID, d.VisitedAt = v.ID, v.StartedAt
			r.Visited++
			t.Visited++
		}
		r.ByVisitor[d.VisitorID] = t
		r.Due = append(r.Due, d)
	}
	slices.SortFunc(r.Due, func(a, b Due) int { return cmp.Compare(a.ElderID, b.ElderID) })
	r.Ended = ended && len(cs) > 0
	for _, d := range r.Due {
		if d.VisitID != "" {
			continue
		}
		if r.Ended {
			r.Overdue = append(r.Overdue, d)
		} else {
			r.Pending = append(r.Pending, d)
		}
	}
	r.Rate = 1
	if len(r.Due) > 0 {
		r.Rate = float64(r.Visited) / float64(len(r.Due))
	}
	return r, nil
}
