// Package search finds providers and their services near a place (the
// 15-minute service circle): a location index narrows the candidates,
// then exact great-circle distances, the store's current visibility and
// each provider's service area decide, so results equal a scan of every
// provider.
package search

import (
	"context"
	"encoding/base64"
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/geo"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/service"
)

// Locator is the pre-filter: ids of providers located within a radius,
// possibly with a few more.
type Locator interface {
	Near(ctx context.Context, p geo.Point, radiusMetres float64) ([]string, error)
}

// Providers loads candidates by id.
type Providers interface {
	GetMany(ctx context.Context, ids []string) ([]*provider.Provider, error)
}

// IndexKeeper rebuilds the location index if Redis lost it.
type IndexKeeper interface {
	EnsureIndex(ctx context.Context) error
}

// Service runs searches.
type Service struct {
	locator   Locator
	providers Providers
	keeper    IndexKeeper
}

func NewService(l Locator, p Providers, k IndexKeeper) *Service {
	return &Service{locator: l, providers: p, keeper: k}
}

const (
	DefaultRadiusMetres = 5_000
	MaxRadiusMetres     = 50_000
)

// Query is one search.
type Query struct {
	Near         geo.Point
	RadiusMetres float64
	Region       string        // the place's region code, for region-served providers
	Kind         provider.Kind // optional
	Type         service.Type  // optional; required for services
	Cursor       string
	Limit        int
}

// Hit is a provider found, with its distance and the active items that
// match the query.
type Hit struct {
	Provider       *provider.Provider
	DistanceMetres float64
	Items          []catalog.Item
}

var ErrRadius = fault.New(fault.Unprocessable, "radius_invalid")

// Providers returns visible providers whose service area covers the
// place, nearest first, a page at a time.
func (s *Service) Providers(ctx context.Context, q Query) ([]Hit, string, error) {
	return s.run(ctx, q, false)
}

// Services is Providers restricted to providers with active items of the
// type, each hit carrying those items.
func (s *Service) Services(ctx context.Context, q Query) ([]Hit, string, error) {
	return s.run(ctx, q, true)
}

func (s *Service) run(ctx context.Context, q Query, needItems bool) ([]Hit, string, error) {
	if _, err := geo.NewPoint(q.Near.Lat, q.Near.Lng); err != nil {
		return nil, "", err
	}
	if !q.Near.Served() {
		return nil, "", nil // nobody is served there, and the index cannot look
	}
	if q.RadiusMetres == 0 {
		q.RadiusMetres = DefaultRadiusMetres
	}
	if q.RadiusMetres < 0 || q.RadiusMetres > MaxRadiusMetres {
		return nil, "", ErrRadius.With(map[string]any{"max": MaxRadiusMetres}).
			WithFields(fault.FieldError{Field: "query.radius", Code: "range"})
	}
	after, err := parseCursor(q.Cursor)
	if err != nil {
		return nil, "", err
	}
	req, _ := page.Parse("", q.Limit)
	if err := s.keeper.EnsureIndex(ctx); err != nil {
		return nil, "", fmt.Errorf("search: location index: %w", err)
	}
	ids, err := s.locator.Near(ctx, q.Near, q.RadiusMetres)
	if err != nil {
		return nil, "", fmt.Errorf("search: locate: %w", err)
	}
	provs, err := s.providers.GetMany(ctx, ids)
	if err != nil {
		return nil, "", fmt.Errorf("search: load providers: %w", err)
	}
	hits := make([]Hit, 0, len(provs))
	for _, p := range provs {
		if h, ok := match(p, q, needItems); ok {
			hits = append(hits, h)
		}
	}
	slices.SortFunc(hits, func(a, b Hit) int {
		if c := compareFloat(a.DistanceMetres, b.DistanceMetres); c != 0 {
			return c
		}
		return strings.Compare(a.Provider.ID, b.Provider.ID)
	})
	start, _ := slices.BinarySearchFunc(hits, after, func(h Hit, c cursor) int {
		if !c.set {
			return 1
		}
		if x := compareFloat(h.DistanceMetres, c.distance); x != 0 {
			return x
		}
		if x := strings.Compare(h.Provider.ID, c.id); x != 0 {
			return x
		}
		return -1 // the cursor's own hit belongs to the previous page
	})
	hits = hits[start:]
	if len(hits) <= req.Limit {
		return hits, "", nil
	}
	last := hits[req.Limit-1]
	return hits[:req.Limit], formatCursor(last.DistanceMetres, last.Provider.ID), nil
}

// match decides a candidate on the store's current state, so a provider
// hidden a moment ago is not shown even if the index still has it.
func match(p *provider.Provider, q Query, needItems bool) (Hit, bool) {
	if !p.Visible() {
		return Hit{}, false
	}
	if q.Kind != "" && !slices.ContainsFunc(p.Profile.Licences, func(l provider.Licence) bool { return l.Kind == q.Kind }) {
		return Hit{}, false
	}
	d := geo.Distance(q.Near, p.Profile.Address.Location)
	if d > q.RadiusMetres || !p.Covers(d, q.Region) {
		return Hit{}, false
	}
	var items []catalog.Item
	for _, it := range p.Items {
		if it.Active && (q.Type == "" || it.Type == q.Type) {
			items = append(items, it)
		}
	}
	if needItems && len(items) == 0 {
		return Hit{}, false
	}
	return Hit{Provider: p, DistanceMetres: d, Items: items}, true
}

func compareFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

type cursor struct {
	set      bool
	distance float64
	id       string
}

var errCursor = fault.New(fault.Invalid, "cursor_invalid")

// The cursor carries the last hit's exact distance, so the next page
// starts right after it in the same order.
func formatCursor(d float64, id string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatFloat(d, 'g', -1, 64) + "|" + id))
}

func parseCursor(s string) (cursor, error) {
	if s == "" {
		return cursor{}, nil
	}
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, errCursor.WithFields(fault.FieldError{Field: "query.cursor", Code: "cursor_invalid"})
	}
	d, id, ok := strings.Cut(string(raw), "|")
	f, err := strconv.ParseFloat(d, 64)
	if !ok || err != nil || id == "" || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return cursor{}, errCursor.WithFields(fault.FieldError{Field: "query.cursor", Code: "cursor_invalid"})
	}
	return cursor{set: true, distance: f, id: id}, nil
}
