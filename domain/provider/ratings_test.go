package provider_test

import (
	"fmt"
	"testing"

	"github.com/kincare/kincare/domain/provider"
)

func TestARatingCountsOnceForTheProviderAndItsCaregiver(t *testing.T) {
	p := &provider.Provider{ID: "p", Staff: []provider.Staff{{UserID: "cg", Role: provider.StaffCaregiver}}}
	if !p.CountRating("o1", "cg", 5) || !p.CountRating("o2", "cg", 2) || !p.CountRating("o3", "gone", 4) {
		t.Fatal("a new rating was not counted")
	}
	if p.CountRating("o1", "cg", 5) {
		t.Fatal("o1 counted twice")
	}
	if got := p.Stats.Ratings(); got != (provider.Tally{Sum: 11, Count: 3}) {
		t.Fatalf("provider %+v, want 11 over 3", got)
	}
	if got := p.Staff[0].Ratings; got != (provider.Tally{Sum: 7, Count: 2}) || got.Average() != 3.5 {
		t.Fatalf("caregiver %+v, want 7 over 2 (a caregiver no longer on the staff is skipped)", got)
	}
}

func TestOnlyTheNewestKeysAreKept(t *testing.T) {
	p := &provider.Provider{ID: "p"}
	for i := range provider.RecentRatingKeys + 10 {
		p.CountRating(fmt.Sprint("o", i), "", 4)
	}
	if n := len(p.Stats.RecentRatings); n != provider.RecentRatingKeys {
		t.Fatalf("%d keys kept", n)
	}
	if p.Stats.RecentRatings[0] != "o10" || p.CountRating(fmt.Sprint("o", provider.RecentRatingKeys+9), "", 4) {
		t.Fatalf("oldest kept %s", p.Stats.RecentRatings[0])
	}
}

func TestARecountReplacesEveryCounter(t *testing.T) {
	p := &provider.Provider{ID: "p", Staff: []provider.Staff{{UserID: "a", Role: provider.StaffCaregiver,
		Ratings: provider.Tally{Sum: 3, Count: 1}}, {UserID: "b", Role: provider.StaffCaregiver}}}
	p.CountRating("o1", "a", 3)
	want := provider.RatingTotals{Provider: provider.Tally{Sum: 9, Count: 2},
		Caregivers: map[string]provider.Tally{"b": {Sum: 9, Count: 2}, "left": {Sum: 1, Count: 1}},
		Recent:     []string{"o1", "o2"}}
	if p.MatchesRatings(want) {
		t.Fatal("different counters match")
	}
	before := p.Stats
	p.ReplaceRatings(want)
	if !p.MatchesRatings(want) || p.Staff[0].Ratings != (provider.Tally{}) || len(p.Stats.RecentRatings) != 2 {
		t.Fatalf("after the recount %+v %+v", p.Stats, p.Staff)
	}
	if before.SameRatings(p.Stats) || !p.Stats.SameRatings(p.Stats) {
		t.Fatal("SameRatings")
	}
	if p.CountRating("o2", "b", 5) {
		t.Fatal("a key the recount counted was counted again")
	}
}
