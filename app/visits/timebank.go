package visits

import (
	"context"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/elder"
	"github.com/kincare/kincare/domain/event"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
	"github.com/kincare/kincare/domain/ledger"
	"github.com/kincare/kincare/domain/provider"
	"github.com/kincare/kincare/domain/visit"
)

var (
	// ErrAlreadyVolunteer is a second registration of one user.
	ErrAlreadyVolunteer = fault.New(fault.Conflict, "volunteer_exists")
	// ErrRedemptionNotFound is a redemption the caller cannot see, or
	// settled already.
	ErrRedemptionNotFound = fault.New(fault.NotFound, "redemption_not_found")
	ErrTimeBankInvalid    = fault.New(fault.Unprocessable, "time_bank_invalid")
)

// EventCredited is a time credit of a volunteer's visit (data:
// volunteerId, visitId, minutes, month, regionCode, stationId), carried
// by the time-bank account's write. The volunteer hears.
const EventCredited event.Type = "timebank.credited"

// RegisterVolunteer registers the caller as a volunteer of a verified
// station, to be verified by it.
func (s *Service) RegisterVolunteer(ctx context.Context, a actor.Actor, name, stationID string) (*visit.Volunteer, error) {
	if a.UserID == "" {
		return nil, fault.ErrUnauthenticated
	}
	v, err := visit.NewVolunteer(a.UserID, name, stationID, s.d.Now())
	if err != nil {
		return nil, err
	}
	if _, err := s.station(ctx, stationID); err != nil {
		return nil, visit.ErrVolunteerInvalid.WithFields(fault.FieldError{Field: "/stationId", Code: "unknown_station"})
	}
	if err := s.d.Volunteers.Create(ctx, v); err != nil {
		return nil, err
	}
	return v, nil
}

func (s *Service) station(ctx context.Context, id string) (*provider.Provider, error) {
	p, err := s.d.Providers.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !p.Visible() {
		return nil, provider.ErrNotFound
	}
	return p, nil
}

// stationOffice loads a station the caller works in the office of, or
// answers provider_not_found.
func (s *Service) stationOffice(ctx context.Context, a actor.Actor, id string) (*provider.Provider, error) {
	if a.UserID == "" {
		return nil, fault.ErrUnauthenticated
	}
	p, err := s.d.Providers.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	if !p.IsAdmin(a.UserID) && !office(p, a.UserID) {
		return nil, provider.ErrNotFound
	}
	return p, nil
}

// VerifyVolunteer is a station's office vouching for a volunteer who
// registered with it; a volunteer of another station is not found.
func (s *Service) VerifyVolunteer(ctx context.Context, a actor.Actor, stationID, userID string) (*visit.Volunteer, error) {
	if _, err := s.stationOffice(ctx, a, stationID); err != nil {
		return nil, err
	}
	return s.d.Volunteers.Update(ctx, userID, func(v *visit.Volunteer) error {
		if v.StationID != stationID {
			return visit.ErrVolunteerNotFound
		}
		return v.Verify(a.UserID, s.d.NewID(), s.d.Now())
	})
}

// StationVolunteers lists a station's volunteers, to its office.
func (s *Service) StationVolunteers(ctx context.Context, a actor.Actor, stationID string) ([]*visit.Volunteer, error) {
	if _, err := s.stationOffice(ctx, a, stationID); err != nil {
		return nil, err
	}
	return s.d.Volunteers.ForStation(ctx, stationID)
}

// CreditVisit credits a verified volunteer visit's minutes to its
// visitor, once whoever asks how often: the visitor, or the office of
// the visit's station. An unverified visit is refused (visit_not_verified).
func (s *Service) CreditVisit(ctx context.Context, a actor.Actor, visitID string) (ledger.Entry, error) {
	v, err := s.d.Visits.Get(ctx, visitID)
	if err != nil {
		return ledger.Entry{}, err
	}
	mine := a.UserID != "" && v.VisitorID == a.UserID
	if !mine {
		if v.StationID == "" {
			return ledger.Entry{}, visit.ErrVisitNotFound
		}
		if _, err := s.stationOffice(ctx, a, v.StationID); err != nil {
			return ledger.Entry{}, visit.ErrVisitNotFound
		}
	}
	return s.credit(ctx, v)
}

