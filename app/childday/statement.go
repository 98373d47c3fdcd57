package childday

import (
	"context"
	"unicode/utf8"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/attendance"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/childcare"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/provider"
)

// StatementView is a provider's month with the names its reader may see.
type StatementView struct {
	attendance.Statement
	ProviderName string
	RegionCode   string
	// Names are the children's names by id: in full for the provider's
	// office, the surname and a mask for a regulator (who audits claims
	// against the provider's own records, and needs no more).
	Names map[string]string
}

// Statement is a provider's attendance statement for a month: per child
// the days booked and attended, absences by reason, late pickups, and for
// 普惠 places the subsidy claimable at the rate the region's regulator set
// for the month (none set: nothing claimable, and the statement says
// so). Its office reads it, and the regulators of its region and the
// platform's admins; to anyone else the provider does not exist.
// The read is audited for each family on it.
func (s *Service) Statement(ctx context.Context, a actor.Actor, providerID string, m attendance.Month) (StatementView, error) {
	if a.UserID == "" {
		return StatementView{}, fault.ErrUnauthenticated
	}
	p, err := s.d.Providers.Get(ctx, providerID)
	if err != nil {
		return StatementView{}, err
	}
	supervisor := a.Oversees(p.Profile.Address.RegionCode)
	if !p.InOffice(a.UserID) && !supervisor {
		return StatementView{}, provider.ErrNotFound
	}
	if !childcare.Offers(p) {
		return StatementView{}, childcare.ErrNotChildcare
	}
	loc := zone(p)
	start, _ := attendance.Bounds(m.First(), loc)
	_, end := attendance.Bounds(m.Last(), loc)
	bookings, err := s.d.Bookings.AtProvider(ctx, p.ID, start, end)
	if err != nil {
		return StatementView{}, err
	}
	var places []attendance.BookedPlace
	for _, b := range bookings {
		if b.Resource().Kind != childcare.ResourceKind {
			continue
		}
		bp := attendance.BookedPlace{BookingID: b.ID(), ChildID: b.Seat().RecipientID, FamilyID: b.FamilyID(),
			Tier: b.Seat().Tier, Start: b.Window().Start, End: b.Window().End}
		if c := b.Cancellation(); c != nil {
			bp.CancelledAt = c.At
		}
		places = append(places, bp)
	}
	days, err := s.d.Days.OfProvider(ctx, p.ID, m.First(), m.Last())
	if err != nil {
		return StatementView{}, err
	}
	rate, err := s.rateFor(ctx, p.Profile.Address.RegionCode, m)
	if err != nil {
		return StatementView{}, err
	}
	st := attendance.BuildStatement(attendance.StatementInput{ProviderID: p.ID, Month: m, Loc: loc,
		Today: calendar.Today(s.d.Now(), loc), Bookings: places, Days: days, OpenOn: opensOn(p), Rate: rate})
	v := StatementView{Statement: st, ProviderName: p.Profile.LegalName, RegionCode: p.Profile.Address.RegionCode,
		Names: map[string]string{}}
	families := map[string]bool{}
	for _, l := range st.Lines {
		c, err := s.d.Children.Get(ctx, l.ChildID)
		switch {
		case fault.Is(err, child.ErrNotFound):
			continue // erased with its family's consent; the figures stay
		case err != nil:
			return StatementView{}, err
		}
		name := c.Profile.Name
		if !p.InOffice(a.UserID) {
			name = masked(name)
		}
		v.Names[l.ChildID] = name
		families[l.FamilyID] = true
	}
	for f := range families {
		if err := s.d.Audit.RecordRead(ctx, a, f, "attendance_statement", p.ID+"_"+m.String()); err != nil {
			return StatementView{}, err
		}
	}
	return v, nil
}

// masked keeps a name's first character (the surname, mostly) and hides
// the rest: 林小满 → 林**.
func masked(name string) string {
	n := utf8.RuneCountInString(name)
	if n <= 1 {
		return name
	}
	r, _ := utf8.DecodeRuneInString(name)
	out := string(r)
	for i := 1; i < n; i++ {
		out += "*"
	}
	return out
}

// rateFor is the rate in force in month m for a region: its district's,
// else its city's, else its province's; nil when none is set.
func (s *Service) rateFor(ctx context.Context, regionCode string, m attendance.Month) (*attendance.Rate, error) {
	for _, code := range attendance.RegionChain(regionCode) {
		book, err := s.d.Rates.Get(ctx, code)
		if err != nil {
			return nil, err
		}
		if r, ok := book.For(m); ok {
			return &r, nil
		}
	}
	return nil, nil
}
