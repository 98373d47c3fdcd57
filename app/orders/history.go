package orders

import (
	"context"

	"github.com/kincare/kincare/app/page"
)

// History tells whether an elder has ever been ordered for
// (elders.Orders): from the first order on, the elder's birth date has
// priced something, and the family's word alone no longer changes it.
type History struct{ Orders Store }

// Ordered reports whether any order, in any state, names the elder.
func (h History) Ordered(ctx context.Context, elderID string) (bool, error) {
	list, _, err := h.Orders.List(ctx, Filter{ElderID: elderID}, page.Request{Limit: 1})
	if err != nil {
		return false, err
	}
	return len(list) > 0, nil
}
