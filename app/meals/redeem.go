package meals

import (
	"context"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/meal"
)

// MaxOfflineScan is how long a canteen device may hold a scan before it
// syncs it: a scan's device time is believed within this much of the
// server's clock, as a visit's check-in time is.
const MaxOfflineScan = 24 * time.Hour

// Code is the order's redemption code of this minute, for its family:
// the app shows it (or its QR) and fetches the next before it expires.
func (s *Service) Code(ctx context.Context, a actor.Actor, id string) (string, time.Time, *meal.Order, error) {
	o, byFamily, err := s.party(ctx, a, id)
	if err != nil {
		return "", time.Time{}, nil, err
	}
	if !byFamily {
		return "", time.Time{}, nil, meal.ErrOrderNotFound // the code is the family's to show
	}
	switch o.Status {
	case meal.Cancelled:
		return "", time.Time{}, nil, meal.ErrOrderCancelled
	case meal.Served, meal.NoShow:
		return "", time.Time{}, nil, meal.ErrAlreadyServed.With(map[string]any{"status": string(o.Status), "by": o.ServedBy,
			"at": o.ServedAt.UTC().Format(time.RFC3339)})
	}
	code, until := meal.IssueCode(s.d.CodeKey, o.ID, s.d.Now())
	return code, until, o, nil
}

// RedeemCommand is a canteen device's scan: the code, and when the
// device scanned it if it syncs later (nil: now).
type RedeemCommand struct {
	Code      string
	ScannedAt *time.Time
}

// Redeem hands a meal over on a scanned code, for staff of the order's
// canteen (a code of another canteen's order is not found). The code is
// checked at the scan's time, then the hand-over is the order's one
// conditional write: of any number of devices scanning it at once, one
// redeems it and the others are told who did and when.
func (s *Service) Redeem(ctx context.Context, a actor.Actor, cmd RedeemCommand) (*meal.Order, error) {
	now := s.d.Now()
	at := now
	if cmd.ScannedAt != nil {
		at = cmd.ScannedAt.UTC()
		if at.After(now.Add(time.Minute)) || at.Before(now.Add(-MaxOfflineScan)) {
			return nil, meal.ErrOrderInvalid.WithFields(fault.FieldError{Field: "/scannedAt", Code: "range"})
		}
	}
	id, err := meal.VerifyCode(s.d.CodeKey, cmd.Code, at)
	if err != nil {
		return nil, err
	}
	return s.handOver(ctx, a, id, func(o *meal.Order) error { return o.Serve(a.UserID, at) })
}
