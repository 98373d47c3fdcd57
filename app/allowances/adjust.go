package allowances

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"strconv"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/ledger"
	"github.com/kincare/kincare/domain/pricing"
)

// AdjustCommand is a regulator's correction of one period of an
// allowance: a credit adds, a debit takes away, always with a reason.
type AdjustCommand struct {
	ElderID, AllowanceID string
	Period               string // yyyy-mm; empty: the current month
	Amount               int64  // > 0, in the account's unit (fen, or minutes of free hours)
	Debit                bool
	Reason               string
	// RequestKey is the client's Idempotency-Key: the entry is keyed by
	// it (with the caller), so a retry adjusts nothing twice even after
	// the stored response is gone.
	RequestKey string
}

// Adjusted is the adjustment's entry and the account after it.
type Adjusted struct {
	Elder     elder.Elder
	Allowance elder.Allowance
	Entry     ledger.Entry
	Account   *ledger.Account
	Replayed  bool
}

// Adjust corrects an allowance's period: regulators and platform admins
// only (403 for anyone else); to a regulator of another region than the
// elder's the elder does not exist (404), even one of the elder's own
// family: public money is adjusted by the official in charge of it. Taking more than the period has left is
// refused: what is reserved or spent was promised to a service. The
// family is told, in the same write.
func (s *Service) Adjust(ctx context.Context, a actor.Actor, cmd AdjustCommand) (Adjusted, error) {
	if err := a.Require(identity.RoleRegulator, identity.RolePlatformAdmin); err != nil {
		return Adjusted{}, err
	}
	if cmd.Amount <= 0 {
		return Adjusted{}, ledger.ErrAmountInvalid.WithFields(fault.FieldError{Field: "/amount", Code: "range"})
	}
	e, al, err := s.allowance(ctx, a, cmd.ElderID, cmd.AllowanceID, true)
	if err != nil {
		return Adjusted{}, err
	}
	open, err := s.openingFor(e, al, cmd.Period)
	if err != nil {
		return Adjusted{}, err
	}
	amount := cmd.Amount
	if cmd.Debit {
		amount = -amount
	}
	ref := "adjust:" + s.d.NewID()
	if cmd.RequestKey != "" {
		sum := sha256.Sum256([]byte(a.UserID + "\x00" + cmd.RequestKey))
		ref = "adjust:" + hex.EncodeToString(sum[:12])
	}
	p, err := s.d.Ledger.Adjust(ctx, open, ledger.Posting{Ref: ref, Amount: amount, By: a.UserID, Reason: cmd.Reason},
		func(entry ledger.Entry) (event.Event, error) {
			return event.New(s.d.NewID(), elder.EventAllowanceAdjusted, event.Subject{Kind: "elder", ID: e.ID},
				entry.At, map[string]string{"familyId": e.FamilyID, "elderId": e.ID, "allowanceId": al.ID,
					"period": open.Period.Key, "unit": string(open.Unit), "amount": strconv.FormatInt(amount, 10),
					"change": change(amount, open.Unit), "reason": entry.Reason})
		})
	if err != nil {
		return Adjusted{}, err
	}
	if !p.Replayed {
		s.d.Officials.Record(ctx, a, audit.AdjustAllowance, "elder", e.ID, e.Profile.Address.RegionCode,
			strconv.FormatInt(amount, 10)+" "+string(open.Unit)+" "+open.Period.Key)
	}
	return Adjusted{Elder: e, Allowance: al, Entry: p.Entries[0], Account: p.Account, Replayed: p.Replayed}, nil
}

// change writes a signed amount for people: yuan with two decimals, or
// minutes.
func change(amount int64, u ledger.Unit) string {
	sign := "+"
	if amount < 0 {
		sign, amount = "-", -amount
	}
	if u == ledger.Minute {
		return sign + strconv.FormatInt(amount, 10) + " min"
	}
	return sign + "¥" + pricing.Yuan(amount)
}
