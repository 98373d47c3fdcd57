package recurrence

import (
	"context"
	"log/slog"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/familyaccess"
	"github.com/kincare/kincare/app/orders"
	"github.com/kincare/kincare/app/quotes"
	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/family"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/recurrence"
)

// Pricer prices an order as a quote would: quotes.Service.
type Pricer interface {
	Price(ctx context.Context, a actor.Actor, cmd quotes.Command) (quotes.Priced, error)
}

// Deps are what the rules' use cases need.
type Deps struct {
	Rules      Rules
	Records    Records
	Orders     Orders
	OrderStore OrderStore
	Elders     Elders
	Families   familyaccess.Families
	Pricer     Pricer
	Generator  *Generator
	Now        func() time.Time
	NewID      func() string
	Log        *slog.Logger
}

// Service gathers the family's recurring-order use cases.
type Service struct {
	d        Deps
	homeCare HomeCare
}

func NewService(d Deps) *Service {
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{d: d, homeCare: HomeCare{Rules: d.Rules, Orders: d.Orders, Store: d.OrderStore, Now: d.Now,
		NewID: d.NewID}}
}

// Use sets the generator that a new, resumed or changed rule runs at
// once (the generator needs the service's target first, hence not a
// dependency).
func (s *Service) Use(g *Generator) { s.d.Generator = g }

// Target is the home-care target, for the generator's wiring.
func (s *Service) Target() Target { return s.homeCare }

// familyElder loads an elder and its family for one of the family's
// members; to anyone else the elder does not exist.
func (s *Service) familyElder(ctx context.Context, a actor.Actor, elderID string) (elder.Elder, *family.Family, error) {
	if a.UserID == "" {
		return elder.Elder{}, nil, fault.ErrUnauthenticated
	}
	e, err := s.d.Elders.Get(ctx, elderID)
	if err != nil {
		return elder.Elder{}, nil, err
	}
	f, err := familyaccess.OwnerOf(ctx, s.d.Families, a, e.FamilyID, elder.ErrNotFound)
	if err != nil {
		return elder.Elder{}, nil, err
	}
	return e, f, nil
}

// rule loads a rule for a member of its family; to anyone else it does
// not exist.
func (s *Service) rule(ctx context.Context, a actor.Actor, id string) (*recurrence.Rule, error) {
	if a.UserID == "" {
		return nil, fault.ErrUnauthenticated
	}
	r, err := s.d.Rules.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if _, err := familyaccess.OwnerOf(ctx, s.d.Families, a, r.FamilyID(), recurrence.ErrNotFound); err != nil {
		return nil, err
	}
	return r, nil
}

// CreateCommand is a family member setting up a recurring order.
type CreateCommand struct {
	ElderID      string
	ProviderID   string
	ItemID       string
	PriceVersion int
	Quantity     int
	Notes        string
	// DueFen, when given, is what the family accepts to pay per visit;
	// otherwise what the first visit is quoted now. An occurrence that
	// would cost more (the month's allowance used up) is skipped and told.
	DueFen *int64
	// Spec's TimeZone is the family's, whatever it says.
	Spec recurrence.Spec
}

// Create checks the service as a quote would (the provider, the item,
// the price version the family saw, what the first visit costs her),
// stores the rule in the family's zone, and orders its occurrences
// within the horizon at once, so the family sees them without waiting
// for the generator's next run. An occurrence refused then is skipped
// and told like any other.
func (s *Service) Create(ctx context.Context, a actor.Actor, cmd CreateCommand) (*recurrence.Rule, error) {
	_, f, err := s.familyElder(ctx, a, cmd.ElderID)
	if err != nil {
		return nil, err
	}
	cmd.Spec.TimeZone = f.TimeZone()
	sched, err := recurrence.NewSchedule(cmd.Spec)
	if err != nil {
		return nil, err
	}
	draft := recurrence.Draft{ID: s.d.NewID(), FamilyID: f.ID(), ElderID: cmd.ElderID,
		CreatedBy: a.UserID, ProviderID: cmd.ProviderID, ItemID: cmd.ItemID, PriceVersion: cmd.PriceVersion,
		Quantity: cmd.Quantity, Notes: cmd.Notes, Schedule: sched}
	if _, err := recurrence.New(draft, s.d.Now()); err != nil {
		return nil, err // the fields first, before asking the provider
	}
	if draft.DueFen, err = s.accept(ctx, a, draft, sched.On(sched.Spec().StartsOn), cmd.DueFen); err != nil {
		return nil, err
	}
	r, err := recurrence.New(draft, s.d.Now())
	if err != nil {
		return nil, err
	}
	if err := s.d.Rules.Create(ctx, r); err != nil {
		return nil, err
	}
	s.generate(ctx, r)
	return r, nil
}

