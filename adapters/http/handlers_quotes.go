package http

import (
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/quotes"
)

type quoteHandlers struct{ svc *quotes.Service }

type quoteRequest struct {
	ElderID    string `json:"elderId"`
	ProviderID string `json:"providerId"`
	ItemID     string `json:"itemId"`
	Window     struct {
		Start time.Time `json:"start"`
		End   time.Time `json:"end"`
	} `json:"window"`
	Quantity int `json:"quantity"`
}

type allowanceUseJSON struct {
	AllowanceID string `json:"allowanceId"`
	Kind        string `json:"kind"`
	Fen         int64  `json:"fen"`
	Hours       int    `json:"hours,omitempty"`
}

type quoteJSON struct {
	ProviderID   string             `json:"providerId"`
	ItemID       string             `json:"itemId"`
	PriceVersion int                `json:"priceVersion"`
	Unit         string             `json:"unit"`
	Quantity     int                `json:"quantity"`
	MarketFen    int64              `json:"marketFen"`
	InclusiveFen int64              `json:"inclusiveFen,omitempty"`
	ChargedFen   int64              `json:"chargedFen"`
	Allowances   []allowanceUseJSON `json:"allowances"`
	AllowanceFen int64              `json:"allowanceFen"`
	DueFen       int64              `json:"dueFen"`
	TimeZone     string             `json:"timeZone"`
	QuotedAt     time.Time          `json:"quotedAt"`
	Balances     []balanceJSON      `json:"balances"`
}

type balanceJSON struct {
	AllowanceID string `json:"allowanceId"`
	Kind        string `json:"kind"`
	Period      string `json:"period"`
	Unit        string `json:"unit"`
	Granted     int64  `json:"granted"`
	Remaining   int64  `json:"remaining"`
}

func (h quoteHandlers) create(c *fiber.Ctx) error {
	var req quoteRequest
	if err := decode(c, &req); err != nil {
		return err
	}
	r, err := h.svc.Quote(c.UserContext(), mustActor(c), quotes.Command{ElderID: req.ElderID,
		ProviderID: req.ProviderID, ItemID: req.ItemID, Start: req.Window.Start, End: req.Window.End,
		Quantity: req.Quantity})
	if err != nil {
		return err
	}
	return c.JSON(toQuote(r))
}

func toQuote(r quotes.Result) quoteJSON {
	out := quoteJSON{ProviderID: r.ProviderID, ItemID: r.ItemID, PriceVersion: r.PriceVersion, Unit: string(r.Unit),
		Quantity: r.Quantity, MarketFen: r.MarketFen, InclusiveFen: r.InclusiveFen, ChargedFen: r.ChargedFen,
		Allowances: make([]allowanceUseJSON, len(r.Allowances)), AllowanceFen: r.AllowanceFen, DueFen: r.DueFen,
		TimeZone: r.TimeZone, QuotedAt: r.QuotedAt, Balances: make([]balanceJSON, len(r.Balances))}
	for i, u := range r.Allowances {
		out.Allowances[i] = allowanceUseJSON{AllowanceID: u.AllowanceID, Kind: string(u.Kind), Fen: u.Fen, Hours: u.Hours}
	}
	for i, b := range r.Balances {
		out.Balances[i] = balanceJSON{AllowanceID: b.AllowanceID, Kind: string(b.Kind), Period: b.Period,
			Unit: string(b.Unit), Granted: b.Granted, Remaining: b.Remaining}
	}
	return out
}
