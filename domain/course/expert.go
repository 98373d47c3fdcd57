package course

import (
	"time"

	"github.com/kincare/kincare/domain/fault"
)

// Expert is one of an organiser's speakers (育儿专家库): a course names
// one as its speaker, and keeps a copy of their words.
type Expert struct {
	ID         string
	ProviderID string
	Speaker
	CreatedBy string
	CreatedAt time.Time
}

var (
	ErrExpertInvalid  = fault.New(fault.Unprocessable, "expert_invalid")
	ErrExpertNotFound = fault.New(fault.NotFound, "expert_not_found")
)

// NewExpert checks an expert; the caller sets ID, ProviderID, CreatedBy.
func NewExpert(e Expert, now time.Time) (Expert, error) {
	if fields := e.Speaker.check(nil, ""); len(fields) > 0 {
		return Expert{}, ErrExpertInvalid.WithFields(fields...)
	}
	e.CreatedAt = now.UTC()
	return e, nil
}
