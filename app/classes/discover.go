package classes

import (
	"context"
	"slices"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/course"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/provider"
)

// SearchCommand is what a parent looks for.
type SearchCommand struct {
	Near           *geo.Point
	From, To       time.Time
	Topic          course.Topic
	Format         course.Format
	ChildAgeMonths *int
	Offset, Limit  int
}

// Bounds of a search.
const (
	MaxSearchRange = 92 * 24 * time.Hour
	// searchScan bounds the sessions one search reads and sorts: a
	// district's classes over three months.
	searchScan = 1000
)

var ErrSearchInvalid = fault.New(fault.Unprocessable, "session_search_invalid")

// Search finds scheduled sessions of visible organisers starting in
// [From, To): offline ones nearest first when Near is given, online ones
// (and all without Near) soonest first, offline before online. Each page
// counts its seats left in one engine round trip.
func (s *Service) Search(ctx context.Context, a actor.Actor, cmd SearchCommand) ([]View, bool, error) {
	if !cmd.To.After(cmd.From) || cmd.To.Sub(cmd.From) > MaxSearchRange {
		return nil, false, ErrSearchInvalid.WithFields(fault.FieldError{Field: "to", Code: "range"})
	}
	found, err := s.d.Sessions.Search(ctx, Query{From: cmd.From, To: cmd.To, Topic: cmd.Topic, Format: cmd.Format,
		Limit: searchScan})
	if err != nil {
		return nil, false, err
	}
	visible := map[string]bool{}
	var keep []course.Session
	for _, sess := range found {
		if cmd.ChildAgeMonths != nil && sess.Audience.Kind == course.Parents && !sess.Audience.For(*cmd.ChildAgeMonths) {
			continue
		}
		ok, seen := visible[sess.ProviderID]
		if !seen {
			p, err := s.d.Providers.Get(ctx, sess.ProviderID)
			if err != nil && !fault.Is(err, provider.ErrNotFound) {
				return nil, false, err
			}
			ok = err == nil && p.Visible()
			visible[sess.ProviderID] = ok
		}
		if ok {
			keep = append(keep, sess)
		}
	}
	dist := func(sess course.Session) float64 {
		if cmd.Near == nil || sess.Location == nil {
			return 0
		}
		return geo.Distance(*cmd.Near, *sess.Location)
	}
	slices.SortStableFunc(keep, func(x, y course.Session) int {
		if (x.Format == course.Online) != (y.Format == course.Online) {
			if x.Format == course.Offline {
				return -1
			}
			return 1
		}
		if x.Format == course.Offline && cmd.Near != nil {
			if dx, dy := dist(x), dist(y); dx != dy {
				if dx < dy {
					return -1
				}
				return 1
			}
		}
		return x.Start.Compare(y.Start)
	})
	if cmd.Offset >= len(keep) {
		return nil, false, nil
	}
	end := min(len(keep), cmd.Offset+cmd.Limit)
	views, err := s.views(ctx, keep[cmd.Offset:end])
	if err != nil {
		return nil, false, err
	}
	for i := range views {
		if cmd.Near != nil && views[i].Session.Location != nil {
			d := dist(views[i].Session)
			views[i].DistanceMetres = &d
		}
	}
	return views, end < len(keep), nil
}