// credit posts the visit's credit: an adjustment of the visitor's
// account keyed by the visit, so one entry whatever runs concurrently;
// then notes it on the visit for the repair pass.
func (s *Service) credit(ctx context.Context, v *visit.Visit) (ledger.Entry, error) {
	p, err := v.Credit()
	if err != nil {
		return ledger.Entry{}, err
	}
	if v.VisitorKind != visit.ByVolunteer {
		return ledger.Entry{}, visit.ErrVolunteerNotVerified
	}
	vol, err := s.d.Volunteers.Get(ctx, v.VisitorID)
	if errors.Is(err, visit.ErrVolunteerNotFound) || (err == nil && !vol.Verified()) {
		return ledger.Entry{}, visit.ErrVolunteerNotVerified
	}
	if err != nil {
		return ledger.Entry{}, err
	}
	posted, err := s.d.Ledger.Adjust(ctx, visit.TimeBankOpening(v.VisitorID), p, func(e ledger.Entry) (event.Event, error) {
		return event.New(s.d.NewID(), EventCredited, event.Subject{Kind: "visit", ID: v.ID}, e.At, map[string]string{
			"volunteerId": v.VisitorID, "visitId": v.ID, "minutes": strconv.FormatInt(e.Amount, 10),
			"month": v.Month, "regionCode": v.RegionCode, "stationId": v.StationID, "elder": v.ElderName})
	})
	if err != nil {
		return ledger.Entry{}, err
	}
	e := posted.Entries[0]
	if v.Credited == 0 {
		if _, err := s.d.Visits.Update(ctx, v.ID, func(v *visit.Visit) error {
			v.Credited = e.Amount
			return nil
		}); err != nil {
			s.d.Log.Warn("visit credit not noted on the visit; the repair pass will", "visit", v.ID, "err", err)
		}
	}
	return e, nil
}

// Statement is a user's time-bank balance and a page of its entries.
type Statement struct {
	Account *ledger.Account
	Entries []ledger.Entry
	Next    int64
}

// TimeBank is the caller's own balance and history, newest first.
func (s *Service) TimeBank(ctx context.Context, a actor.Actor, before int64, limit int) (Statement, error) {
	if a.UserID == "" {
		return Statement{}, fault.ErrUnauthenticated
	}
	acc, es, next, err := s.d.Ledger.History(ctx, visit.TimeBankOpening(a.UserID), before, limit)
	if err != nil {
		return Statement{}, err
	}
	return Statement{Account: acc, Entries: es, Next: next}, nil
}

// Redemption is minutes held for a service to one of the caller's
// elders, until the station confirms it (committed) or declines it
// (released).
type Redemption struct {
	ID, UserID, StationID, ElderID string
	ServiceType                    string
	Minutes                        int64
	Status                         string // held, confirmed, declined
}

// RedeemCommand asks a station for a service paid in minutes.
type RedeemCommand struct {
	ElderID     string
	StationID   string
	ServiceType string
	Minutes     int64
}

// Redeem holds minutes of the caller's account for a service to an elder
// of the caller's family, from a verified station. The redemption's id
// names the account it holds in, so the station settles it without a
// search. Not enough minutes: balance_insufficient.
func (s *Service) Redeem(ctx context.Context, a actor.Actor, cmd RedeemCommand) (Redemption, error) {
	if a.UserID == "" {
		return Redemption{}, fault.ErrUnauthenticated
	}
	e, err := s.d.Elders.Get(ctx, cmd.ElderID)
	if err != nil {
		return Redemption{}, err
	}
	f, err := s.d.Families.Get(ctx, e.FamilyID)
	if err != nil || f.RequireMember(a.UserID) != nil {
		return Redemption{}, elder.ErrNotFound
	}
	var fields []fault.FieldError
	if cmd.Minutes < 1 || cmd.Minutes > 24*60 {
		fields = append(fields, fault.FieldError{Field: "/minutes", Code: "range"})
	}
	if strings.TrimSpace(cmd.ServiceType) == "" {
		fields = append(fields, fault.FieldError{Field: "/serviceType", Code: "required"})
	}
	if len(fields) > 0 {
		return Redemption{}, ErrTimeBankInvalid.WithFields(fields...)
	}
	if _, err := s.station(ctx, cmd.StationID); err != nil {
		return Redemption{}, ErrTimeBankInvalid.WithFields(fault.FieldError{Field: "/stationId", Code: "unknown_station"})
	}
	r := Redemption{ID: a.UserID + "." + s.d.NewID(), UserID: a.UserID, StationID: cmd.StationID, ElderID: e.ID,
		ServiceType: cmd.ServiceType, Minutes: cmd.Minutes, Status: "held"}
	_, err = s.d.Ledger.Reserve(ctx, visit.TimeBankOpening(a.UserID), ledger.Posting{Ref: redemptionRef(r.ID),
		Amount: cmd.Minutes, Party: cmd.StationID, Month: visit.MonthOf(s.d.Now(), f.Location()),
		By: a.UserID, Reason: redemptionReason(cmd.ServiceType, e.ID)})
	if err != nil {
		return Redemption{}, err
	}
	return r, nil
}

