package mongo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/kincare/kincare/domain/attendance"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/dailyreport"
	"github.com/kincare/kincare/domain/event"
)

const dailyReportsColl = "dailyReports"

// reportMonthDoc holds a child's daily reports of one month, of every
// provider: _id is childId_YYYY-MM. A family reading a week of reports
// reads one or two documents by id, and a staff member writing a day's
// report rewrites the month's document (a month of days is a few dozen
// kilobytes). Each report's events wait in the month's outbox.
type reportMonthDoc struct {
	ID          string      `bson:"_id"`
	ChildID     string      `bson:"childId"`
	FamilyID    string      `bson:"familyId"`
	Month       string      `bson:"month"`
	Reports     []reportDoc `bson:"reports"`
	Version     int64       `bson:"version"`
	Pending     []eventDoc  `bson:"pendingEvents,omitempty"`
	OutboxSince *time.Time  `bson:"outboxSince,omitempty"`
}

func (d reportMonthDoc) pendingEvents() int { return len(d.Pending) }

type reportDoc struct {
	ID          string          `bson:"id"`
	ProviderID  string          `bson:"providerId"`
	Date        string          `bson:"date"`
	Zone        string          `bson:"zone"`
	Content     contentDoc      `bson:"content"`
	Status      string          `bson:"status"`
	Version     int             `bson:"version"`
	CreatedBy   string          `bson:"createdBy"`
	CreatedAt   time.Time       `bson:"createdAt"`
	UpdatedBy   string          `bson:"updatedBy"`
	UpdatedAt   time.Time       `bson:"updatedAt"`
	PublishedBy string          `bson:"publishedBy,omitempty"`
	PublishedAt *time.Time      `bson:"publishedAt,omitempty"`
	Corrections []correctionDoc `bson:"corrections,omitempty"`
}

type contentDoc struct {
	Meals       []mealDoc   `bson:"meals"`
	Naps        []napDoc    `bson:"naps"`
	Toileting   []toiletDoc `bson:"toileting"`
	Activities  []string    `bson:"activities"`
	Mood        string      `bson:"mood,omitempty"`
	HealthNotes string      `bson:"healthNotes,omitempty"`
	PhotoRefs   []string    `bson:"photoRefs"`
}

type mealDoc struct {
	Kind   string `bson:"kind"`
	Food   string `bson:"food"`
	Amount string `bson:"amount"`
}

type napDoc struct {
	Start time.Time  `bson:"start"`
	End   *time.Time `bson:"end,omitempty"`
}

type toiletDoc struct {
	At   time.Time `bson:"at"`
	Kind string    `bson:"kind"`
}

type correctionDoc struct {
	Version  int        `bson:"version"`
	Previous contentDoc `bson:"previous"`
	At       time.Time  `bson:"at"`
	By       string     `bson:"by"`
	Reason   string     `bson:"reason"`
}

func toContentDoc(c dailyreport.Content) contentDoc {
	return contentDoc{Mood: string(c.Mood), HealthNotes: c.HealthNotes, Activities: stringList(c.Activities),
		PhotoRefs: stringList(c.PhotoRefs),
		Meals: docList(c.Meals, func(m dailyreport.Meal) mealDoc {
			return mealDoc{Kind: string(m.Kind), Food: m.Food, Amount: string(m.Amount)}
		}),
		Naps: docList(c.Naps, func(n dailyreport.Nap) napDoc { return napDoc{Start: n.Start, End: optTime(n.End)} }),
		Toileting: docList(c.Toileting, func(t dailyreport.Toileting) toiletDoc {
			return toiletDoc{At: t.At, Kind: string(t.Kind)}
		})}
}

func (d contentDoc) content() dailyreport.Content {
	c := dailyreport.Content{Mood: dailyreport.Mood(d.Mood), HealthNotes: d.HealthNotes, Activities: d.Activities,
		PhotoRefs: d.PhotoRefs}
	for _, m := range d.Meals {
		c.Meals = append(c.Meals, dailyreport.Meal{Kind: dailyreport.MealKind(m.Kind), Food: m.Food, Amount: dailyreport.Amount(m.Amount)})
	}
	for _, n := range d.Naps {
		c.Naps = append(c.Naps, dailyreport.Nap{Start: n.Start.UTC(), End: fromOptTime(n.End)})
	}
	for _, t := range d.Toileting {
		c.Toileting = append(c.Toileting, dailyreport.Toileting{At: t.At.UTC(), Kind: dailyreport.ToiletKind(t.Kind)})
	}
	return c
}

