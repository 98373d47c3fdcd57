package reservations_test

import (
	"context"
	"testing"

	"github.com/kincare/kincare/domain/reservation"
)

// KnownFull answers from Redis what a hold would: full for a new key,
// not full for a key that holds (a retry finds what it made), nor for a
// slot Redis does not know.
func TestKnownFullSparesNoRetry(t *testing.T) {
	h := newHarness(t)
	ctx := context.Background()
	h.offer(1, 0)
	sl := h.slot()
	a, b := h.parent(20), h.parent(20)
	if full, err := h.svc.KnownFull(ctx, b.actor, sl.ID(), reservation.Market, "kb"); err != nil || full {
		t.Fatalf("an empty slot: full %v, %v", full, err)
	}
	if _, err := h.hold(a, sl.ID(), reservation.Market, "ka"); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		p    parent
		key  string
		want bool
	}{{"another's new key", b, "kb", true}, {"no key", b, "", true}, {"the holder's key", a, "ka", false},
		{"the holder's new key", a, "ka2", true}} {
		if full, err := h.svc.KnownFull(ctx, c.p.actor, sl.ID(), reservation.Market, c.key); err != nil || full != c.want {
			t.Errorf("%s: full %v, %v; want %v", c.name, full, err, c.want)
		}
	}
	if full, err := h.svc.KnownFull(ctx, b.actor, "unknown-slot", reservation.Market, "kb"); err != nil || full {
		t.Errorf("a slot Redis does not know: full %v, %v", full, err)
	}
}
