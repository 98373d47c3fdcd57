// Package search finds providers and their services near a place (the
// 15-minute service circle): a location index narrows the candidates,
// then exact great-circle distances, the store's current visibility and
// each provider's service area decide, so results equal a scan of every
// provider.
package search

import (
	"cmp"
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
	Sort         Sort          // empty: by distance
	Cursor       string
	Limit        int
}

// Sort is the order of results.
type Sort string

const (
	// ByDistance is nearest first.
	ByDistance Sort = "distance"
	// ByRating is best rated first, then nearest. A provider's rating is
	// its average pulled towards priorStars by priorRatings imaginary
	// ratings, so one 5-star rating does not outrank a hundred of 4.9 and
	// an unrated provider sits at 4 stars.
	ByRating Sort = "rating"
)

const (
	priorRatings = 5
	priorStars   = 4
)

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
	if q.Sort == "" {
		q.Sort = ByDistance
	}
	if q.Sort != ByDistance && q.Sort != ByRating {
		return nil, "", ErrSort.WithFields(fault.FieldError{Field: "query.sort", Code: "enum"})
	}
	after, err := parseCursor(q.Cursor, q.Sort)
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
	slices.SortFunc(hits, func(a, b Hit) int { return compareKeys(q.Sort, keyOf(a), keyOf(b)) })
	start, _ := slices.BinarySearchFunc(hits, after, func(h Hit, c cursor) int {
		if !c.set {
			return 1
		}
		if x := compareKeys(q.Sort, keyOf(h), c.key); x != 0 {
			return x
		}
		return -1 // the cursor's own hit belongs to the previous page
	})
	hits = hits[start:]
	if len(hits) <= req.Limit {
		return hits, "", nil
	}
	return hits[:req.Limit], formatCursor(q.Sort, keyOf(hits[req.Limit-1])), nil
}

// key is what a hit is ordered by.
type key struct {
	ratingSum, ratingCount int64
	distance               float64
	id                     string
}

func keyOf(h Hit) key {
	r := h.Provider.Stats.Ratings()
	return key{ratingSum: r.Sum, ratingCount: r.Count, distance: h.DistanceMetres, id: h.Provider.ID}
}

// compareKeys orders by rating (best first) when asked, then by
// distance, then by id, so every order is total and cursors are exact.
// Ratings compare as exact fractions: (sum+prior)/(count+n).
func compareKeys(s Sort, a, b key) int {
	if s == ByRating {
		left := (a.ratingSum + priorStars*priorRatings) * (b.ratingCount + priorRatings)
		right := (b.ratingSum + priorStars*priorRatings) * (a.ratingCount + priorRatings)
		if c := cmp.Compare(right, left); c != 0 {
			return c // higher first
		}
	}
	if c := compareFloat(a.distance, b.distance); c != 0 {
		return c
	}
	return strings.Compare(a.id, b.id)
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
	set bool
	key key
}

var (
	errCursor = fault.New(fault.Invalid, "cursor_invalid")
	// ErrSort is an order search does not know.
	ErrSort = fault.New(fault.Invalid, "sort_invalid")
)

// The cursor carries the last hit's exact sort key, so the next page
// starts right after it in the same order: "distance|id", or for the
// rating order "r|sum|count|distance|id". A cursor of one order is not
// one of the other.
func formatCursor(s Sort, k key) string {
	raw := strconv.FormatFloat(k.distance, 'g', -1, 64) + "|" + k.id
	if s == ByRating {
		raw = "r|" + strconv.FormatInt(k.ratingSum, 10) + "|" + strconv.FormatInt(k.ratingCount, 10) + "|" + raw
	}
	return base64.RawURLEncoding.EncodeToString([]byte(raw))
}

func parseCursor(s string, order Sort) (cursor, error) {
	if s == "" {
		return cursor{}, nil
	}
	bad := errCursor.WithFields(fault.FieldError{Field: "query.cursor", Code: "cursor_invalid"})
	raw, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return cursor{}, bad
	}
	parts := strings.Split(string(raw), "|")
	var k key
	if order == ByRating {
		if len(parts) != 5 || parts[0] != "r" {
			return cursor{}, bad
		}
		sum, err1 := strconv.ParseInt(parts[1], 10, 64)
		count, err2 := strconv.ParseInt(parts[2], 10, 64)
		if err1 != nil || err2 != nil || sum < 0 || count < 0 {
			return cursor{}, bad
		}
		k.ratingSum, k.ratingCount = sum, count
		parts = parts[3:]
	}
	if len(parts) != 2 {
		return cursor{}, bad
	}
	f, err := strconv.ParseFloat(parts[0], 64)
	if err != nil || parts[1] == "" || math.IsNaN(f) || math.IsInf(f, 0) || f < 0 {
		return cursor{}, bad
	}
	k.distance, k.id = f, parts[1]
	return cursor{set: true, key: k}, nil
}
