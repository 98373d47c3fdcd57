package order

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/kincare/kincare/domain/fault"
)

// VisitCodeAttempts is how many wrong visit codes an order takes before
// the elder's confirmation is locked: four digits are 10,000 codes, so
// five tries leave a guesser one chance in 2,000, and the family's own
// confirmation still works.
const VisitCodeAttempts = 5

var (
	// ErrVisitCodeWrong is a code that is not the visit's; its params
	// carry attemptsLeft.
	ErrVisitCodeWrong = fault.New(fault.Unprocessable, "visit_code_wrong")
	// ErrVisitCodeLocked is an order whose wrong codes are used up: the
	// elder can no longer confirm it, the family still can.
	ErrVisitCodeLocked = fault.New(fault.Conflict, "visit_code_locked")
)

// VisitCodeKey keys the four-digit codes a caregiver's phone shows at
// check-out for the elder to confirm the visit with. A code is derived
// from the order and its check-out under this server-held key, never
// stored: a leaked store holds no codes, and the caregiver's app can be
// shown the same code again after a lost answer.
type VisitCodeKey []byte

// code is the visit code of an order checked out at checkedOut.
func (k VisitCodeKey) code(orderID string, checkedOut time.Time) string {
	m := hmac.New(sha256.New, k)
	m.Write([]byte(orderID + "|" + strconv.FormatInt(checkedOut.UTC().UnixNano(), 10)))
	return fmt.Sprintf("%04d", binary.BigEndian.Uint32(m.Sum(nil))%10000)
}

// ElderConfirmation is the elder's own confirmation of a visit, with the
// code the caregiver showed: who confirmed and when, and the wrong codes
// entered before.
type ElderConfirmation struct {
	FailedAttempts int
	ConfirmedBy    string // the elder's own account
	ConfirmedAt    time.Time
}

// Confirmed reports whether the elder confirmed the visit.
func (c *ElderConfirmation) Confirmed() bool { return c != nil && !c.ConfirmedAt.IsZero() }

// ElderConfirmation is a copy of the elder's confirmation, nil if the
// elder never entered a code.
func (o *Order) ElderConfirmation() *ElderConfirmation { return clonePtr(o.elderConfirmation) }

// ConfirmedByElder reports whether the elder confirmed the visit.
func (o *Order) ConfirmedByElder() bool { return o.elderConfirmation.Confirmed() }

// VisitCode is the code the elder confirms the visit with, while they
// still may: from check-out until the order is confirmed, and while
// tries are left. Only the caregiver who served is shown it.
func (o *Order) VisitCode(k VisitCodeKey) (string, bool) {
	if o.status != StatusCompleted || o.checkOut == nil || o.codeLocked() {
		return "", false
	}
	return k.code(o.id, o.checkOut.ServerTime), true
}

func (o *Order) codeLocked() bool {
	return o.elderConfirmation != nil && o.elderConfirmation.FailedAttempts >= VisitCodeAttempts
}

// CodeCheck is how an elder's code fared: matched (the order is
// confirmed), or how many tries are left.
type CodeCheck struct {
	Matched      bool
	AttemptsLeft int
}

// Err is the refusal a check that did not match answers.
func (c CodeCheck) Err() error {
	switch {
	case c.Matched:
		return nil
	case c.AttemptsLeft <= 0:
		return ErrVisitCodeLocked
	}
	return ErrVisitCodeWrong.With(map[string]any{"attemptsLeft": c.AttemptsLeft})
}

// ConfirmByElder is the elder, on their own account, confirming the
// visit with the code the caregiver's phone shows: the order is
// confirmed as the family's confirmation would, and marked as the
// elder's. A wrong code is counted on the order and reported in the
// check, not as an error, so the count is written with the order; the
// caller turns it into the refusal (CodeCheck.Err). Past the last try
// it answers ErrVisitCodeLocked without looking at the code.
func (o *Order) ConfirmByElder(by Actor, k VisitCodeKey, code, eventID string, now time.Time) (CodeCheck, error) {
	if by.Party != PartyElder {
		return CodeCheck{}, ErrForbidden.With(map[string]any{"action": string(ActionConfirm)})
	}
	next, err := o.move(by, ActionConfirm, eventID, now)
	if err != nil {
		return CodeCheck{}, err
	}
	if o.codeLocked() {
		return CodeCheck{}, ErrVisitCodeLocked
	}
	if o.elderConfirmation == nil {
		o.elderConfirmation = &ElderConfirmation{}
	}
	want, _ := o.VisitCode(k)
	if !hmac.Equal([]byte(want), []byte(strings.TrimSpace(code))) {
		o.elderConfirmation.FailedAttempts++
		return CodeCheck{AttemptsLeft: VisitCodeAttempts - o.elderConfirmation.FailedAttempts}, nil
	}
	now = now.UTC()
	o.elderConfirmation.ConfirmedBy, o.elderConfirmation.ConfirmedAt = by.UserID, now
	o.enter(next, now)
	o.announce(eventID, EventConfirmed, now, map[string]string{"auto": "false", "byElder": "true"})
	return CodeCheck{Matched: true, AttemptsLeft: VisitCodeAttempts - o.elderConfirmation.FailedAttempts}, nil
}
