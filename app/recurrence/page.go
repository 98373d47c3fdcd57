package recurrence

import (
	"slices"

	"github.com/kincare/kincare/app/page"
)

func parsePage(cursor string, limit int) (page.Request, error) { return page.Parse(cursor, limit) }

func cursorAfter(lastID string, more bool) string { return page.Cursor(lastID, more) }

func pageAfter(after string) page.Request { return page.Request{After: after, Limit: page.MaxLimit} }

func sortUpcoming(us []Upcoming) {
	slices.SortStableFunc(us, func(a, b Upcoming) int { return a.Start.Compare(b.Start) })
}