func redemptionRef(id string) string { return "redemption:" + id }

// SettleRedemption is the station confirming (the service was given:
// the minutes are spent) or declining (they return) a redemption it was
// asked for. One settled already, or another station's, is not found.
func (s *Service) SettleRedemption(ctx context.Context, a actor.Actor, stationID, id string, confirm bool) (Redemption, error) {
	if _, err := s.stationOffice(ctx, a, stationID); err != nil {
		return Redemption{}, err
	}
	userID, _, ok := strings.Cut(id, ".")
	if !ok || userID == "" {
		return Redemption{}, ErrRedemptionNotFound
	}
	open := visit.TimeBankOpening(userID)
	acc, err := s.d.Ledger.Balance(ctx, open)
	if err != nil {
		return Redemption{}, err
	}
	h, held := acc.HoldOf(redemptionRef(id))
	if !held || h.Party != stationID {
		return Redemption{}, ErrRedemptionNotFound
	}
	r := Redemption{ID: id, UserID: userID, StationID: stationID, Minutes: h.Amount}
	if confirm {
		_, err = s.d.Ledger.Commit(ctx, open, redemptionRef(id), h.Amount, a.UserID)
		r.Status = "confirmed"
	} else {
		_, err = s.d.Ledger.Release(ctx, open, redemptionRef(id), a.UserID)
		r.Status = "declined"
	}
	if errors.Is(err, ledger.ErrNotHeld) {
		return Redemption{}, ErrRedemptionNotFound
	}
	return r, err
}

// Donation is minutes given to another user's time bank.
type Donation struct {
	ID, From, To string
	Minutes      int64
}

const donationPrefix = "donation:"

// Donate gives minutes of the caller's balance to another user in three
// entries keyed by the donation, so a crash between them is repaired,
// never doubled: the giver's minutes are reserved for the receiver (its
// party; refused for want of minutes), the receiver's account credited,
// the reservation committed. A donation left reserved — the process died
// between the entries — is finished by the watch (finishDonations).
func (s *Service) Donate(ctx context.Context, a actor.Actor, to string, minutes int64) (Donation, error) {
	if a.UserID == "" {
		return Donation{}, fault.ErrUnauthenticated
	}
	if minutes < 1 || minutes > 100_000 {
		return Donation{}, ErrTimeBankInvalid.WithFields(fault.FieldError{Field: "/minutes", Code: "range"})
	}
	if to == a.UserID {
		return Donation{}, ErrTimeBankInvalid.WithFields(fault.FieldError{Field: "/toUserId", Code: "self"})
	}
	if _, err := s.d.Users.ByID(ctx, to); err != nil {
		if errors.Is(err, identity.ErrUserNotFound) {
			return Donation{}, ErrTimeBankInvalid.WithFields(fault.FieldError{Field: "/toUserId", Code: "unknown_user"})
		}
		return Donation{}, err
	}
	d := Donation{ID: s.d.NewID(), From: a.UserID, To: to, Minutes: minutes}
	if _, err := s.d.Ledger.Reserve(ctx, visit.TimeBankOpening(a.UserID), ledger.Posting{Ref: donationPrefix + d.ID,
		Amount: minutes, Party: to, By: a.UserID}); err != nil {
		return Donation{}, err
	}
	if err := s.finishDonation(ctx, a.UserID, ledger.Hold{Ref: donationPrefix + d.ID, Amount: minutes, Party: to}); err != nil {
		return Donation{}, err
	}
	return d, nil
}

// finishDonation credits the receiver and commits the giver's hold; both
// are keyed by the donation, so finishing twice changes nothing.
func (s *Service) finishDonation(ctx context.Context, from string, h ledger.Hold) error {
	if _, err := s.d.Ledger.Adjust(ctx, visit.TimeBankOpening(h.Party), ledger.Posting{Ref: h.Ref, Amount: h.Amount,
		Party: from, By: from, Reason: "donated by " + from}, nil); err != nil {
		return err
	}
	_, err := s.d.Ledger.Commit(ctx, visit.TimeBankOpening(from), h.Ref, h.Amount, from)
	if errors.Is(err, ledger.ErrNotHeld) {
		return nil // finished meanwhile
	}
	return err
}

