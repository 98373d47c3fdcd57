package identity

import (
	"strconv"
	"time"

	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
)

// ErrPasswordLocked is a password login refused because too many wrong
// passwords were tried for the phone (or from this client for it)
// lately. Login codes still work: a lock that strangers can set off must
// not keep the phone's owner out.
var ErrPasswordLocked = fault.New(fault.RateLimited, "password_locked")

// EventPasswordGuessed warns a user that wrong passwords are being tried
// on their account.
const EventPasswordGuessed event.Type = "account.password_guessed"

// PasswordGuessing is the policy against guessing passwords. Wrong
// passwords for a phone are counted in a window, from every client
// (PerPhone) and from each (PerClient, lower, so one address is stopped
// long before it spends the phone's budget); a spent budget refuses
// passwords for the rest of the window, never login codes, which prove
// the phone is in hand. At WarnAt wrong passwords the owner is told.
type PasswordGuessing struct {
	Window    time.Duration
	PerPhone  int
	PerClient int
	WarnAt    int
}

// DefaultPasswordGuessing: 10 wrong passwords per phone and 5 per phone
// from one client in 15 minutes; the owner hears at the 5th.
var DefaultPasswordGuessing = PasswordGuessing{Window: 15 * time.Minute, PerPhone: 10, PerClient: 5, WarnAt: 5}

// Warn reports whether the wrong password that brought the phone's count
// to failures is the one to tell u about. Someone without a password,
// or gone, has nothing to protect and is not alarmed.
func (g PasswordGuessing) Warn(u *User, failures int) bool {
	return g.WarnAt > 0 && failures == g.WarnAt && u.HasPassword() && !u.Deleted()
}

// Warning is the event telling u of failures wrong passwords. Its id
// derives from the user and the window it falls in, so replicas that
// cross the mark together, or a count that crosses it twice, tell the
// owner once.
func (g PasswordGuessing) Warning(u *User, failures int, now time.Time) (event.Event, error) {
	window := max(g.Window, time.Minute)
	bucket := now.UTC().Truncate(window).Unix()
	return event.New("password-guessed-"+u.ID()+"-"+strconv.FormatInt(bucket, 10), EventPasswordGuessed,
		event.Subject{Kind: "account", ID: u.ID()}, now, map[string]string{
			"userId":   u.ID(),
			"failures": strconv.Itoa(failures),
			"minutes":  strconv.Itoa(int(window / time.Minute)),
		})
}
