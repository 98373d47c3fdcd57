// Package dispatch decides who may be offered an order: which of a
// provider's caregivers are qualified, working, free and near enough,
// nearest first. Pure domain code; the caller says who is busy.
package dispatch

import (
	"cmp"
	"slices"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/service"
)

// DefaultRadiusMetres is how far from the elder's home caregivers are
// sought when the provider sets nothing else: the 15-minute service
// circle, by bicycle.
const DefaultRadiusMetres = 5000

// Need is what an order asks of a caregiver.
type Need struct {
	Service      service.Type
	Start, End   time.Time
	Place        geo.Point // the elder's home
	RadiusMetres float64
}

// Candidate is a caregiver who may be offered the order.
type Candidate struct {
	UserID         string
	DistanceMetres float64
}

// Candidates lists the provider's caregivers who can serve need, nearest
// first (ties by id, so offers go out in a stable order): active, with
// the skill and a certificate valid on the day (in the provider's zone),
// working hours covering the window, home base within the radius, and
// not busy (another accepted order overlapping the window).
func Candidates(p *provider.Provider, need Need, busy func(userID string) bool) []Candidate {
	loc, err := time.LoadLocation(p.Profile.TimeZone)
	if err != nil {
		loc = time.UTC // validated when the provider was registered
	}
	start, end := need.Start.In(loc), need.End.In(loc)
	day := calendar.Today(start, loc)
	radius := need.RadiusMetres
	if radius <= 0 {
		radius = DefaultRadiusMetres
	}
	var out []Candidate
	for _, s := range p.Staff {
		c := s.Caregiver
		if s.Role != provider.StaffCaregiver || c == nil || !c.CanServe(need.Service, day) ||
			!provider.HoursCover(c.WeeklyHours, start, end) {
			continue
		}
		d := geo.Distance(c.HomeBase, need.Place)
		if d > radius || busy(s.UserID) {
			continue
		}
		out = append(out, Candidate{UserID: s.UserID, DistanceMetres: d})
	}
	slices.SortFunc(out, func(a, b Candidate) int {
		if c := cmp.Compare(a.DistanceMetres, b.DistanceMetres); c != 0 {
			return c
		}
		return cmp.Compare(a.UserID, b.UserID)
	})
	return out
}
