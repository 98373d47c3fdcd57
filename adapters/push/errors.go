package push

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"

	"firebase.google.com/go/v4/errorutils"
	"firebase.google.com/go/v4/messaging"

	"github.com/kincare/kincare/app/notify"
)

// classify turns an SDK error into notify's vocabulary. The messaging.Is*
// checks need the SDK's error unwrapped, as it is here.
func classify(ctx context.Context, err error, now time.Time) error {
	switch {
	case messaging.IsUnregistered(err), messaging.IsSenderIDMismatch(err):
		return fmt.Errorf("%w: %v", notify.ErrTokenDead, err)
	case messaging.IsInvalidArgument(err):
		// FCM answers INVALID_ARGUMENT both for a malformed token and for
		// a malformed message. Only the first may cost the user their
		// token; a bug in our payload must not unregister everyone.
		if strings.Contains(strings.ToLower(err.Error()), "registration token") {
			return fmt.Errorf("%w: %v", notify.ErrTokenDead, err)
		}
		return fmt.Errorf("push: fcm refused the message: %w", err)
	case messaging.IsUnavailable(err), messaging.IsInternal(err), messaging.IsQuotaExceeded(err):
		return &notify.RetryableError{After: retryAfter(err, now), Err: err}
	case ctx.Err() != nil:
		// Our caller gave up (shutdown, deadline): keep that visible to
		// errors.Is rather than blaming FCM.
		if errors.Is(err, ctx.Err()) {
			return fmt.Errorf("push: fcm send: %w", err)
		}
		return fmt.Errorf("push: fcm send: %w: %w", ctx.Err(), err)
	case transient(err):
		return &notify.RetryableError{After: retryAfter(err, now), Err: err}
	}
	return fmt.Errorf("push: fcm send: %w", err)
}

// transient catches what FCM's own codes do not: network failures that
// outlived the SDK's retries and 5xx answers from something in front of
// FCM (no FcmError detail in the body).
func transient(err error) bool {
	if errorutils.IsUnavailable(err) || errorutils.IsInternal(err) ||
		errorutils.IsDeadlineExceeded(err) || errorutils.IsResourceExhausted(err) {
		return true
	}
	if !errorutils.IsUnknown(err) {
		return false
	}
	resp := errorutils.HTTPResponse(err)
	return resp == nil || resp.StatusCode >= 500
}

// retryAfter reads the Retry-After header, in seconds or as an HTTP date;
// zero when absent or unreadable.
func retryAfter(err error, now time.Time) time.Duration {
	resp := errorutils.HTTPResponse(err)
	if resp == nil {
		return 0
	}
	v := resp.Header.Get("Retry-After")
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil && secs > 0 {
		return time.Duration(secs) * time.Second
	}
	if at, err := http.ParseTime(v); err == nil && at.After(now) {
		return at.Sub(now)
	}
	return 0
}
