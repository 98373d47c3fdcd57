package http

import (
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/kincare/kincare/app/allowances"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/ledger"
)

type ledgerHandlers struct{ svc *allowances.Service }

type ledgerEntryJSON struct {
	Seq        int64     `json:"seq"`
	Kind       string    `json:"kind"`
	Amount     int64     `json:"amount"`
	Available  int64     `json:"available"`
	OrderID    string    `json:"orderId,omitempty"`
	ProviderID string    `json:"providerId,omitempty"`
	Reason     string    `json:"reason,omitempty"`
	By         string    `json:"by,omitempty"`
	At         time.Time `json:"at"`
}

type allowanceLedgerJSON struct {
	ElderID     string            `json:"elderId"`
	AllowanceID string            `json:"allowanceId"`
	Issuer      string            `json:"issuer"`
	Kind        string            `json:"kind"`
	Account     string            `json:"account"`
	Period      string            `json:"period"`
	PeriodStart time.Time         `json:"periodStart"`
	PeriodEnd   time.Time         `json:"periodEnd"`
	Unit        string            `json:"unit"`
	Granted     int64             `json:"granted"`
	Adjusted    int64             `json:"adjusted"`
	Held        int64             `json:"held"`
	Committed   int64             `json:"committed"`
	Available   int64             `json:"available"`
	Entries     []ledgerEntryJSON `json:"entries"`
	NextCursor  string            `json:"nextCursor,omitempty"`
}

func toAllowanceLedger(e elder.Elder, al elder.Allowance, a *ledger.Account, es []ledger.Entry, next string) allowanceLedgerJSON {
	p := a.Period()
	out := allowanceLedgerJSON{ElderID: e.ID, AllowanceID: al.ID, Issuer: al.Issuer, Kind: string(al.Kind),
		Account: a.ID(), Period: p.Key, PeriodStart: p.Start.UTC(), PeriodEnd: p.End.UTC(), Unit: string(a.Unit()),
		Granted: a.Granted(), Adjusted: a.Adjusted(), Held: a.Held(), Committed: a.Committed(), Available: a.Available(),
		Entries: make([]ledgerEntryJSON, len(es)), NextCursor: next}
	for i, en := range es {
		j := ledgerEntryJSON{Seq: en.Seq, Kind: string(en.Kind), Amount: en.Amount, Available: en.Available,
			ProviderID: en.Party, Reason: en.Reason, By: en.By, At: en.At.UTC()}
		j.OrderID, _ = strings.CutPrefix(en.Ref, "order:")
		if j.OrderID == en.Ref {
			j.OrderID = "" // not an order's entry
		}
		out.Entries[i] = j
	}
	return out
}

func (h ledgerHandlers) get(c *fiber.Ctx) error {
	v, err := h.svc.Ledger(c.UserContext(), mustActor(c), c.Params("elderId"), c.Params("allowanceId"),
		allowances.LedgerQuery{Period: c.Query("period"), Cursor: c.Query("cursor"), Limit: c.QueryInt("limit", 0)})
	if err != nil {
		return err
	}
	return c.JSON(toAllowanceLedger(v.Elder, v.Allowance, v.Account, v.Entries, v.NextCursor))
}

func (h ledgerHandlers) adjust(c *fiber.Ctx) error {
	var req struct {
		Period    string `json:"period"`
		Direction string `json:"direction"`
		Amount    int64  `json:"amount"`
		Reason    string `json:"reason"`
	}
	if err := decode(c, &req); err != nil {
		return err
	}
	a := mustActor(c)
	adj, err := h.svc.Adjust(c.UserContext(), a, allowances.AdjustCommand{ElderID: c.Params("elderId"),
		AllowanceID: c.Params("allowanceId"), Period: req.Period, Amount: req.Amount, Debit: req.Direction == "debit",
		Reason: req.Reason, RequestKey: c.Get(headerIdempotencyKey)})
	if err != nil {
		return err
	}
	return c.Status(fiber.StatusCreated).JSON(toAllowanceLedger(adj.Elder, adj.Allowance, adj.Account,
		[]ledger.Entry{adj.Entry}, ""))
}
