package mongo

import (
	"time"

	"github.com/kincare/kincare/domain/catalog"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/service"
)

// itemDoc is one service item on a provider's menu. Items live in their
// provider's document (providerDoc.Items), so a menu changes atomically
// with its provider and is read with it; the provider's id is not
// repeated in each item.
type itemDoc struct {
	ID               string         `bson:"id"`
	Type             string         `bson:"type"`
	Names            itemNamesDoc   `bson:"names"`
	Unit             string         `bson:"unit"`
	DurationMinutes  int            `bson:"durationMinutes"`
	CaregiversNeeded int            `bson:"caregiversNeeded"`
	Eligibility      eligibilityDoc `bson:"eligibility"`
	UsesCapacity     bool           `bson:"usesCapacity"`
	Price            priceDoc       `bson:"price"`
	PriceHistory     []priceDoc     `bson:"priceHistory"` // oldest first
	Active           bool           `bson:"active"`
	CreatedAt        time.Time      `bson:"createdAt"`
}

type itemNamesDoc struct {
	ZhCN string `bson:"zhCN"`
	En   string `bson:"en"`
}

type eligibilityDoc struct {
	Levels []string `bson:"levels"`
	MinAge int      `bson:"minAge"`
}

// priceDoc keeps money as integer fen, never a float.
type priceDoc struct {
	Version      int       `bson:"version"`
	MarketFen    int64     `bson:"marketFen"`
	InclusiveFen int64     `bson:"inclusiveFen"`
	AgreementRef string    `bson:"agreementRef"`
	From         time.Time `bson:"from"`
}

func toItemDocs(items []catalog.Item) []itemDoc {
	out := make([]itemDoc, len(items))
	for i, it := range items {
		out[i] = toItemDoc(it)
	}
	return out
}

func toItemDoc(it catalog.Item) itemDoc {
	history := make([]priceDoc, len(it.PriceHistory))
	for i, p := range it.PriceHistory {
		history[i] = toPriceDoc(p)
	}
	return itemDoc{
		ID:               it.ID,
		Type:             string(it.Type),
		Names:            itemNamesDoc{ZhCN: it.Names.ZhCN, En: it.Names.En},
		Unit:             string(it.Unit),
		DurationMinutes:  it.DurationMinutes,
		CaregiversNeeded: it.CaregiversNeeded,
		Eligibility:      eligibilityDoc{Levels: stringList(it.Eligibility.Levels), MinAge: it.Eligibility.MinAge},
		UsesCapacity:     it.UsesCapacity,
		Price:            toPriceDoc(it.Price),
		PriceHistory:     history,
		Active:           it.Active,
		CreatedAt:        it.CreatedAt,
	}
}

func toPriceDoc(p catalog.Price) priceDoc {
	return priceDoc{Version: p.Version, MarketFen: p.MarketFen, InclusiveFen: p.InclusiveFen,
		AgreementRef: p.AgreementRef, From: p.From}
}

// menu reads a provider's items back; never nil.
func menu(docs []itemDoc, providerID string) []catalog.Item {
	out := make([]catalog.Item, len(docs))
	for i, d := range docs {
		out[i] = d.item(providerID)
	}
	return out
}

func (d itemDoc) item(providerID string) catalog.Item {
	history := make([]catalog.Price, len(d.PriceHistory))
	for i, p := range d.PriceHistory {
		history[i] = p.price()
	}
	return catalog.Item{
		ID:               d.ID,
		ProviderID:       providerID,
		Type:             service.Type(d.Type),
		Names:            catalog.Names{ZhCN: d.Names.ZhCN, En: d.Names.En},
		Unit:             catalog.Unit(d.Unit),
		DurationMinutes:  d.DurationMinutes,
		CaregiversNeeded: d.CaregiversNeeded,
		Eligibility: catalog.Eligibility{Levels: typedList[elder.AbilityLevel](d.Eligibility.Levels),
			MinAge: d.Eligibility.MinAge},
		UsesCapacity: d.UsesCapacity,
		Price:        d.Price.price(),
		PriceHistory: history,
		Active:       d.Active,
		CreatedAt:    d.CreatedAt.UTC(),
	}
}

func (p priceDoc) price() catalog.Price {
	return catalog.Price{Version: p.Version, MarketFen: p.MarketFen, InclusiveFen: p.InclusiveFen,
		AgreementRef: p.AgreementRef, From: p.From.UTC()}
}
