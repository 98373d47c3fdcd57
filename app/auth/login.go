package auth

import (
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
)

// LoginCommand is a phone with either a one-time code or a password,
// and the client address it came from.
type LoginCommand struct {
	Phone    string
	Code     string
	Password string
	Client   string
}

// TokenPair is what a successful login or refresh hands the app.
type TokenPair struct {
	AccessToken      string
	AccessExpiresAt  time.Time
	RefreshToken     string
	RefreshExpiresAt time.Time
	User             *identity.User
	Created          bool
}

var ErrLoginMethod = fault.New(fault.Unprocessable, "login_method_invalid")

// Login proves the phone and opens a new session. The first login by code
// creates the account.
//
// Wrong passwords are limited per phone and per (phone, client), and the
// phone's owner is told when they pile up. Codes are not limited per
// phone here: a correct, unexpired code proves the phone is in hand, and
// wrong codes are bounded by the code itself (identity.OTPMaxAttempts).
// So a stranger trying passwords from many addresses can lock the
// password, never the owner out of their account.
func (s *Service) Login(ctx context.Context, cmd LoginCommand) (TokenPair, error) {
	phone, err := identity.ParsePhone(cmd.Phone)
	if err != nil {
		return TokenPair{}, err
	}
	if (cmd.Code == "") == (cmd.Password == "") {
		return TokenPair{}, ErrLoginMethod.WithFields(
			fault.FieldError{Field: "/code", Code: "one_of_required"},
			fault.FieldError{Field: "/password", Code: "one_of_required"})
	}
	var (
		user    *identity.User
		created bool
	)
	if cmd.Code != "" {
		user, created, err = s.loginByCode(ctx, phone, cmd.Code)
	} else {
		user, err = s.loginByPassword(ctx, phone, cmd.Password, cmd.Client)
	}
	if err != nil {
		return TokenPair{}, err
	}
	if user, err = s.grantBootstrapAdmin(ctx, user); err != nil {
		return TokenPair{}, err
	}
	now := s.now()
	sess := identity.NewSession(s.newID(), user.ID(), now, s.cfg.RefreshTTL)
	if err := s.sessions.Create(ctx, sess); err != nil {
		return TokenPair{}, fmt.Errorf("open session: %w", err)
	}
	pair, err := s.issue(user, sess.ID, sess.Generation, sess.ExpiresAt, now)
	pair.Created = created
	return pair, err
}

func (s *Service) loginByCode(ctx context.Context, phone identity.Phone, code string) (*identity.User, bool, error) {
	if !identity.WellFormedOTP(code) {
		return nil, false, identity.ErrOTPInvalid.WithFields(fault.FieldError{Field: "/code", Code: "pattern"})
	}
	check, err := s.otps.Verify(ctx, phone, identity.OTPDigest(phone, code), identity.OTPMaxAttempts)
	if err != nil {
		return nil, false, fmt.Errorf("verify login code: %w", err)
	}
	if err := check.Verdict.Err(check.AttemptsLeft, check.LockedFor); err != nil {
		return nil, false, err
	}
	fresh, err := identity.NewUser(s.newID(), phone, s.now())
	if err != nil {
		return nil, false, err
	}
	user, created, err := s.users.FirstOrCreate(ctx, fresh)
	if err != nil {
		return nil, false, fmt.Errorf("load or create user: %w", err)
	}
	return user, created, user.CanLogIn()
}

// loginByPassword checks a password within the phone's and the client's
// budgets of wrong ones: the attempt is counted before the check, so
// that guesses sent at once cannot all pass under the limit, and given
// back when it was no wrong password.
func (s *Service) loginByPassword(ctx context.Context, phone identity.Phone, password, client string) (*identity.User, error) {
	g := s.cfg.Passwords
	attempt, err := s.failures.Attempt(ctx, phone, client, g)
	if err != nil {
		return nil, fmt.Errorf("count password attempts: %w", err)
	}
	if !attempt.Allowed {
		return nil, identity.ErrPasswordLocked.Retry(attempt.RetryAfter)
	}
	user, err := s.checkPassword(ctx, phone, password)
	if !fault.Is(err, identity.ErrCredentialsWrong) {
		if ferr := s.failures.Forgive(ctx, phone, client); ferr != nil {
			// Counted once too often: the budget is a little shorter.
			s.log.WarnContext(ctx, "give back a password attempt", "err", ferr)
		}
		return user, err
	}
	if user != nil && g.Warn(user, attempt.Failures) {
		s.warnOfGuessing(ctx, user, attempt.Failures)
	}
	return nil, err
}

// checkPassword returns the phone's account, if any, with the verdict.
func (s *Service) checkPassword(ctx context.Context, phone identity.Phone, password string) (*identity.User, error) {
	user, err := s.users.ByPhone(ctx, phone)
	if fault.Is(err, identity.ErrUserNotFound) {
		// Same answer, and the same bcrypt work, as a wrong password: a
		// login form must not tell strangers which phones have accounts,
		// neither by its words nor by its speed.
		identity.SpendPasswordCheck(password)
		return nil, identity.ErrCredentialsWrong
	}
	if err != nil {
		return nil, fmt.Errorf("load user: %w", err)
	}
	if err := user.CheckPassword(password); err != nil {
		if fault.Is(err, identity.ErrPasswordNotSet) {
			identity.SpendPasswordCheck(password)
			return user, identity.ErrCredentialsWrong
		}
		return user, err
	}
	return user, nil
}

// warnOfGuessing tells the owner their password is being guessed. The
// refusal the guesser gets does not wait on it, and a warning lost to a
// failure here is given again when the count next reaches the mark.
func (s *Service) warnOfGuessing(ctx context.Context, u *identity.User, failures int) {
	e, err := s.cfg.Passwords.Warning(u, failures, s.now())
	if err == nil {
		err = s.announce.Announce(ctx, e)
	}
	if err != nil {
		s.log.WarnContext(ctx, "warn of password guessing", "user_id", u.ID(), "err", err)
	}
}

func (s *Service) grantBootstrapAdmin(ctx context.Context, u *identity.User) (*identity.User, error) {
	if u.Roles().Has(identity.RolePlatformAdmin) || !slices.Contains(s.cfg.AdminPhones, u.Phone()) {
		return u, nil
	}
	return s.users.Update(ctx, u.ID(), func(u *identity.User) error {
		u.GrantRoles(identity.RolePlatformAdmin)
		return nil
	})
}

func (s *Service) issue(u *identity.User, sessionID string, gen int, refreshExpires, now time.Time) (TokenPair, error) {
	access, accessExp, err := s.tokens.IssueAccess(u.ID(), sessionID, u.Roles(), now)
	if err != nil {
		return TokenPair{}, fmt.Errorf("sign access token: %w", err)
	}
	return TokenPair{
		AccessToken: access, AccessExpiresAt: accessExp,
		RefreshToken: s.tokens.MintRefresh(sessionID, gen), RefreshExpiresAt: refreshExpires,
		User: u,
	}, nil
}
