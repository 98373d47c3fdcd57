// Package recurrence holds the use cases of care that repeats: the
// Generator, which turns plans (a family's recurring home-care orders,
// and any other Target such as meal subscriptions) into concrete things
// a horizon ahead, exactly once per plan and date; and the family's
// recurring-order rules (create, list, pause, skip, split, end).
//
// It imports the domain and app ports only; the occurrence records live
// in MongoDB (adapters/mongo), so a restarted or second worker carries on
// where another stopped.
package recurrence

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/recurrence"
)

// Plan is anything with occurrences to make: a home-care rule
// (*recurrence.Rule), a meal subscription.
type Plan interface {
	PlanID() string
	// Occurrences with a start in [from, to), skipped ones and those of a
	// paused plan left out.
	Occurrences(from, to time.Time) []recurrence.Occurrence
}

// Occurrence is one date of one plan, as a Target makes it.
type Occurrence struct {
	recurrence.Occurrence
	PlanID string
	// Key is the idempotency key: the target's kind, the plan and the
	// date. Exactly one record per key exists.
	Key string
	// ID is the id to give what is made; it is chosen when the
	// occurrence is claimed and stays the same when a crashed attempt is
	// taken up again, so the target can find what it made before.
	ID string
}

// Target makes the concrete thing of one kind of plan.
type Target interface {
	// Kind names the plans ("home_care", "meal"); it prefixes the keys.
	Kind() string
	// Plans pages through the plans that may have occurrences to make,
	// by id after the one given ("" first).
	Plans(ctx context.Context, after string, limit int) ([]Plan, error)
	// Materialise makes the thing for o with the id o.ID, and returns its
	// id. Called again for the same o after a crash, it must return what
	// it made rather than make another. A *fault.Error that is not
	// Internal or Unavailable is a business refusal: the occurrence is
	// skipped (Skipped is called) and the plan goes on; any other error
	// leaves the occurrence for a later run.
	Materialise(ctx context.Context, p Plan, o Occurrence) (string, error)
	// Skipped tells the plan's people that o was not made, and why.
	Skipped(ctx context.Context, p Plan, o Occurrence, why *fault.Error) error
}

// State is where an occurrence's record is.
type State string

const (
	Claimed State = "claimed" // a run is making it (or died making it)
	Made    State = "made"
	Skipped State = "skipped"
)

// Record is an occurrence as the generator keeps it: one per key.
type Record struct {
	Key       string
	Kind      string
	PlanID    string
	Date      calendar.Date
	Start     time.Time
	ID        string
	State     State
	Ref       string // the id of what was made
	Code      string // why it was skipped
	ClaimedAt time.Time
	DoneAt    time.Time
}

// Records keeps occurrence records, unique by key.
type Records interface {
	// Claim stores r unless a record with its key exists; it returns the
	// stored record and whether it is r.
	Claim(ctx context.Context, r Record) (Record, bool, error)
	// Retake moves a claim's time from was to now if it is still claimed
	// at was, and reports whether this caller moved it.
	Retake(ctx context.Context, key string, was, now time.Time) (bool, error)
	// Finish marks a claimed record made or skipped.
	Finish(ctx context.Context, key string, state State, ref, code string, at time.Time) error
	// ForPlan lists a plan's records with dates in [from, to].
	ForPlan(ctx context.Context, kind, planID string, from, to calendar.Date) ([]Record, error)
	// Forget deletes a record whose made thing was withdrawn (cancelled),
	// so that the date may be made again if the plan falls on it again
	// (a paused plan resumed).
	Forget(ctx context.Context, key string) error
}

// Config is the generator's settings.
type Config struct {
	// Horizon is how far ahead occurrences are made (default 7 days).
	Horizon time.Duration
	// Lease is how long a claim may stay unfinished before another run
	// takes it up (default 10 minutes): longer than any one ordering.
	Lease time.Duration
	// Page is how many plans are read at once (default 200).
	Page int
}

// DefaultHorizon is how far ahead occurrences are made by default.
const DefaultHorizon = 7 * 24 * time.Hour

// Generator makes the occurrences of every target's plans.
type Generator struct {
	targets []Target
	records Records
	cfg     Config
	now     func() time.Time
	newID   func() string
	log     *slog.Logger
}

