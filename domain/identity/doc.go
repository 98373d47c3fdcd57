// Package identity holds who a user is to kincare: their phone, their
// roles, their password, the one-time codes that prove the phone, and the
// sessions (refresh-token families) that keep them logged in.
//
// It is pure domain code: no I/O, no drivers, time passed in.
package identity
