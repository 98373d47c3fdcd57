package auth

import (
	"context"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
)

// Me returns the caller's own account.
func (s *Service) Me(ctx context.Context, a actor.Actor) (*identity.User, error) {
	u, err := s.users.ByID(ctx, a.UserID)
	if fault.Is(err, identity.ErrUserNotFound) {
		return nil, fault.ErrUnauthenticated
	}
	if err != nil {
		return nil, err
	}
	return u, u.CanLogIn()
}

// UpdateMeCommand changes the caller's own settings; nil fields stay.
type UpdateMeCommand struct {
	Locale *string
}

// UpdateMe changes the caller's settings.
func (s *Service) UpdateMe(ctx context.Context, a actor.Actor, cmd UpdateMeCommand) (*identity.User, error) {
	var locale identity.Locale
	if cmd.Locale != nil {
		l, err := identity.ParseLocale(*cmd.Locale)
		if err != nil {
			return nil, err.(*fault.Error).WithFields(fault.FieldError{Field: "/locale", Code: "enum"})
		}
		locale = l
	}
	return s.users.Update(ctx, a.UserID, func(u *identity.User) error {
		if locale != "" {
			u.SetLocale(locale)
		}
		return u.CanLogIn()
	})
}

// SetPassword lets a logged-in user add or change a password for login
// without a code.
func (s *Service) SetPassword(ctx context.Context, a actor.Actor, plain string) error {
	hash, err := identity.HashPassword(plain)
	if err != nil {
		return err
	}
	_, err = s.users.Update(ctx, a.UserID, func(u *identity.User) error {
		u.SetPassword(hash)
		return u.CanLogIn()
	})
	return err
}