func NewGenerator(records Records, cfg Config, now func() time.Time, newID func() string, log *slog.Logger,
	targets ...Target) *Generator {
	if cfg.Horizon <= 0 {
		cfg.Horizon = DefaultHorizon
	}
	if cfg.Lease <= 0 {
		cfg.Lease = 10 * time.Minute
	}
	if cfg.Page <= 0 {
		cfg.Page = 200
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Generator{targets: targets, records: records, cfg: cfg, now: now, newID: newID, log: log}
}

// Horizon is how far ahead the generator makes occurrences.
func (g *Generator) Horizon() time.Duration { return g.cfg.Horizon }

// Result counts what a run did.
type Result struct {
	Made, Skipped, Left int
}

func (r *Result) add(o Result) {
	r.Made, r.Skipped, r.Left = r.Made+o.Made, r.Skipped+o.Skipped, r.Left+o.Left
}

// Run makes every occurrence of every plan starting within the horizon
// that no run made yet. Runs on several workers at once are safe: each
// occurrence is claimed by a unique key first. A plan whose occurrence
// failed for an infrastructure reason is left for the next run.
func (g *Generator) Run(ctx context.Context) (Result, error) {
	var total Result
	for _, t := range g.targets {
		after := ""
		for {
			plans, err := t.Plans(ctx, after, g.cfg.Page)
			if err != nil {
				return total, fmt.Errorf("recurrence: plans of %s: %w", t.Kind(), err)
			}
			for _, p := range plans {
				res, err := g.RunPlan(ctx, t, p)
				total.add(res)
				if err != nil {
					return total, err
				}
			}
			if len(plans) < g.cfg.Page {
				break
			}
			after = plans[len(plans)-1].PlanID()
		}
	}
	return total, nil
}

// RunPlan makes one plan's occurrences within the horizon: what Run does
// for each, and what a new or changed plan runs at once so that the
// family sees its orders without waiting for the next run.
func (g *Generator) RunPlan(ctx context.Context, t Target, p Plan) (Result, error) {
	var res Result
	now := g.now()
	occs := p.Occurrences(now, now.Add(g.cfg.Horizon))
	if len(occs) == 0 {
		return res, nil
	}
	// One read of what earlier runs did spares a claim (a write that
	// fails on its key) per occurrence already made, every run.
	recs, err := g.records.ForPlan(ctx, t.Kind(), p.PlanID(), occs[0].Date, occs[len(occs)-1].Date)
	if err != nil {
		return res, fmt.Errorf("recurrence: records of %s %s: %w", t.Kind(), p.PlanID(), err)
	}
	settled := make(map[calendar.Date]bool, len(recs))
	for _, r := range recs {
		settled[r.Date] = r.State != Claimed || now.Sub(r.ClaimedAt) < g.cfg.Lease
	}
	for _, o := range occs {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		if settled[o.Date] {
			continue
		}
		occ := Occurrence{Occurrence: o, PlanID: p.PlanID(), Key: Key(t.Kind(), p.PlanID(), o.Date)}
		st, err := g.one(ctx, t, p, occ, now)
		switch {
		case err != nil:
			res.Left++
			g.log.WarnContext(ctx, "recurring occurrence left for the next run", "kind", t.Kind(), "plan",
				p.PlanID(), "date", o.Date.String(), "err", err)
		case st == Made:
			res.Made++
		case st == Skipped:
			res.Skipped++
		}
	}
	return res, nil
}

// Key is the idempotency key of a plan's occurrence on a date.
func Key(kind, planID string, d calendar.Date) string { return kind + ":" + planID + ":" + d.String() }

// one claims an occurrence and makes it; it answers the state this call
// brought it to ("" when another run has it).
func (g *Generator) one(ctx context.Context, t Target, p Plan, occ Occurrence, now time.Time) (State, error) {
	r, won, err := g.records.Claim(ctx, Record{Key: occ.Key, Kind: t.Kind(), PlanID: occ.PlanID, Date: occ.Date,
		Start: occ.Start, ID: g.newID(), State: Claimed, ClaimedAt: now})
	if err != nil {
		return "", err
	}
	if !won {
		// Another run has it: done, under way, or dead midway. A claim
		// older than the lease is taken up, with the id it chose.
		if r.State != Claimed || now.Sub(r.ClaimedAt) < g.cfg.Lease {
			return "", nil
		}
		if took, err := g.records.Retake(ctx, r.Key, r.ClaimedAt, now); err != nil || !took {
			return "", err
		}
	}
	occ.ID = r.ID
	ref, err := t.Materialise(ctx, p, occ)
	if err == nil {
		return Made, g.records.Finish(ctx, occ.Key, Made, ref, "", g.now())
	}
	why, refused := refusal(err)
	if !refused {
		return "", err
	}
	if err := t.Skipped(ctx, p, occ, why); err != nil {
		return "", fmt.Errorf("recurrence: telling of a skipped occurrence: %w", err)
	}
	return Skipped, g.records.Finish(ctx, occ.Key, Skipped, "", why.Code, g.now())
}

// refusal reports a business refusal: a fault the client could act on,
// not a store that did not answer.
func refusal(err error) (*fault.Error, bool) {
	fe, ok := fault.As(err)
	if !ok || fe.Kind == fault.Internal || fe.Kind == fault.Unavailable {
		return nil, false
	}
	return fe, true
}
