package auth

import (
	"context"
	"crypto/rand"
	"fmt"
	"math/big"
	"time"

	"github.com/kincare/kincare/app/throttle"
	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/identity"
)

// OTPSent tells the app how long the code lives and when to offer resend.
type OTPSent struct {
	ExpiresIn   time.Duration
	ResendAfter time.Duration
}

var ErrSMSUnavailable = fault.New(fault.Unavailable, "sms_unavailable")

// RequestOTP texts a fresh login code to phone, replacing any earlier one.
// It answers the same whether or not the phone has an account.
//
// Texts cost money and can be abused to pump SMS to premium numbers, so
// besides the per-phone limits one client address may ask for only so
// many codes, whatever the phones.
func (s *Service) RequestOTP(ctx context.Context, rawPhone string, locale identity.Locale, clientIP string) (OTPSent, error) {
	phone, err := identity.ParsePhone(rawPhone)
	if err != nil {
		return OTPSent{}, err
	}
	if err := throttle.Check(ctx, s.limiter, "otp-ip:"+clientIP, s.cfg.OTPPerIPLimits...); err != nil {
		return OTPSent{}, err
	}
	if err := throttle.Check(ctx, s.limiter, "otp:"+phone.String(), s.cfg.OTPSendLimits...); err != nil {
		return OTPSent{}, err
	}
	code, err := newOTPCode()
	if err != nil {
		return OTPSent{}, err
	}
	if err := s.otps.Issue(ctx, phone, identity.OTPDigest(phone, code), identity.OTPTTL); err != nil {
		return OTPSent{}, fmt.Errorf("store login code: %w", err)
	}
	if err := s.sms.SendLoginCode(ctx, phone, code, locale); err != nil {
		return OTPSent{}, ErrSMSUnavailable.Wrap(err)
	}
	resend := time.Duration(0)
	if len(s.cfg.OTPSendLimits) > 0 {
		resend = s.cfg.OTPSendLimits[0].Per / time.Duration(max(1, s.cfg.OTPSendLimits[0].Count))
	}
	return OTPSent{ExpiresIn: identity.OTPTTL, ResendAfter: resend}, nil
}

func newOTPCode() (string, error) {
	n, err := rand.Int(rand.Reader, big.NewInt(1_000_000))
	if err != nil {
		return "", fmt.Errorf("draw login code: %w", err)
	}
	return fmt.Sprintf("%06d", n.Int64()), nil
}
