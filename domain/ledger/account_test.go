package ledger_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/kincare/kincare/domain/calendar"
	"github.com/kincare/kincare/domain/fault/faulttest"
	"github.com/kincare/kincare/domain/ledger"
)

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

var now = time.Date(2026, 12, 3, 9, 0, 0, 0, shanghai)

func account(t *testing.T, amount int64) *ledger.Account {
	t.Helper()
	a, err := ledger.Open(ledger.Opening{ID: "allowance:a1:2026-12", Holder: "mother", Source: "徐汇区民政局",
		Unit: ledger.Fen, Period: ledger.Month(now, shanghai), Amount: amount}, now)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func reserve(ref string, fen int64) ledger.Posting {
	return ledger.Posting{Ref: ref, Amount: fen, Party: "provider", Month: "2026-12"}
}

// sum adds what the entries did to the available balance: the ledger's sum must
// always equal the account's change.
func sum(es []ledger.Entry) int64 {
	var s int64
	for _, e := range es {
		switch e.Kind {
		case ledger.Reserve:
			s -= e.Amount
		case ledger.Release, ledger.Adjust:
			s += e.Amount
		} // a commit spends what was held: the balance does not move
	}
	return s
}

func TestReserveNeverGoesBelowZeroAndARetryChangesNothing(t *testing.T) {
	a := account(t, 10000)
	r, err := a.Reserve(reserve("order:1", 6000), now)
	if err != nil || r.Replayed || len(r.Entries) != 1 || r.Entries[0].Available != 4000 || r.Entries[0].Seq != 1 {
		t.Fatalf("reserve = %+v, %v", r, err)
	}
	again, err := a.Reserve(reserve("order:1", 6000), now)
	if err != nil || !again.Replayed || again.Entries[0].Key != r.Entries[0].Key || a.Available() != 4000 || a.Seq() != 1 {
		t.Fatalf("retry = %+v, %v; available %d", again, err, a.Available())
	}
	_, err = a.Reserve(reserve("order:2", 4001), now)
	faulttest.Is(t, err, ledger.ErrInsufficient)
	if _, err := a.Reserve(reserve("order:2", 4000), now); err != nil || a.Available() != 0 {
		t.Fatalf("the last 4000: %v, available %d", err, a.Available())
	}
	for _, fen := range []int64{0, -5} {
		_, err := a.Reserve(reserve("order:x", fen), now)
		faulttest.Is(t, err, ledger.ErrAmountInvalid)
	}
}

func TestCommitMaySpendLessAndReleasesTheRestInTheSameWrite(t *testing.T) {
	a := account(t, 10000)
	if _, err := a.Reserve(reserve("order:1", 6000), now); err != nil {
		t.Fatal(err)
	}
	_, err := a.Commit("order:1", 6001, "", now)
	faulttest.Is(t, err, ledger.ErrOverCommit)
	r, err := a.Commit("order:1", 4500, "", now)
	if err != nil || len(r.Entries) != 2 || r.Entries[0].Kind != ledger.Commit || r.Entries[0].Amount != 4500 ||
		r.Entries[1].Kind != ledger.Release || r.Entries[1].Amount != 1500 || r.Entries[1].Party != "provider" {
		t.Fatalf("commit = %+v, %v", r, err)
	}
	if a.Committed() != 4500 || a.Held() != 0 || a.Available() != 5500 {
		t.Fatalf("after commit: committed %d held %d available %d", a.Committed(), a.Held(), a.Available())
	}
	again, err := a.Commit("order:1", 4500, "", now)
	if err != nil || !again.Replayed || len(again.Entries) != 2 || a.Committed() != 4500 {
		t.Fatalf("retried commit = %+v, %v", again, err)
	}
	// Released with the commit: a later cancel finds nothing held.
	if r, err := a.Release("order:1", "", now); err != nil || !r.Replayed || a.Available() != 5500 {
		t.Fatalf("release after commit = %+v, %v", r, err)
	}
}

func TestReleaseGivesBackExactlyOnce(t *testing.T) {
	a := account(t, 10000)
	if _, err := a.Reserve(reserve("order:1", 3000), now); err != nil {
		t.Fatal(err)
	}
	for i := range 3 {
		r, err := a.Release("order:1", "daughter", now)
		if err != nil || r.Replayed != (i > 0) || r.Entries[0].Amount != 3000 {
			t.Fatalf("release %d = %+v, %v", i, r, err)
		}
	}
	if a.Available() != 10000 || a.Seq() != 2 {
		t.Fatalf("available %d after %d entries", a.Available(), a.Seq())
	}
	_, err := a.Release("order:never", "", now)
	faulttest.Is(t, err, ledger.ErrNotHeld)
	_, err = a.Commit("order:never", 1, "", now)
	faulttest.Is(t, err, ledger.ErrNotHeld)
}

func TestAdjustNeedsAReasonAndNeverTakesWhatIsPromised(t *testing.T) {
	a := account(t, 10000)
	if _, err := a.Reserve(reserve("order:1", 8000), now); err != nil {
		t.Fatal(err)
	}
	adj := func(ref string, fen int64, reason string) error {
		_, err := a.Adjust(ledger.Posting{Ref: ref, Amount: fen, By: "regulator", Reason: reason}, now)
		return err
	}
	faulttest.Is(t, adj("adj:1", 500, "  "), ledger.ErrReasonRequired)
	faulttest.Is(t, adj("adj:1", 0, "补发"), ledger.ErrAmountInvalid)
	faulttest.Is(t, adj("adj:1", -2001, "多发追回"), ledger.ErrInsufficient) // 2000 left; 8000 promised
	if err := adj("adj:1", -2000, "多发追回"); err != nil || a.Available() != 0 || a.Adjusted() != -2000 {
		t.Fatalf("deduction: %v, available %d", err, a.Available())
	}
	if err := adj("adj:1", -2000, "多发追回"); err != nil || a.Adjusted() != -2000 {
		t.Fatalf("a retried deduction: %v, adjusted %d", err, a.Adjusted())
	}
	if err := adj("adj:2", 3000, "补发十一月"); err != nil || a.Available() != 3000 {
		t.Fatalf("credit: %v, available %d", err, a.Available())
	}
}

func TestTheSumOfEntriesIsTheBalanceChange(t *testing.T) {
	a := account(t, 50000)
	for i := range 10 {
		ref := fmt.Sprintf("order:%d", i)
		if _, err := a.Reserve(reserve(ref, 4000), now); err != nil {
			t.Fatal(err)
		}
		switch i % 3 {
		case 0:
			_, _ = a.Release(ref, "", now)
		case 1:
			_, _ = a.Commit(ref, 3000, "", now)
		}
	}
	_, _ = a.Adjust(ledger.Posting{Ref: "adj", Amount: -1000, Reason: "更正"}, now)
	if got, want := sum(a.Recent()), a.Available()-50000; got != want {
		t.Fatalf("entries sum to %d, the balance moved %d", got, want)
	}
	if a.Held()+a.Committed()+a.Available() != 50000-1000 {
		t.Fatalf("held %d + committed %d + available %d", a.Held(), a.Committed(), a.Available())
	}
}

func TestEntriesLeaveTheAccountOnlyThroughTheJournal(t *testing.T) {
	a := account(t, 1_000_000)
	for i := range ledger.RecentEntries + 5 {
		if _, err := a.Reserve(reserve(fmt.Sprintf("order:%d", i), 10), now); err != nil {
			t.Fatal(err)
		}
	}
	if !a.Complete() || len(a.Unjournaled()) != ledger.RecentEntries+5 {
		t.Fatalf("complete %v, unjournaled %d", a.Complete(), len(a.Unjournaled()))
	}
	a.MarkJournaled(2) // known to be in the journal: they leave without being written again
	spilled := a.Spill()
	if len(spilled) != 3 || spilled[0].Seq != 3 || a.Complete() || a.Journaled() != 5 ||
		len(a.Recent()) != ledger.RecentEntries {
		t.Fatalf("spilled %d from seq %d; journaled %d, recent %d", len(spilled), spilled[0].Seq, a.Journaled(), len(a.Recent()))
	}
	// A hold whose reserve entry spilled still answers its retry.
	if r, err := a.Reserve(reserve("order:0", 10), now); err != nil || !r.Replayed || a.Seq() != int64(ledger.RecentEntries+5) {
		t.Fatalf("retry of a spilled reserve = %+v, %v", r, err)
	}
	if !a.MayHaveApplied(spilled[0].Key) || a.MayHaveApplied(ledger.KeyOf(a.ID(), ledger.Reserve, "order:never")) {
		t.Fatalf("a spilled key must be worth a journal read; an unseen one must not")
	}
	a.MarkJournaled(a.Seq())
	if len(a.Unjournaled()) != 0 {
		t.Fatalf("unjournaled after marking: %d", len(a.Unjournaled()))
	}
}

func TestPeriods(t *testing.T) {
	// 23:30 on 31 December in Shanghai is still December there.
	p := ledger.Month(time.Date(2026, 12, 31, 23, 30, 0, 0, shanghai), shanghai)
	if p.Key != "2026-12" || !p.Start.Equal(time.Date(2026, 12, 1, 0, 0, 0, 0, shanghai)) ||
		!p.End.Equal(time.Date(2027, 1, 1, 0, 0, 0, 0, shanghai)) {
		t.Fatalf("month = %+v", p)
	}
	if q, err := ledger.ParseMonth("2026-12", shanghai); err != nil || q != p {
		t.Fatalf("parsed %+v, %v", q, err)
	}
	for _, bad := range []string{"2026-13", "2026-1", "26-12", "2026-12-01", "december", "", "1999-12"} {
		_, err := ledger.ParseMonth(bad, shanghai)
		faulttest.Is(t, err, ledger.ErrPeriodInvalid)
	}
	from, _ := calendar.ParseDate("2026-01-01")
	to, _ := calendar.ParseDate("2026-06-30")
	s := ledger.Span(from, to, shanghai)
	if s.Key != "2026-01-01..2026-06-30" || !s.Contains(time.Date(2026, 6, 30, 23, 59, 0, 0, shanghai)) ||
		s.Contains(time.Date(2026, 7, 1, 0, 0, 0, 0, shanghai)) {
		t.Fatalf("span = %+v", s)
	}
}
