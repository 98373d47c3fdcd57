package childday

import (
	"context"
	"errors"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/child"
	"github.com/kincare/kincare/domain/dailyreport"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/provider"
)

// ReportCommand is staff writing a child's day at their provider.
type ReportCommand struct {
	ChildID    string
	ProviderID string
	Date       calendar.Date
	Content    dailyreport.Content
	// CorrectionReason says why a published report changes.
	CorrectionReason string
}

// reporter loads the provider and child for staff writing a report of a
// day the child has a place. A member of the child's family is told
// reports are not theirs to write (403); anyone else that the child does
// not exist.
func (s *Service) reporter(ctx context.Context, a actor.Actor, childID, providerID string, d calendar.Date) (*provider.Provider, child.Child, error) {
	c, err := s.d.Children.Get(ctx, childID)
	if err != nil {
		return nil, child.Child{}, err
	}
	p, err := s.staffAt(ctx, a, providerID, child.ErrNotFound)
	if fault.Is(err, child.ErrNotFound) {
		if f, ferr := s.d.Families.Get(ctx, c.FamilyID); ferr == nil && f.RequireMember(a.UserID) == nil {
			return nil, child.Child{}, fault.ErrForbidden
		}
	}
	if err != nil {
		return nil, child.Child{}, err
	}
	if d.IsZero() {
		return nil, child.Child{}, ErrDateInvalid.WithFields(fault.FieldError{Field: "date", Code: "required"})
	}
	if _, err := s.locate(ctx, p, c, d); errors.Is(err, errNoBooking) {
		return nil, child.Child{}, s.unbooked(ctx, c, p, ErrNoBookingThatDay, d)
	} else if err != nil {
		return nil, child.Child{}, err
	}
	return p, c, nil
}

// FillReport writes a child's report of a day with a place at the
// provider: before publishing it is a draft staff fill through the day;
// after, a correction (with its reason) kept as a new version the family
// is told of.
func (s *Service) FillReport(ctx context.Context, a actor.Actor, cmd ReportCommand) (*dailyreport.Report, error) {
	p, c, err := s.reporter(ctx, a, cmd.ChildID, cmd.ProviderID, cmd.Date)
	if err != nil {
		return nil, err
	}
	now := s.d.Now()
	r, err := s.d.Reports.Update(ctx, c.ID, cmd.Date, p.ID, func() *dailyreport.Report {
		return dailyreport.New(c.ID, c.FamilyID, p.ID, cmd.Date, zone(p).String(), a.UserID, now)
	}, func(r *dailyreport.Report) error {
		return r.Fill(cmd.Content, a.UserID, cmd.CorrectionReason, now, s.d.NewID())
	})
	if err != nil {
		return nil, err
	}
	s.d.Audit.Record(ctx, a, c.FamilyID, audit.Update, "daily_report", r.ID())
	return r, nil
}

// PublishReport shows a day's report to the family and pushes it to
// them. Once a day: publishing again is refused (a change is a
// correction).
func (s *Service) PublishReport(ctx context.Context, a actor.Actor, childID, providerID string, d calendar.Date) (*dailyreport.Report, error) {
	p, c, err := s.reporter(ctx, a, childID, providerID, d)
	if err != nil {
		return nil, err
	}
	r, err := s.d.Reports.Update(ctx, c.ID, d, p.ID, nil, func(r *dailyreport.Report) error {
		return r.Publish(a.UserID, c.Profile.Name, s.d.Now(), s.d.NewID())
	})
	if err != nil {
		return nil, err
	}
	s.d.Audit.Record(ctx, a, c.FamilyID, audit.Update, "daily_report", r.ID())
	return r, nil
}

// ReportQuery pages a child's reports between two dates (without them,
// the last ReportWindow days to tomorrow in the family's zone);
// ProviderID names the provider whose staff are asking.
type ReportQuery struct {
	From, To   calendar.Date
	ProviderID string
	Page       page.Request
}

// MaxReportRange bounds one query's dates; ReportWindow is the default.
const (
	MaxReportRange = 366
	ReportWindow   = 30
)

// ListReports pages a child's reports, newest day first. The family sees
// the published ones of every provider (each at its latest version,
// marked when corrected); staff of a provider the child has had a place
// at see that provider's, drafts too. To anyone else the child does not
// exist. A family's read is audited.
func (s *Service) ListReports(ctx context.Context, a actor.Actor, childID string, q ReportQuery) ([]*dailyreport.Report, bool, error) {
	if a.UserID == "" {
		return nil, false, fault.ErrUnauthenticated
	}
	c, err := s.d.Children.Get(ctx, childID)
	if err != nil {
		return nil, false, err
	}
	f, err := s.d.Families.Get(ctx, c.FamilyID)
	if err != nil && !fault.Is(err, family.ErrNotFound) {
		return nil, false, err
	}
	if q.To.IsZero() {
		loc := time.UTC
		if f != nil {
			loc = f.Location()
		}
		q.To = calendar.Today(s.d.Now(), loc).AddDays(1)
	}
	if q.From.IsZero() {
		q.From = q.To.AddDays(-ReportWindow)
	}
	switch {
	case q.To.Before(q.From):
		return nil, false, ErrDateInvalid.WithFields(fault.FieldError{Field: "to", Code: "before_from"})
	case q.From.AddDays(MaxReportRange - 1).Before(q.To):
		return nil, false, ErrDateInvalid.With(map[string]any{"maxDays": MaxReportRange}).
			WithFields(fault.FieldError{Field: "to", Code: "range_too_long"})
	}
	asFamily := f != nil && f.RequireMember(a.UserID) == nil
	if !asFamily {
		if q.ProviderID == "" {
			return nil, false, child.ErrNotFound
		}
		p, err := s.staffAt(ctx, a, q.ProviderID, child.ErrNotFound)
		if err != nil {
			return nil, false, err
		}
		known, err := s.knownAt(ctx, c.ID, p.ID)
		if err != nil {
			return nil, false, err
		}
		if !known {
			return nil, false, child.ErrNotFound
		}
	}
	all, err := s.d.Reports.Range(ctx, c.ID, q.From, q.To)
	if err != nil {
		return nil, false, err
	}
	var out []*dailyreport.Report
	past := q.Page.After == ""
	more := false
	for _, r := range all {
		if !past {
			past = r.ID() == q.Page.After
			continue
		}
		if asFamily && !r.Published() || !asFamily && r.ProviderID() != q.ProviderID {
			continue
		}
		if len(out) == q.Page.Limit {
			more = true
			break
		}
		out = append(out, r)
	}
	if !past {
		return nil, false, page.ErrCursorInvalid.WithFields(fault.FieldError{Field: "query.cursor", Code: "cursor_invalid"})
	}
	if asFamily {
		if err := s.d.Audit.RecordRead(ctx, a, c.FamilyID, "daily_reports", c.ID); err != nil {
			return nil, false, err
		}
	}
	return out, more, nil
}
