package mongo_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/course"
	"github.com/kincare/kincare/test/testenv"
)

// A person's standing is made once by concurrent first no-shows, keeps
// each booking once, carries the notice that starts the rule, and is
// forgotten with their account.
func TestClassStandings(t *testing.T) {
	store := testenv.Mongo(t)
	ctx := context.Background()
	standings := store.ClassStandings()
	// calendar-safe: the repository is handed every instant and the store reads no clock
	now := time.Date(2026, 3, 1, 8, 30, 0, 0, time.UTC)

	if s, err := standings.Get(ctx, "mum"); err != nil || s.UserID != "mum" || len(s.NoShows) != 0 {
		t.Fatalf("a standing never recorded: %+v %v", s, err)
	}
	var wg sync.WaitGroup
	for _, b := range []string{"b1", "b2", "b3", "b1"} {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := standings.Update(ctx, "mum", func(s *course.Standing) error {
				s.NoteNoShow(course.NoShow{BookingID: b, SessionID: "s-" + b, At: now}, course.DefaultNoShowRule, "e-"+b, now,
					time.UTC)
				return nil
			}); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	s, err := standings.Get(ctx, "mum")
	if err != nil {
		t.Fatal(err)
	}
	if len(s.NoShows) != 3 || !s.NoShows[0].At.Equal(now) {
		t.Fatalf("no-shows %+v, want b1, b2, b3 once each", s.NoShows)
	}
	if until, ok := s.RestrictedUntil(course.DefaultNoShowRule, now); !ok || !until.Equal(now.Add(30*24*time.Hour)) {
		t.Errorf("restricted until %v %v", until, ok)
	}
	if p := s.Pending(); len(p) != 1 || p[0].Type != course.EventRestricted {
		t.Errorf("pending events %+v, want the one notice", p)
	}
	if err := standings.Delete(ctx, "mum"); err != nil {
		t.Fatal(err)
	}
	if s, err := standings.Get(ctx, "mum"); err != nil || len(s.NoShows) != 0 {
		t.Fatalf("after deletion: %+v %v", s, err)
	}
}