// accept prices one visit of a rule as an order would be, refuses a
// stale price version, and answers what the family accepts to pay per
// visit: due, when given and no less than the quote, else the quote's.
func (s *Service) accept(ctx context.Context, a actor.Actor, d recurrence.Draft, o recurrence.Occurrence,
	due *int64) (int64, error) {
	quantity := max(d.Quantity, 1)
	q, err := s.d.Pricer.Price(ctx, a, quotes.Command{ElderID: d.ElderID, ProviderID: d.ProviderID,
		ItemID: d.ItemID, Start: o.Start, End: o.End, Quantity: quantity})
	if err != nil {
		return 0, err
	}
	if q.Quote.PriceVersion != d.PriceVersion {
		return 0, orders.ErrPriceChanged.With(map[string]any{"current": q.Quote.PriceVersion})
	}
	if due == nil {
		return q.Quote.DueFen, nil
	}
	if q.Quote.DueFen > *due {
		return 0, orders.ErrAllowanceChanged.With(map[string]any{"allowanceFen": q.Quote.AllowanceFen,
			"dueFen": q.Quote.DueFen})
	}
	return *due, nil
}

// generate makes a rule's occurrences within the horizon now; what fails
// here the generator's next run makes.
func (s *Service) generate(ctx context.Context, r *recurrence.Rule) {
	if s.d.Generator == nil {
		return
	}
	if _, err := s.d.Generator.RunPlan(ctx, s.homeCare, r); err != nil {
		s.d.Log.WarnContext(ctx, "recurring order: first occurrences left to the generator", "rule", r.ID(), "err", err)
	}
}

// Get is one rule, to its family.
func (s *Service) Get(ctx context.Context, a actor.Actor, id string) (*recurrence.Rule, error) {
	return s.rule(ctx, a, id)
}

// Page is one page of rules.
type Page struct {
	Rules      []*recurrence.Rule
	NextCursor string
}

// ForElder lists an elder's rules, newest first, to the elder's family.
func (s *Service) ForElder(ctx context.Context, a actor.Actor, elderID, cursor string, limit int) (Page, error) {
	p, err := parsePage(cursor, limit)
	if err != nil {
		return Page{}, err
	}
	if _, _, err := s.familyElder(ctx, a, elderID); err != nil {
		return Page{}, err
	}
	rs, more, err := s.d.Rules.ForElder(ctx, elderID, p)
	if err != nil {
		return Page{}, err
	}
	out := Page{Rules: rs}
	if len(rs) > 0 {
		out.NextCursor = cursorAfter(rs[len(rs)-1].ID(), more)
	}
	return out, nil
}

// change applies a change to a rule for its family.
func (s *Service) change(ctx context.Context, a actor.Actor, id string, fn func(*recurrence.Rule) error) (*recurrence.Rule, error) {
	if _, err := s.rule(ctx, a, id); err != nil {
		return nil, err
	}
	return s.d.Rules.Update(ctx, id, fn)
}

// Pause stops the rule's orders: those already made for later dates are
// cancelled, no visit happens while it is paused.
func (s *Service) Pause(ctx context.Context, a actor.Actor, id string) (*recurrence.Rule, error) {
	now := s.d.Now()
	r, err := s.change(ctx, a, id, func(r *recurrence.Rule) error { return r.Pause(now) })
	if err != nil {
		return nil, err
	}
	s.withdraw(ctx, a, r, calendar.Today(now, r.Schedule().Location()), nil, now)
	return r, nil
}