func toReportDoc(r *dailyreport.Report) reportDoc {
	s := r.Snapshot()
	return reportDoc{ID: s.ID, ProviderID: s.ProviderID, Date: s.Date.String(), Zone: s.Zone, Content: toContentDoc(s.Content),
		Status: string(s.Status), Version: s.Version, CreatedBy: s.CreatedBy, CreatedAt: s.CreatedAt, UpdatedBy: s.UpdatedBy,
		UpdatedAt: s.UpdatedAt, PublishedBy: s.PublishedBy, PublishedAt: optTime(s.PublishedAt),
		Corrections: docList(s.Corrections, func(c dailyreport.Correction) correctionDoc {
			return correctionDoc{Version: c.Version, Previous: toContentDoc(c.Previous), At: c.At, By: c.By, Reason: c.Reason}
		})}
}

func (d reportDoc) report(childID, familyID string) (*dailyreport.Report, error) {
	date, err := calendar.ParseDate(d.Date)
	if err != nil {
		return nil, fmt.Errorf("mongo: daily report %s: %w", d.ID, err)
	}
	s := dailyreport.Snapshot{ID: d.ID, ChildID: childID, FamilyID: familyID, ProviderID: d.ProviderID, Date: date,
		Zone: d.Zone, Content: d.Content.content(), Status: dailyreport.Status(d.Status), Version: d.Version,
		CreatedBy: d.CreatedBy, CreatedAt: d.CreatedAt.UTC(), UpdatedBy: d.UpdatedBy, UpdatedAt: d.UpdatedAt.UTC(),
		PublishedBy: d.PublishedBy, PublishedAt: fromOptTime(d.PublishedAt)}
	for _, c := range d.Corrections {
		s.Corrections = append(s.Corrections, dailyreport.Correction{Version: c.Version, Previous: c.Previous.content(),
			At: c.At.UTC(), By: c.By, Reason: c.Reason})
	}
	return dailyreport.Unmarshal(s), nil
}

// reportMonth is a month document in use: its reports, its outbox, and
// the report an update works on.
type reportMonth struct {
	id, childID, familyID, month string
	reports                      []*dailyreport.Report
	pending                      []event.Event
	current                      *dailyreport.Report
}

func (m *reportMonth) doc(version int64) reportMonthDoc {
	pending := slices.Clone(m.pending)
	for _, r := range m.reports {
		pending = append(pending, r.Pending()...)
	}
	d := reportMonthDoc{ID: m.id, ChildID: m.childID, FamilyID: m.familyID, Month: m.month, Version: version,
		Reports: make([]reportDoc, len(m.reports)), Pending: toEventDocs(pending), OutboxSince: outboxSince(pending)}
	for i, r := range m.reports {
		d.Reports[i] = toReportDoc(r)
	}
	return d
}

func (d reportMonthDoc) month() (*reportMonth, int64, error) {
	m := &reportMonth{id: d.ID, childID: d.ChildID, familyID: d.FamilyID, month: d.Month, pending: fromEventDocs(d.Pending)}
	for _, rd := range d.Reports {
		r, err := rd.report(d.ChildID, d.FamilyID)
		if err != nil {
			return nil, 0, err
		}
		m.reports = append(m.reports, r)
	}
	return m, d.Version, nil
}

// Reports implements childday.Reports.
type Reports struct {
	coll  *collection
	guard *writeGuard
	bell  *outboxBell
}

func (s *Store) Reports() *Reports {
	return &Reports{coll: s.collection(dailyReportsColl), guard: s.guard, bell: s.bell}
}

func monthDocID(childID string, m attendance.Month) string { return childID + "_" + m.String() }

func (r *Reports) find(ctx context.Context, id string) (reportMonthDoc, error) {
	return findByID[reportMonthDoc](ctx, r.coll, id, "daily reports", errMissing)
}

