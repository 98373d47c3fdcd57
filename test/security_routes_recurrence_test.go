package e2e_test

// Rows: recurring orders. A rule is its elder's family's; to anyone else
// it, and the elder's lists, do not exist. Every rule made here starts
// six weeks ahead, beyond the generator's horizon, so it orders nothing
// that other rows' caregivers would then be busy with.

import (
	"net/http"
	"strings"
	"testing"
	"time"
)

func recurrenceRows(w *world) []row {
	ok, nf := http.StatusOK, http.StatusNotFound
	elder := "/v1/elders/" + w.elderA
	family := who{famA: ok, famA2: ok}
	rule := func(action string) func(t *testing.T, w *world) fixture {
		return func(t *testing.T, w *world) fixture {
			return fixture{path: "/v1/recurring-orders/" + w.recurringOrder(t) + action}
		}
	}
	return []row{
		{op: "createRecurringOrder", each: func(t *testing.T, w *world) fixture {
			return fixture{path: elder + "/recurring-orders", body: w.recurringOrderBody(t)}
		}, want: who{famA: http.StatusCreated, famA2: http.StatusCreated}, others: nf},
		{op: "listRecurringOrders", fixture: fixture{path: elder + "/recurring-orders"}, want: family, others: nf},
		{op: "listRecurringOccurrences", fixture: fixture{path: elder + "/recurring-occurrences?days=7"}, want: family,
			others: nf},
		{op: "getRecurringOrder", fresh: rule(""), want: family, others: nf},
		{op: "pauseRecurringOrder", fresh: rule("/pause"), solo: []actor{famA, famA2}, want: family, others: nf},
		// An active rule: resuming it is refused past the family's check.
		{op: "resumeRecurringOrder", fresh: rule("/resume"),
			want: who{famA: http.StatusConflict, famA2: http.StatusConflict}, others: nf},
		{op: "endRecurringOrder", fresh: rule("/end"), solo: []actor{famA, famA2}, want: family, others: nf},
		// Skipping the same day twice changes nothing more.
		{op: "skipRecurringOccurrence", fresh: func(t *testing.T, w *world) fixture {
			f := rule("/skip")(t, w)
			f.body = map[string]string{"date": recurringStart().Format(time.DateOnly)}
			return f
		}, want: family, others: nf},
		{op: "splitRecurringOrder", fresh: func(t *testing.T, w *world) fixture {
			f := rule("/split")(t, w)
			f.body = map[string]any{"from": recurringStart().Format(time.DateOnly), "notes": "改为按新的备注"}
			return f
		}, solo: []actor{famA, famA2}, want: who{famA: http.StatusCreated, famA2: http.StatusCreated}, others: nf},
	}
}

// recurringStart is the first day of the table's rules, in Shanghai: six
// weeks ahead.
func recurringStart() time.Time { return shanghaiToday().AddDate(0, 0, 42) }

// recurringOrderBody is a weekly bath for elder A at provider A from
// recurringStart, at the price it is quoted now.
func (w *world) recurringOrderBody(t *testing.T) map[string]any {
	t.Helper()
	day := recurringStart()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	start := time.Date(day.Year(), day.Month(), day.Day(), 20, 0, 0, 0, loc)
	q := must[quoteView](t, w.who(famA).post(t, "/v1/quotes", map[string]any{"elderId": w.elderA,
		"providerId": w.provA, "itemId": w.itemA, "window": map[string]string{"start": start.Format(time.RFC3339),
			"end": start.Add(time.Hour).Format(time.RFC3339)}}), http.StatusOK)
	return map[string]any{"providerId": w.provA, "itemId": w.itemA, "priceVersion": q.PriceVersion,
		"schedule": map[string]any{"frequency": "weekly", "weekdays": []string{strings.ToLower(day.Weekday().String())},
			"startsOn": day.Format(time.DateOnly), "at": "20:00", "durationMinutes": 60}}
}

// recurringOrder is a new rule of famA's for elder A.
func (w *world) recurringOrder(t *testing.T) string {
	t.Helper()
	r := must[recurringOrderView](t, w.who(famA).post(t, "/v1/elders/"+w.elderA+"/recurring-orders",
		w.recurringOrderBody(t), "Idempotency-Key", randomID()), http.StatusCreated)
	return r.ID
}