// finishDonations finishes the donations a crash left reserved: the
// ledger's accounts holding minutes past its grace period, whose holds
// are donations.
func (s *Service) finishDonations(ctx context.Context) (int, error) {
	n := 0
	var errs []error
	for after := ""; ; {
		accs, err := s.d.Ledger.Holding(ctx, after, watchPage)
		if err != nil {
			return n, errors.Join(append(errs, err)...)
		}
		for _, acc := range accs {
			from, ok := strings.CutPrefix(acc.ID(), visit.TimeBankAccount(""))
			if !ok {
				continue
			}
			for _, h := range acc.Holds() {
				if !strings.HasPrefix(h.Ref, donationPrefix) {
					continue
				}
				if err := s.finishDonation(ctx, from, h); err != nil {
					errs = append(errs, err)
					continue
				}
				n++
			}
		}
		if len(accs) < watchPage {
			return n, errors.Join(errs...)
		}
		after = accs[len(accs)-1].ID()
	}
}

// redemptionReason is what a redemption's reserve entry says it is for;
// parseRedemptionReason reads it back for the station's list. An elder
// id holds no space, so the last " for " is the separator whatever the
// service's words say.
func redemptionReason(serviceType, elderID string) string { return serviceType + " for " + elderID }

func parseRedemptionReason(reason string) (serviceType, elderID string) {
	i := strings.LastIndex(reason, " for ")
	if i < 0 {
		return reason, ""
	}
	return reason[:i], reason[i+len(" for "):]
}

// StationRedemption is a redemption waiting for a station's confirmation,
// with when it was asked.
type StationRedemption struct {
	Redemption
	RequestedAt time.Time
}

// StationRedemptions is a page of the redemptions a station was asked
// for and has not settled, to its office (anyone else: provider not
// found), ordered by id, after req.After (the id the previous page ended
// with); more says whether a next page has any.
// A redemption is a hold in the redeemer's time-bank account with the
// station as its party (Redeem), so the list reads the accounts holding
// for the station: nothing is written twice.
func (s *Service) StationRedemptions(ctx context.Context, a actor.Actor, stationID string, req page.Request) ([]StationRedemption, bool, error) {
	if _, err := s.stationOffice(ctx, a, stationID); err != nil {
		return nil, false, err
	}
	p := redemptionPage{svc: s, stationID: stationID, limit: max(1, req.Limit)}
	from := ""
	if after := req.After; after != "" {
		userID, _, ok := strings.Cut(after, ".")
		if !ok || userID == "" {
			return nil, false, page.ErrCursorInvalid.WithFields(fault.FieldError{Field: "query.cursor", Code: "cursor_invalid"})
		}
		// The rest of the cursor's own account, then the accounts after it.
		acc, err := s.d.Ledger.Balance(ctx, visit.TimeBankOpening(userID))
		if err != nil {
			return nil, false, err
		}
		if err := p.add(ctx, acc, redemptionRef(after)); err != nil {
			return nil, false, err
		}
		from = acc.ID()
	}
	for !p.full() {
		accs, err := s.d.Ledger.HeldFor(ctx, stationID, from, watchPage)
		if err != nil {
			return nil, false, err
		}
		for _, acc := range accs {
			if err := p.add(ctx, acc, ""); err != nil {
				return nil, false, err
			}
		}
		if len(accs) < watchPage {
			break
		}
		from = accs[len(accs)-1].ID()
	}
	return p.page()
}

// redemptionPage gathers a page of a station's redemptions, and one more
// to know there is a next page.
type redemptionPage struct {
	svc       *Service
	stationID string
	limit     int
	out       []StationRedemption
}

func (p *redemptionPage) full() bool { return len(p.out) > p.limit }

// add adds the account's redemptions for the station with refs after
// afterRef, in ref order, until the page is full.
func (p *redemptionPage) add(ctx context.Context, acc *ledger.Account, afterRef string) error {
	userID, ok := strings.CutPrefix(acc.ID(), visit.TimeBankAccount(""))
	if !ok {
		return nil // another ledger's hold for the same party
	}
	holds := acc.Holds()
	slices.SortFunc(holds, func(x, y ledger.Hold) int { return strings.Compare(x.Ref, y.Ref) })
	for _, h := range holds {
		id, ok := strings.CutPrefix(h.Ref, redemptionRef(""))
		if !ok || h.Party != p.stationID || h.Ref <= afterRef || p.full() {
			continue
		}
		r := StationRedemption{Redemption: Redemption{ID: id, UserID: userID, StationID: h.Party, Minutes: h.Amount,
			Status: "held"}, RequestedAt: h.At}
		e, found, err := p.svc.d.Ledger.Reservation(ctx, acc, h.Ref)
		if err != nil {
			return err
		}
		if found {
			r.ServiceType, r.ElderID = parseRedemptionReason(e.Reason)
		}
		p.out = append(p.out, r)
	}
	return nil
}

func (p *redemptionPage) page() ([]StationRedemption, bool, error) {
	if !p.full() {
		return p.out, false, nil
	}
	return p.out[:p.limit], true, nil
}