// Get returns dailyreport.ErrNotFound for a report never started.
func (r *Reports) Get(ctx context.Context, childID string, d calendar.Date, providerID string) (*dailyreport.Report, error) {
	doc, err := r.find(ctx, monthDocID(childID, attendance.MonthOf(d)))
	if errors.Is(err, errMissing) {
		return nil, dailyreport.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	id := dailyreport.ID(childID, d, providerID)
	for _, rd := range doc.Reports {
		if rd.ID == id {
			return rd.report(doc.ChildID, doc.FamilyID)
		}
	}
	return nil, dailyreport.ErrNotFound
}

// Update loads the month, finds (or with fresh, starts) the day's
// report, applies fn and writes the month with the report's events.
func (r *Reports) Update(ctx context.Context, childID string, d calendar.Date, providerID string,
	fresh func() *dailyreport.Report, fn func(*dailyreport.Report) error) (*dailyreport.Report, error) {
	m := attendance.MonthOf(d)
	id := dailyreport.ID(childID, d, providerID)
	var start func() *reportMonth
	if fresh != nil {
		start = func() *reportMonth {
			rep := fresh()
			return &reportMonth{id: monthDocID(childID, m), childID: childID, familyID: rep.FamilyID(), month: m.String()}
		}
	}
	month, err := upsertVersioned(ctx, r.coll, r.guard, r.bell, "daily reports", monthDocID(childID, m), errMissing,
		r.find, reportMonthDoc.month, start, func(month *reportMonth) error {
			i := slices.IndexFunc(month.reports, func(x *dailyreport.Report) bool { return x.ID() == id })
			if i < 0 {
				if fresh == nil {
					return dailyreport.ErrNotFound
				}
				month.reports = append(month.reports, fresh())
				i = len(month.reports) - 1
			}
			month.current = month.reports[i]
			return fn(month.current)
		}, (*reportMonth).doc)
	if errors.Is(err, errMissing) {
		return nil, dailyreport.ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return month.current, nil
}

// Range are a child's reports from one date to another, both included,
// newest day first, then by provider: one read by id per month.
func (r *Reports) Range(ctx context.Context, childID string, from, to calendar.Date) ([]*dailyreport.Report, error) {
	var out []*dailyreport.Report
	last := attendance.MonthOf(to)
	for m := attendance.MonthOf(from); !last.Before(m); m = m.Next() {
		doc, err := r.find(ctx, monthDocID(childID, m))
		if errors.Is(err, errMissing) {
			continue
		}
		if err != nil {
			return nil, err
		}
		for _, rd := range doc.Reports {
			if rd.Date < from.String() || rd.Date > to.String() {
				continue
			}
			rep, err := rd.report(doc.ChildID, doc.FamilyID)
			if err != nil {
				return nil, err
			}
			out = append(out, rep)
		}
	}
	slices.SortFunc(out, func(a, b *dailyreport.Report) int {
		if c := strings.Compare(b.Date().String(), a.Date().String()); c != 0 {
			return c
		}
		return strings.Compare(a.ProviderID(), b.ProviderID())
	})
	return out, nil
}

// ByFamily are the reports about a family's children, for its data
// export: a query on the family, rare enough to scan on the embedded
// store.
func (r *Reports) ByFamily(ctx context.Context, familyID string) ([]*dailyreport.Report, error) {
	docs, err := findAll(ctx, r.coll, "daily reports of family", bson.D{{Key: "familyId", Value: familyID}}, nil,
		func(d reportMonthDoc) reportMonthDoc { return d })
	if err != nil {
		return nil, err
	}
	var out []*dailyreport.Report
	for _, d := range docs {
		m, _, err := d.month()
		if err != nil {
			return nil, err
		}
		out = append(out, m.reports...)
	}
	slices.SortFunc(out, func(a, b *dailyreport.Report) int { return strings.Compare(a.ID(), b.ID()) })
	return out, nil
}

// DeleteByFamily erases a family's children's reports, with their data.
func (r *Reports) DeleteByFamily(ctx context.Context, familyID string) error {
	if _, err := r.coll.DeleteMany(ctx, bson.D{{Key: "familyId", Value: familyID}}); err != nil {
		return fmt.Errorf("mongo: delete daily reports of family: %w", err)
	}
	return nil
}

// DeleteByChild erases a child's reports.
func (r *Reports) DeleteByChild(ctx context.Context, childID string) error {
	if _, err := r.coll.DeleteMany(ctx, bson.D{{Key: "childId", Value: childID}}); err != nil {
		return fmt.Errorf("mongo: delete daily reports of child: %w", err)
	}
	return nil
}