// Resume restarts a paused rule and orders its coming occurrences.
func (s *Service) Resume(ctx context.Context, a actor.Actor, id string) (*recurrence.Rule, error) {
	now := s.d.Now()
	r, err := s.change(ctx, a, id, func(r *recurrence.Rule) error { return r.Resume(now) })
	if err != nil {
		return nil, err
	}
	s.generate(ctx, r)
	return r, nil
}

// End stops the rule for good, cancelling orders made for later dates.
func (s *Service) End(ctx context.Context, a actor.Actor, id string) (*recurrence.Rule, error) {
	now := s.d.Now()
	r, err := s.change(ctx, a, id, func(r *recurrence.Rule) error { return r.End(now) })
	if err != nil {
		return nil, err
	}
	s.withdraw(ctx, a, r, calendar.Today(now, r.Schedule().Location()), nil, now)
	return r, nil
}

// Skip leaves out one occurrence; an order already made for it is
// cancelled.
func (s *Service) Skip(ctx context.Context, a actor.Actor, id string, d calendar.Date) (*recurrence.Rule, error) {
	now := s.d.Now()
	r, err := s.change(ctx, a, id, func(r *recurrence.Rule) error { return r.Skip(d, now) })
	if err != nil {
		return nil, err
	}
	s.withdraw(ctx, a, r, d, &d, now)
	return r, nil
}

// SplitCommand changes a rule from one occurrence on.
type SplitCommand struct {
	From   calendar.Date
	Change recurrence.Change
}

// Split changes this and future occurrences: the rule ends the day
// before From, orders it made from then on are cancelled, and a new rule
// (returned) carries on with the change and orders its occurrences.
//
// There are no transactions: the old rule is cut first, then the new
// one stored, so a crash between the two loses the future (the family
// sees the rule ended and sets it again) rather than ordering twice.
func (s *Service) Split(ctx context.Context, a actor.Actor, id string, cmd SplitCommand) (*recurrence.Rule, error) {
	now := s.d.Now()
	old, err := s.rule(ctx, a, id)
	if err != nil {
		return nil, err
	}
	if cmd.Change.Spec != nil {
		cmd.Change.Spec.TimeZone = old.Schedule().Spec().TimeZone
	}
	if cmd.Change.PriceVersion != 0 || cmd.Change.DueFen != nil {
		// A new price is accepted as at creation: priced on the new
		// rule's first visit. The split is tried on the copy just read.
		preview, err := old.Split(cmd.From, cmd.Change, s.d.NewID(), now)
		if err != nil {
			return nil, err
		}
		sched := preview.Schedule()
		if first := sched.Between(now, now.Add(MaxUpcomingDays*24*time.Hour)); len(first) > 0 {
			due, err := s.accept(ctx, a, preview.Snapshot().Draft, first[0], cmd.Change.DueFen)
			if err != nil {
				return nil, err
			}
			cmd.Change.DueFen = &due
		}
	}
	var next *recurrence.Rule
	old, err = s.d.Rules.Update(ctx, id, func(r *recurrence.Rule) error {
		n, err := r.Split(cmd.From, cmd.Change, s.d.NewID(), now)
		next = n
		return err
	})
	if err != nil {
		return nil, err
	}
	s.withdraw(ctx, a, old, cmd.From, nil, now)
	if err := s.d.Rules.Create(ctx, next); err != nil {
		return nil, err
	}
	s.generate(ctx, next)
	return next, nil
}

