package http

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
)

// A store that did not answer in time is 503 with Retry-After, not a 500
// that reads as a bug; other unknown errors stay 500 internal.
func TestAStoreTooBusyToAnswerIsUnavailableNotInternal(t *testing.T) {
	busy := fmt.Errorf("authenticate: mongo: find user: timed out while checking out a connection from connection pool: %w",
		context.DeadlineExceeded)
	status, code, fe := classify(busy)
	if status != 503 || code != "store_unavailable" || fe == nil || fe.RetryAfter != time.Second {
		t.Fatalf("busy store: %d %s %+v; want 503 store_unavailable retrying in 1s", status, code, fe)
	}
	if status, code, _ := classify(errors.New("boom")); status != 500 || code != "internal" {
		t.Fatalf("unknown error: %d %s; want 500 internal", status, code)
	}
}
