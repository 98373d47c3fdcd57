// Package privacy holds the use cases of a user's rights over their data:
// reading the audit log of their family, exporting everything kincare
// holds about them, and deleting their account.
package privacy

import (
	"context"

	"github.com/kincare/kincare/app/page"
	"github.com/kincare/kincare/domain/audit"
)

// AuditLog lists a family's audited accesses, newest first.
type AuditLog interface {
	Record(ctx context.Context, e audit.Entry) error
	ListByFamily(ctx context.Context, familyID string, p page.Request) ([]audit.Entry, bool, error)
	ListByActor(ctx context.Context, actorID string) ([]audit.Entry, error)
	DeleteByFamily(ctx context.Context, familyID string) error
}
