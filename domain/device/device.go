// Package device describes the phones and browsers a user receives push
// notifications on. Pure domain code.
package device

import (
	"time"
	"unicode/utf8"

	"github.com/kincare/kincare/domain/fault"
	"github.com/kincare/kincare/domain/text"
)

type Platform string

const (
	PlatformIOS     Platform = "ios"
	PlatformAndroid Platform = "android"
	PlatformWeb     Platform = "web"
)

// App is which of kincare's apps the token belongs to; a caregiver's phone
// may carry both the caregiver and the family app.
type App string

const (
	AppFamily    App = "family"
	AppProvider  App = "provider"
	AppCaregiver App = "caregiver"
)

const (
	maxTokenBytes = 4096
	maxAppVersion = 32
)

var ErrDeviceInvalid = fault.New(fault.Unprocessable, "device_invalid")

// Device is one push token registered by one user.
type Device struct {
	Token      string
	UserID     string
	Platform   Platform
	App        App
	Locale     string
	AppVersion string
	UpdatedAt  time.Time
	// RegisteredAt is when the token became this user's; starting the
	// app again changes UpdatedAt, not this. Milliseconds, as stored, so
	// it compares exactly with the time of its registration event.
	RegisteredAt time.Time
}

// RegisteredBy reports whether the device was the user's at t: a notice
// about a sign-in must not reach a device that signed in after it.
func (d Device) RegisteredBy(t time.Time) bool { return !d.RegisteredAt.After(t) }

// New validates a registration. The token is whatever FCM issued; we only
// refuse what cannot be one.
func New(token, userID string, p Platform, app App, locale, appVersion string, now time.Time) (Device, error) {
	var fields []fault.FieldError
	if token == "" || len(token) > maxTokenBytes || !utf8.ValidString(token) {
		fields = append(fields, fault.FieldError{Field: "token", Code: "device_token_invalid"})
	}
	switch p {
	case PlatformIOS, PlatformAndroid, PlatformWeb:
	default:
		fields = append(fields, fault.FieldError{Field: "/platform", Code: "enum"})
	}
	switch app {
	case AppFamily, AppProvider, AppCaregiver:
	default:
		fields = append(fields, fault.FieldError{Field: "/app", Code: "enum"})
	}
	fields = text.Rule{Max: maxAppVersion}.Check(fields, "/appVersion", &appVersion)
	if len(fields) > 0 {
		return Device{}, ErrDeviceInvalid.WithFields(fields...)
	}
	return Device{Token: token, UserID: userID, Platform: p, App: app, Locale: locale,
		AppVersion: appVersion, UpdatedAt: now.UTC(), RegisteredAt: now.UTC().Truncate(time.Millisecond)}, nil
}
