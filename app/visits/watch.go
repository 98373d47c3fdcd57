package visits

import (
	"context"
	"errors"
	"fmt"

	"github.com/kincare/kincare/app/notify"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/visit"
)

// watchPage bounds the records one query of the watch reads.
const watchPage = 200

// WatchResult is what one pass of the watch did.
type WatchResult struct {
	Alerted  int // elders unvisited for two months, told to their station
	Credited int // volunteers' visits whose credit the pass posted
	Donated  int // donations a crash left reserved, finished
}

// Watch alerts each station of its elders unvisited for
// visit.QuietMonths (once per quiet spell: the alert is one conditional
// write of the record), and credits volunteers' verified visits whose
// credit a failure after check-out left unposted (the ledger's key makes
// a credit posted twice one entry), and finishes donations a crash left
// reserved. It runs every VISIT_WATCH_INTERVAL,
// on the controllable clock; replicas running it at once alert once.
func (s *Service) Watch(ctx context.Context) (WatchResult, error) {
	now := s.d.Now()
	var res WatchResult
	var errs []error
	// A spell is quiet from since+2 months; any record quiet now began
	// before now−2 months (+ a few days for months of unequal length:
	// Quiet decides exactly).
	cutoff := now.AddDate(0, -visit.QuietMonths, 3)
	for after := ""; ; {
		cs, err := s.d.Cares.QuietBefore(ctx, cutoff, after, watchPage)
		if err != nil {
			errs = append(errs, err)
			break
		}
		for _, c := range cs {
			if !c.Quiet(now) {
				continue
			}
			alerted := false
			if _, err := s.d.Cares.Update(ctx, c.ElderID, func(c *visit.Care) error {
				var err error
				alerted, err = c.AlertQuiet(s.d.NewID(), s.d.Now())
				return err
			}); err != nil {
				errs = append(errs, fmt.Errorf("care %s: %w", c.ElderID, err))
			}
			if alerted {
				res.Alerted++
			}
		}
		if len(cs) < watchPage {
			break
		}
		after = cs[len(cs)-1].ElderID
	}
	vs, err := s.d.Visits.Uncredited(ctx, watchPage)
	if err != nil {
		errs = append(errs, err)
	}
	for _, v := range vs {
		if _, err := s.credit(ctx, v); err != nil {
			if !errors.Is(err, visit.ErrVolunteerNotVerified) {
				errs = append(errs, fmt.Errorf("visit %s: %w", v.ID, err))
			}
			continue
		}
		res.Credited++
	}
	donated, err := s.finishDonations(ctx)
	res.Donated = donated
	if err != nil {
		errs = append(errs, err)
	}
	return res, errors.Join(errs...)
}

// Audiences says who hears of visits: the family that a visit was made;
// the visitor that an elder was assigned to them; the station's office
// of an elder unvisited for two months; the volunteer of a credit and of
// their verification; the family that officials marked their elder (an
// official record is not kept from them).
func (s *Service) Audiences() map[event.Type]notify.Audience {
	family := notify.AudienceFunc(func(ctx context.Context, e event.Event) ([]notify.Recipient, error) {
		var out notify.Hearers
		if err := out.AddFamily(ctx, s.d.Families, e.Data["familyId"]); err != nil {
			return nil, err
		}
		return out.Recipients(), nil
	})
	return map[event.Type]notify.Audience{
		visit.EventRecorded:          family,
		visit.EventMarked:            family,
		visit.EventVisitorAssigned:   s.dataUser("visitorId"),
		visit.EventVolunteerVerified: s.dataUser("volunteerId"),
		EventCredited:                s.dataUser("volunteerId"),
		visit.EventQuiet: notify.AudienceFunc(func(ctx context.Context, e event.Event) ([]notify.Recipient, error) {
			var out notify.Hearers
			if id := e.Data["stationId"]; id != "" {
				if err := out.AddOffice(ctx, s.d.Providers, id); err != nil {
					return nil, err
				}
			}
			return out.Recipients(), nil
		}),
	}
}

func (s *Service) dataUser(key string) notify.Audience {
	return notify.AudienceFunc(func(_ context.Context, e event.Event) ([]notify.Recipient, error) {
		var out notify.Hearers
		if id := e.Data[key]; id != "" {
			out.Add(id)
		}
		return out.Recipients(), nil
	})
}
