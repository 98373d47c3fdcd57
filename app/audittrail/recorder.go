// Package audittrail writes the audit log every use case touching
// sensitive records shares: who did what to which record, from which
// request.
package audittrail

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/audit"
)

// Log stores audit entries.
type Log interface {
	Record(ctx context.Context, e audit.Entry) error
}

// Recorder stamps entries with an id, the time and the request.
type Recorder struct {
	log    Log
	now    func() time.Time
	newID  func() string
	logger *slog.Logger
}

func NewRecorder(log Log, now func() time.Time, newID func() string, logger *slog.Logger) *Recorder {
	return &Recorder{log: log, now: now, newID: newID, logger: logger}
}

// Record writes one entry. It is called after the change it describes
// has happened, so a failure is logged loudly rather than failing a
// change that cannot be undone.
func (r *Recorder) Record(ctx context.Context, a actor.Actor, familyID string, action audit.Action, resource, resourceID string) {
	e := audit.Entry{ID: r.newID(), FamilyID: familyID, ActorID: a.UserID, Action: action, Resource: resource,
		ResourceID: resourceID, RequestID: a.RequestID, At: r.now().UTC()}
	if err := r.log.Record(ctx, e); err != nil {
		r.logger.ErrorContext(ctx, "audit entry lost", "family_id", familyID, "action", string(action),
			"resource", resource, "resource_id", resourceID, "request_id", a.RequestID, "err", err)
	}
}

// RecordRead writes the entry for a read of sensitive data before the data
// is returned; if it cannot be written, the read fails: an unaudited read
// of a child's record is worse than no read.
func (r *Recorder) RecordRead(ctx context.Context, a actor.Actor, familyID, resource, resourceID string) error {
	e := audit.Entry{ID: r.newID(), FamilyID: familyID, ActorID: a.UserID, Action: audit.Read, Resource: resource,
		ResourceID: resourceID, RequestID: a.RequestID, At: r.now().UTC()}
	if err := r.log.Record(ctx, e); err != nil {
		return fmt.Errorf("audit read of %s %s: %w", resource, resourceID, err)
	}
	return nil
}
