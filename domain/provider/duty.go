package provider

import (
	"slices"
	"strconv"

	"github.com/kincare/kincare/domain/fault"
)

// MaxOnDuty bounds the emergency duty roster.
const MaxOnDuty = 20

// ErrDutyInvalid names roster entries that are not the provider's staff.
var ErrDutyInvalid = fault.New(fault.Unprocessable, "duty_invalid")

// SetDuty replaces who is on emergency duty (值班) for the provider: the
// staff an elder's alarm reaches on its second rung when the provider
// serves the elder's address. Admins only; everyone on it must work for
// the provider (admins themselves may be on duty).
func (p *Provider) SetDuty(actorID string, userIDs []string) error {
	if err := p.RequireAdmin(actorID); err != nil {
		return err
	}
	if len(userIDs) > MaxOnDuty {
		return ErrDutyInvalid.WithFields(fault.FieldError{Field: "/userIds", Code: "maxItems"})
	}
	var fields []fault.FieldError
	out := make([]string, 0, len(userIDs))
	for i, id := range userIDs {
		if !p.IsAdmin(id) && p.StaffMember(id) == nil {
			fields = append(fields, fault.FieldError{Field: "/userIds/" + strconv.Itoa(i), Code: "not_staff"})
			continue
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	if len(fields) > 0 {
		return ErrDutyInvalid.WithFields(fields...)
	}
	p.Duty = out
	return nil
}

// OnDuty is who is on emergency duty now: the roster, less anyone who
// has left the provider since (access follows current membership).
func (p *Provider) OnDuty() []string {
	var out []string
	for _, id := range p.Duty {
		if p.IsAdmin(id) || p.StaffMember(id) != nil {
			out = append(out, id)
		}
	}
	return out
}
