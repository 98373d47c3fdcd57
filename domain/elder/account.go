package elder

import (
	"time"

	"github.com/kincare/kincare/domain/fault"
)

// ErrAccountLinked is an elder who has an account of their own already:
// one per elder, unlinked before another is invited.
var ErrAccountLinked = fault.New(fault.Conflict, "elder_account_linked")

// Account is the elder's own account: the user who logs in with the
// elder's phone, linked on accepting the family's invite under the
// elder's consent.
type Account struct {
	UserID    string
	ConsentID string // the elder's consent (consent.ElderAccount)
	LinkedAt  time.Time
	InvitedBy string // the family owner who invited the phone
}

// Link gives the elder their own account. Linking the same user again
// changes nothing; another user is refused while one is linked.
func (e *Elder) Link(a Account) error {
	if e.Account != nil {
		if e.Account.UserID == a.UserID {
			return nil
		}
		return ErrAccountLinked
	}
	a.LinkedAt = a.LinkedAt.UTC()
	e.Account = &a
	return nil
}

// Unlink ends the link to userID, if it is the elder's account; false if
// it was not.
func (e *Elder) Unlink(userID string) bool {
	if e.Account == nil || e.Account.UserID != userID {
		return false
	}
	e.Account = nil
	return true
}

// OwnAccount reports whether userID is the elder's own account. Access
// as the elder needs this and the account's side of the link
// (identity.User.ElderID) both: a link half-written by a crash grants
// nothing.
func (e Elder) OwnAccount(userID string) bool {
	return userID != "" && e.Account != nil && e.Account.UserID == userID
}
