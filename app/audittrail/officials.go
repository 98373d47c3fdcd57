package audittrail

import (
	"context"
	"log/slog"
	"time"

	"github.com/kincare/kincare/app/actor"
	"github.com/kincare/kincare/domain/audit"
	"github.com/kincare/kincare/domain/identity"
)

// OfficialLog stores regulators' actions, append only.
type OfficialLog interface {
	RecordOfficial(ctx context.Context, a audit.OfficialAction) error
}

// Officials writes what regulators do to the official log. A nil
// *Officials records nothing (use cases built without it, in tests).
type Officials struct {
	log    OfficialLog
	now    func() time.Time
	newID  func() string
	logger *slog.Logger
}

func NewOfficials(log OfficialLog, now func() time.Time, newID func() string, logger *slog.Logger) *Officials {
	return &Officials{log: log, now: now, newID: newID, logger: logger}
}

// Record writes what a regulator just did (anyone else's acts are not
// officials' acts: a platform admin's are in the platform's own logs).
// It runs after the change, which stands: a failure is logged loudly.
func (o *Officials) Record(ctx context.Context, a actor.Actor, verb audit.OfficialVerb, kind, id, regionCode, detail string) {
	if o == nil || !a.Roles.Has(identity.RoleRegulator) {
		return
	}
	e := audit.OfficialAction{ID: o.newID(), ActorID: a.UserID, ActorRegions: a.Regions.Strings(), Action: verb,
		SubjectKind: kind, SubjectID: id, RegionCode: regionCode, Detail: detail, RequestID: a.RequestID, At: o.now().UTC()}
	if err := o.log.RecordOfficial(ctx, e); err != nil {
		o.logger.ErrorContext(ctx, "official action not logged", "actor_id", a.UserID, "action", string(verb),
			"subject", kind, "subject_id", id, "request_id", a.RequestID, "err", err)
	}
}
