package fault_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/fault"
)

func TestCopiesStillMatchTheirSentinel(t *testing.T) {
	err := fmt.Errorf("login: %w", fault.ErrRateLimited.Retry(time.Minute).Wrap(errors.New("redis said no")))
	if !errors.Is(err, fault.ErrRateLimited) {
		t.Fatalf("errors.Is lost the sentinel through With/Wrap: %v", err)
	}
	if errors.Is(err, fault.ErrForbidden) {
		t.Fatal("a different code must not match")
	}
	fe, ok := fault.As(err)
	if !ok || fe.RetryAfter != time.Minute {
		t.Fatalf("As = %v, %v; want the rate-limit error with its retry-after", fe, ok)
	}
	if fault.ErrRateLimited.RetryAfter != 0 {
		t.Fatal("Retry must not change the shared sentinel")
	}
}