// withdraw cancels the orders a rule made for dates from `from` on (only
// that date when `only` is set). A cancellation the order refuses (the
// visit began) is logged and left: the family sees the order.
func (s *Service) withdraw(ctx context.Context, a actor.Actor, r *recurrence.Rule, from calendar.Date,
	only *calendar.Date, now time.Time) {
	to := calendar.Today(now, r.Schedule().Location()).AddDays(int(s.horizon()/(24*time.Hour)) + 2)
	if only != nil {
		to = *only
	}
	recs, err := s.d.Records.ForPlan(ctx, HomeCareKind, r.ID(), from, to)
	if err != nil {
		s.d.Log.WarnContext(ctx, "recurring order: made orders not withdrawn", "rule", r.ID(), "err", err)
		return
	}
	for _, rec := range recs {
		if rec.State != Made || rec.Ref == "" {
			continue
		}
		if _, err := s.d.Orders.Cancel(ctx, a, rec.Ref, withdrawReason); err != nil {
			s.d.Log.InfoContext(ctx, "recurring order: a made order was not cancelled", "rule", r.ID(),
				"order", rec.Ref, "err", err)
			continue
		}
		if err := s.d.Records.Forget(ctx, rec.Key); err != nil {
			s.d.Log.WarnContext(ctx, "recurring order: withdrawn occurrence not forgotten", "rule", r.ID(),
				"key", rec.Key, "err", err)
		}
	}
}

const withdrawReason = "定期服务已变更 (recurring order changed)"

func (s *Service) horizon() time.Duration {
	if s.d.Generator == nil {
		return DefaultHorizon
	}
	return s.d.Generator.Horizon()
}

// MaxUpcomingDays bounds the list of upcoming occurrences.
const MaxUpcomingDays = 62

// Upcoming is an occurrence ahead as the family sees it.
type Upcoming struct {
	RuleID string
	recurrence.Occurrence
	// State: scheduled (not ordered yet), ordered, skipped (by the
	// family), not_ordered (the generator was refused: Code says why),
	// paused.
	State   string
	OrderID string
	Code    string
}

// UpcomingFor lists an elder's occurrences in the next days (1–62) of
// every rule not ended, with the order each produced, by start.
func (s *Service) UpcomingFor(ctx context.Context, a actor.Actor, elderID string, days int) ([]Upcoming, error) {
	if _, _, err := s.familyElder(ctx, a, elderID); err != nil {
		return nil, err
	}
	if days < 1 || days > MaxUpcomingDays {
		return nil, fault.ErrValidation.WithFields(fault.FieldError{Field: "query.days", Code: "range"})
	}
	now := s.d.Now()
	var out []Upcoming
	after := ""
	for {
		rs, more, err := s.d.Rules.ForElder(ctx, elderID, pageAfter(after))
		if err != nil {
			return nil, err
		}
		for _, r := range rs {
			got, err := s.upcoming(ctx, r, now, now.Add(time.Duration(days)*24*time.Hour))
			if err != nil {
				return nil, err
			}
			out = append(out, got...)
		}
		if !more || len(rs) == 0 {
			break
		}
		after = rs[len(rs)-1].ID()
	}
	sortUpcoming(out)
	return out, nil
}

func (s *Service) upcoming(ctx context.Context, r *recurrence.Rule, from, to time.Time) ([]Upcoming, error) {
	ahead := r.Upcoming(from, to)
	if len(ahead) == 0 {
		return nil, nil
	}
	recs, err := s.d.Records.ForPlan(ctx, HomeCareKind, r.ID(), ahead[0].Date, ahead[len(ahead)-1].Date)
	if err != nil {
		return nil, err
	}
	byDate := make(map[calendar.Date]Record, len(recs))
	for _, rec := range recs {
		byDate[rec.Date] = rec
	}
	out := make([]Upcoming, 0, len(ahead))
	for _, o := range ahead {
		u := Upcoming{RuleID: r.ID(), Occurrence: o.Occurrence, State: "scheduled"}
		rec, ok := byDate[o.Date]
		switch {
		case o.Skipped:
			u.State = "skipped"
		case ok && rec.State == Made:
			u.State, u.OrderID = "ordered", rec.Ref
		case ok && rec.State == Skipped:
			u.State, u.Code = "not_ordered", rec.Code
		case o.Paused:
			u.State = "paused"
		}
		if o.Skipped && ok && rec.State == Made {
			u.OrderID = rec.Ref // ordered, then skipped: the order was cancelled
		}
		out = append(out, u)
	}
	return out, nil
}
