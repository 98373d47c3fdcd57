package mongo

import (
	"context"
	"errors"
	"time"

	"github.com/kincare/kincare/domain/region"
)

const residentsColl = "region_residents"

// residentsDoc is a region's resident figures; _id is the region code.
type residentsDoc struct {
	ID      string      `bson:"_id"`
	Figures []figureDoc `bson:"figures"`
	Version int64       `bson:"version"`
}

type figureDoc struct {
	Year       int       `bson:"year"`
	Aged60Plus int64     `bson:"aged60Plus"`
	EnteredBy  string    `bson:"enteredBy"`
	EnteredAt  time.Time `bson:"enteredAt"`
}

func toResidentsDoc(r *region.Residents, version int64) residentsDoc {
	d := residentsDoc{ID: string(r.Code), Version: version, Figures: []figureDoc{}}
	for _, f := range r.Figures {
		d.Figures = append(d.Figures, figureDoc{Year: f.Year, Aged60Plus: f.Aged60Plus, EnteredBy: f.EnteredBy,
			EnteredAt: f.EnteredAt.UTC()})
	}
	return d
}

func (d residentsDoc) residents() (*region.Residents, int64, error) {
	r := &region.Residents{Code: region.Code(d.ID), Figures: []region.Figure{}}
	for _, f := range d.Figures {
		r.Figures = append(r.Figures, region.Figure{Year: f.Year, Aged60Plus: f.Aged60Plus, EnteredBy: f.EnteredBy,
			EnteredAt: f.EnteredAt.UTC()})
	}
	return r, d.Version, nil
}

// Residents keeps the regions' resident figures (indicators.ResidentFigures).
type Residents struct {
	coll  *collection
	guard *writeGuard
	bell  *outboxBell
}

func (s *Store) Residents() *Residents {
	return &Residents{coll: s.collection(residentsColl), guard: s.guard, bell: s.bell}
}

func (r *Residents) find(ctx context.Context, id string) (residentsDoc, error) {
	return findByID[residentsDoc](ctx, r.coll, id, "resident figures", errMissing)
}

// Get answers a region without figures as one with none.
func (r *Residents) Get(ctx context.Context, code region.Code) (*region.Residents, error) {
	d, err := r.find(ctx, string(code))
	if errors.Is(err, errMissing) {
		return &region.Residents{Code: code, Figures: []region.Figure{}}, nil
	}
	if err != nil {
		return nil, err
	}
	res, _, err := d.residents()
	return res, err
}

func (r *Residents) Update(ctx context.Context, code region.Code, fn func(*region.Residents) error) (*region.Residents, error) {
	return upsertVersioned(ctx, r.coll, r.guard, r.bell, "resident figures", string(code), errMissing, r.find,
		residentsDoc.residents, func() *region.Residents { return &region.Residents{Code: code, Figures: []region.Figure{}} },
		fn, toResidentsDoc)
}
