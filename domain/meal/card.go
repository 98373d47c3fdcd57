package meal

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
	"strings"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault"
)

// A meal card (助餐卡) is for an elder without a phone: a printed card
// whose QR holds a static code naming the elder and the card's serial,
// signed by kincare, and a PIN the elder knows (or the family wrote on
// a slip kept with the canteen's staff). The counter scans the card and
// types the PIN; the elder's meal of the day at that canteen is then
// redeemed exactly as a scanned phone code redeems it. Issuing a new
// card (a lost one) raises the serial, so the old card stops working.
// The PIN is kept only as an HMAC under the server's key, so a copy of
// the database does not reveal it without the key; guessing it through
// the API is rate-limited per card by the use case.

// Errors of meal cards.
var (
	ErrCardNotFound = fault.New(fault.NotFound, "meal_card_not_found")
	// ErrCardInvalid is a card code kincare did not sign, or a PIN that
	// is not 4 to 6 digits.
	ErrCardInvalid = fault.New(fault.Unprocessable, "meal_card_invalid")
	// ErrCardReplaced is a genuine card that a newer one replaced.
	ErrCardReplaced = fault.New(fault.Conflict, "meal_card_replaced")
	// ErrCardPINWrong is a wrong PIN.
	ErrCardPINWrong = fault.New(fault.Unprocessable, "meal_card_pin_wrong")
)

// cardPrefix marks a card code, so a counter tells it from a phone's.
const cardPrefix = "KCM1"

// Card is an elder's meal card: one per elder, its serial counting the
// cards issued.
type Card struct {
	ElderID   string
	FamilyID  string
	Serial    int
	PINDigest string
	IssuedBy  string
	IssuedAt  time.Time
}

// CheckPIN refuses a PIN that is not 4 to 6 digits.
func CheckPIN(pin string) error {
	if len(pin) < 4 || len(pin) > 6 || strings.Trim(pin, "0123456789") != "" {
		return ErrCardInvalid.WithFields(fault.FieldError{Field: "/pin", Code: "pattern"})
	}
	return nil
}

// NewCard is the next card of an elder (prev is the current one, nil for
// the first), with its PIN kept as a digest.
func NewCard(key []byte, elderID, familyID string, prev *Card, pin, by string, now time.Time) (Card, error) {
	if err := CheckPIN(pin); err != nil {
		return Card{}, err
	}
	serial := 1
	if prev != nil {
		serial = prev.Serial + 1
	}
	return Card{ElderID: elderID, FamilyID: familyID, Serial: serial, PINDigest: pinDigest(key, elderID, serial, pin),
		IssuedBy: by, IssuedAt: now.UTC()}, nil
}

// Code is what the card's QR holds: "KCM1.<elder>.<serial>.<signature>".
func (c Card) Code(key []byte) string {
	s := strconv.Itoa(c.Serial)
	return cardPrefix + "." + c.ElderID + "." + s + "." + cardSign(key, c.ElderID, s)
}

// PINMatches compares a typed PIN with the card's, in constant time.
func (c Card) PINMatches(key []byte, pin string) bool {
	return hmac.Equal([]byte(pinDigest(key, c.ElderID, c.Serial, pin)), []byte(c.PINDigest))
}

// ReadCardCode checks a scanned card's signature and answers the elder
// and serial it names; whether that card is still the elder's is the
// store's to say.
func ReadCardCode(key []byte, code string) (elderID string, serial int, err error) {
	parts := strings.Split(code, ".")
	if len(code) > 300 || len(parts) != 4 || parts[0] != cardPrefix || parts[1] == "" {
		return "", 0, ErrCardInvalid.WithFields(fault.FieldError{Field: "/card", Code: "invalid"})
	}
	n, err := strconv.Atoi(parts[2])
	if err != nil || n < 1 || !hmac.Equal([]byte(cardSign(key, parts[1], parts[2])), []byte(parts[3])) {
		return "", 0, ErrCardInvalid.WithFields(fault.FieldError{Field: "/card", Code: "invalid"})
	}
	return parts[1], n, nil
}

func cardSign(key []byte, elderID, serial string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("meal card\x00" + elderID + "\x00" + serial))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

func pinDigest(key []byte, elderID string, serial int, pin string) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("meal card pin\x00" + elderID + "\x00" + strconv.Itoa(serial) + "\x00" + pin))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// TodaysMeal picks, among an elder's orders at one canteen, the meal a
// card at the counter redeems at now: of the orders of today (in the
// canteen's zone) not cancelled, a placed one whose serving is under
// way (cutoff to window end), else the placed one that starts first,
// else one handed over already (whose hand-over answers who and when).
// None: false.
func TodaysMeal(orders []*Order, now time.Time) (*Order, bool) {
	var placed, done []*Order
	for _, o := range orders {
		if o.Status == Cancelled || o.Date != todayOf(o, now) {
			continue
		}
		if o.Status == Placed {
			if !now.Before(o.CutoffAt) && !now.After(o.End) {
				return o, true
			}
			placed = append(placed, o)
		} else {
			done = append(done, o)
		}
	}
	first := func(os []*Order) *Order {
		var out *Order
		for _, o := range os {
			if out == nil || o.Start.Before(out.Start) {
				out = o
			}
		}
		return out
	}
	if o := first(placed); o != nil {
		return o, true
	}
	if o := first(done); o != nil {
		return o, true
	}
	return nil, false
}

func todayOf(o *Order, now time.Time) calendar.Date { return calendar.Today(now, o.Zone()) }
